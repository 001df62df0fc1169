"""Check kinds that look from the host: namespaces, owners of host files, published ports.

The grader runs on the host, as root, in the namespaces podman itself runs in. It reads
``/proc/PID/ns/*`` of a container's main process (``State.Pid`` of ``podman inspect``),
stats host paths, and maps container uids to host uids with the lab's world's uid map
(rootless: ``podman unshare cat /proc/self/uid_map``; root: every uid is itself).
"""

from __future__ import annotations

import os

from ..i18n import N_, _
from .kinds import Outcome, Param, failed, passed, register
from .probe import Probe

NAMESPACES = ("pid", "net", "ipc", "uts", "mnt", "user", "cgroup")


def _namespace(pid: int | str, namespace: str) -> str | None:
    try:
        return os.readlink(f"/proc/{pid}/ns/{namespace}")
    except OSError:
        return None


def _host_pid(probe: Probe, name: str) -> tuple[int | None, Outcome | None]:
    """The host PID of the running container NAME's main process, or a FAIL."""
    info = probe.container(name)
    if info is None:
        return None, failed(probe.missing(name))
    state = info.get("State") or {}
    if state.get("Status") != "running" or not state.get("Pid"):
        return None, failed(_("{name} is {state}, not running").format(
            name=name, state=state.get("Status", "unknown")))
    return int(state["Pid"]), None


# The messages that name whose namespace: {where} (a container's name), or the host's own
# wording (Chinese puts no space between 共享 and 主机 or 容器: neither is a {where} value).
_OF = {
    "shares": (N_("{name} shares the {namespace} namespace of {where} ({id})"),
               N_("{name} shares the {namespace} namespace of the host ({id})")),
    "apart": (N_("{name} does not share the {namespace} namespace of {where} ({id})"),
              N_("{name} does not share the {namespace} namespace of the host ({id})")),
    "own": (N_("{name} has a {namespace} namespace of its own ({id}), not that of {where} ({other})"),
            N_("{name} has a {namespace} namespace of its own ({id}), not that of the host ({other})")),
    "in": (N_("{name} is in the {namespace} namespace of {where} ({id})"),
           N_("{name} is in the {namespace} namespace of the host ({id})")),
    "unread": (N_("cannot read the {namespace} namespace of {where}"),
               N_("cannot read the {namespace} namespace of the host")),
    "label-shares": (N_("container {name} shares the {namespace} namespace of container {where}"),
                     N_("container {name} shares the {namespace} namespace of the host")),
    "label-apart": (N_("container {name} does not share the {namespace} namespace of container {where}"),
                    N_("container {name} does not share the {namespace} namespace of the host")),
}


def _of(message: str, where: str | None, **fields) -> str:
    """The _OF MESSAGE about WHERE's namespace (None: the host's), translated and filled."""
    text = _OF[message][where is None]
    return _(text).format(where=where, **fields)


def _shared_label(p: dict) -> str:
    where = None if p["shares"] == "host" else p["shares"]
    return _of("label-shares" if p["same"] else "label-apart", where,
               name=p["name"], namespace=p["namespace"])


@register("namespace_shared", _shared_label,
          N_("The running container NAME is (SAME) or is not (SAME=false) in the NAMESPACE namespace "
             "of SHARES: the host (the namespaces podman runs in), or another running container "
             "(compared on the host: /proc/PID/ns/NAMESPACE of each main process)."),
          name=Param(str, doc="the container's name"),
          namespace=Param(str, doc="which namespace", choices=NAMESPACES),
          shares=Param(str, "host", "host, or the name of another container"),
          same=Param(bool, True, "true: one namespace; false: two different ones"))
def namespace_shared(probe: Probe, name: str, namespace: str, shares: str = "host",
                     same: bool = True) -> Outcome:
    pid, problem = _host_pid(probe, name)
    if problem:
        return problem
    other, where = "self", None  # None: the host
    if shares != "host":
        other, problem = _host_pid(probe, shares)
        if problem:
            return problem
        where = shares
    mine, theirs = _namespace(pid, namespace), _namespace(other, namespace)
    if mine is None or theirs is None:
        return failed(_of("unread", name if mine is None else where, namespace=namespace))
    if (mine == theirs) == same:
        return passed(_of("shares" if same else "apart", where, name=name, namespace=namespace, id=mine))
    if same:
        return failed(_of("own", where, name=name, namespace=namespace, id=mine, other=theirs))
    return failed(_of("in", where, name=name, namespace=namespace, id=mine))


def uid_map(probe: Probe) -> list[tuple[int, int, int]] | None:
    """The lab's world's uid map (inside, outside, count); None: root's world (identity)."""
    if not probe.rootless:
        return None
    result = probe.run("unshare", "cat", "/proc/self/uid_map")
    rows = [line.split() for line in result.stdout.splitlines()] if result.ok else []
    return [(int(a), int(b), int(c)) for a, b, c in (r for r in rows if len(r) == 3)]


def host_uid(mapping: list[tuple[int, int, int]] | None, uid: int) -> int | None:
    """The host uid of the container uid UID under MAPPING (None: not mapped)."""
    if mapping is None:
        return uid
    for inside, outside, count in mapping:
        if inside <= uid < inside + count:
            return outside + uid - inside
    return None


def inner_uid(mapping: list[tuple[int, int, int]] | None, uid: int) -> int | None:
    """The container uid that the host uid UID is under MAPPING (None: not mapped)."""
    if mapping is None:
        return uid
    for inside, outside, count in mapping:
        if outside <= uid < outside + count:
            return inside + uid - outside
    return None


@register("host_path_owner", N_("host path {path} belongs to uid {uid} of the containers"),
          N_("The host file or folder PATH exists and is owned by the host uid that the lab's world "
             "maps the container uid UID to (rootless: the course user's uid map, podman unshare "
             "cat /proc/self/uid_map; root: UID itself)."),
          path=Param(str, doc="the path on the host, e.g. {FILES}/dbdata"),
          uid=Param(int, doc="the uid as the containers see it (0: root, 27: mysql)"))
def host_path_owner(probe: Probe, path: str, uid: int) -> Outcome:
    try:
        owner = os.stat(path, follow_symlinks=False).st_uid
    except OSError:
        return failed(_("there is no {path} on the host").format(path=path))
    mapping = uid_map(probe)
    if mapping == []:
        return failed(_("podman unshare did not show the course user's uid map"))
    want = host_uid(mapping, uid)
    if owner == want:
        return passed(_("{path} is owned by host uid {owner}, uid {uid} in the containers").format(
            path=path, owner=owner, uid=uid))
    seen = inner_uid(mapping, owner)
    shown = _("uid {uid} in the containers").format(uid=seen) if seen is not None \
        else _("no uid in the containers")
    return failed(_("{path} is owned by host uid {owner} ({shown}), not {want} (uid {uid} there)").format(
        path=path, owner=owner, shown=shown, want=want, uid=uid))


def _published(info: dict) -> list[tuple[int, str]]:
    """(host port, container port) of every -p of a container, running or not."""
    found = []
    bindings = (info.get("HostConfig") or {}).get("PortBindings") or {}
    bindings = bindings or (info.get("NetworkSettings") or {}).get("Ports") or {}
    for inner, binds in sorted(bindings.items()):
        for bind in binds or []:
            if str(bind.get("HostPort") or "").isdigit():
                found.append((int(bind["HostPort"]), inner))
    return found


@register("unprivileged_ports", N_("containers publish host ports from {below} up only, and one does"),
          N_("At least one container of the lab's world publishes a port, and none (running, stopped "
             "or only created) publishes a host port below BELOW: in a rootless world such a "
             "container cannot start, and it keeps asking for that port."),
          below=Param(int, 1024, "the first port that is allowed"))
def unprivileged_ports(probe: Probe, below: int = 1024) -> Outcome:
    low, good = [], []
    for entry in probe.containers():
        info = probe.container(entry["Id"]) or {}
        name = (entry.get("Names") or [entry["Id"][:12]])[0]
        state = (info.get("State") or {}).get("Status", "unknown")
        for host, inner in _published(info):
            shown = _("{name} ({state}) has -p {host}:{inner}").format(
                name=name, state=state, host=host, inner=inner.split("/")[0])
            (low if host < below else good).append(shown)
    if low:
        return failed("; ".join(low))
    if not good:
        return failed(_("no container in {where} publishes a port").format(where=probe.where))
    return passed(_("{ports}: none below {below}").format(ports="; ".join(good), below=below))
