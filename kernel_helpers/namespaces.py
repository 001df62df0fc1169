"""What a container shares with the host: namespaces, PIDs and processes, read from /proc.

Every Linux process names its namespaces in ``/proc/PID/ns/*`` (``net:[4026532008]``):
two processes are in the same namespace exactly when the numbers match. The kit
compares the notebook kernel's own namespaces (the host's, as the kernel runs on the
host) with those of a container's main process, found with ``podman inspect``.

Usage:
    namespace_table("web")                   # DataFrame: namespace, host, container, isolated
    namespace_table("web", rootless=True)    # a container of the rootless course user
    process_tree("web")                      # podman top (inside) + /proc (host PIDs and users)
    processes_in("pid:[4026532331]")         # the host's processes in that pid namespace

Examples:
    df = namespace_table("web"); df[df.isolated]["namespace"].tolist()
"""

from __future__ import annotations

import os
import pwd
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import process
from .errors import KitError
from .i18n import N_, _

# One line per namespace type: what a process inside it gets its own copy of. Shown in the
# learner's language (``compare``); ``MEANING_COLUMN`` is the one column whose name is
# translated too: the others (namespace, host, container, isolated) are read by name.
MEANING = {
    "cgroup": N_("its view of the cgroup tree (resource limits)"),
    "ipc": N_("shared memory and message queues"),
    "mnt": N_("mounted file systems (its own /)"),
    "net": N_("network interfaces, addresses, ports, routes"),
    "pid": N_("process numbers (its own PID 1)"),
    "pid_for_children": N_("process numbers of the children it starts"),
    "time": N_("boot and monotonic clocks"),
    "time_for_children": N_("clocks of the children it starts"),
    "user": N_("user and group ids (root inside = someone else outside)"),
    "uts": N_("host name and domain name"),
}
MEANING_COLUMN = N_("a namespace of its own means")


def _target(env: dict | None, rootless: bool) -> tuple[dict, list[str]]:
    """(env, argv prefix) of the kernel's sandbox, or of its rootless world."""
    from .session import kernel_sandbox
    if env is not None and not rootless:
        return env, []
    sandbox = kernel_sandbox()
    if not rootless:
        return sandbox.full_env(), []
    from . import rootless as rootless_mod
    world = rootless_mod.world_for(sandbox.id)
    return world.env(), world.prefix()


def podman_output(args: list[str], env: dict | None = None, rootless: bool = False) -> str:
    """stdout of ``podman ARGS`` in ENV, the kernel's sandbox or its rootless world; raises
    CommandFailed (or CommandTimeout)."""
    env, prefix = _target(env, rootless)
    return process.run([*prefix, "podman", *args], env=env, timeout=60, check=True).stdout


def container_pid(container: str, env: dict | None = None, rootless: bool = False) -> int:
    """Host PID of CONTAINER's main process (``podman inspect --format {{.State.Pid}}``)."""
    out = podman_output(["inspect", "--format", "{{.State.Pid}}", container], env, rootless)
    pid = int(out.strip() or 0)
    if pid <= 0:
        raise KitError(_("container {name} is not running: it has no process to look at").format(
            name=container))
    return pid


def namespaces_of(pid: int | str = "self") -> dict[str, str]:
    """``{type: "net:[4026531840]"}`` for every namespace of PID (readable ones only)."""
    folder = Path(f"/proc/{pid}/ns")
    found = {}
    for entry in sorted(folder.iterdir()):
        try:
            found[entry.name] = os.readlink(entry)
        except OSError:
            continue
    return found


def compare(host: dict[str, str], container: dict[str, str]) -> pd.DataFrame:
    """One row per namespace type: both identities and whether the container is isolated.
    The last column (what a namespace of its own means) is in the learner's language."""
    meaning = _(MEANING_COLUMN)
    rows = []
    for kind in sorted(set(host) | set(container)):
        h, c = host.get(kind, ""), container.get(kind, "")
        rows.append({"namespace": kind, "host": h, "container": c,
                     "isolated": bool(h and c and h != c),
                     meaning: _(MEANING[kind]) if kind in MEANING else ""})
    return pd.DataFrame(rows, columns=["namespace", "host", "container", "isolated", meaning])


def namespace_table(container: str, env: dict | None = None, rootless: bool = False) -> pd.DataFrame:
    """Host (this kernel) vs CONTAINER namespaces, for every namespace type."""
    return compare(namespaces_of("self"), namespaces_of(container_pid(container, env, rootless)))


# What `podman top` tells about the inside. Its host-side descriptors (hpid, huser) print "?"
# where podman runs in a PID namespace of its own (a nested machine): the kit reads those from
# /proc instead (`processes_in`).
TOP_FIELDS = ["pid", "ppid", "user", "args"]


@dataclass(frozen=True)
class HostProcess:
    """One process of a pid namespace, as the host sees it (``/proc/PID/status``)."""

    host_pid: int
    pid_inside: int  # the last NSpid field: its PID in the innermost pid namespace
    host_uid: int    # the real uid, in the host's numbering


def _status(pid_dir: Path) -> dict[str, str]:
    fields = {}
    for line in (pid_dir / "status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return fields


def processes_in(pid_namespace: str, proc: Path = Path("/proc")) -> list[HostProcess]:
    """The host's processes whose ``/proc/PID/ns/pid`` is PID_NAMESPACE (``pid:[4026532331]``),
    in host PID order. Processes that end while being read are left out."""
    found = []
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.readlink(entry / "ns" / "pid") != pid_namespace:
                continue
            status = _status(entry)
            found.append(HostProcess(int(entry.name), int(status["NSpid"].split()[-1]),
                                     int(status["Uid"].split()[0])))
        except (OSError, KeyError, ValueError, IndexError):
            continue
    return sorted(found, key=lambda p: p.host_pid)


def host_user(uid: int) -> str:
    """The host's name of UID, or the number when the host has no such user (a subordinate uid)."""
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def process_tree(container: str, env: dict | None = None, rootless: bool = False) -> pd.DataFrame:
    """CONTAINER's processes as a tree: PID and user inside (``podman top``) next to the host's
    (``/proc`` of the processes in the container's pid namespace)."""
    main = container_pid(container, env, rootless)
    on_host = processes_in(os.readlink(f"/proc/{main}/ns/pid"))
    out = podman_output(["top", container, *TOP_FIELDS], env, rootless)
    return tree_frame(out, on_host)


def tree_frame(top_output: str, on_host: list[HostProcess] = ()) -> pd.DataFrame:
    """Parse ``podman top C pid ppid user args`` into a tree-ordered table; PID and user on the
    host from ON_HOST, matched by PID inside (empty where a process is not in it)."""
    by_inside = {p.pid_inside: p for p in on_host}
    lines = [ln for ln in top_output.splitlines() if ln.strip()]
    rows = []
    for line in lines[1:]:
        parts = line.split(None, len(TOP_FIELDS) - 1)
        if len(parts) < len(TOP_FIELDS) or not parts[0].isdigit():
            continue
        rows.append(dict(zip(TOP_FIELDS, parts, strict=True)))
    children: dict[str, list[dict]] = {}
    pids = {r["pid"] for r in rows}
    for row in rows:
        parent = row["ppid"] if row["ppid"] in pids and row["ppid"] != row["pid"] else ""
        children.setdefault(parent, []).append(row)
    ordered: list[dict] = []

    def walk(parent: str, depth: int) -> None:
        for row in sorted(children.get(parent, []), key=lambda r: int(r["pid"])):
            host = by_inside.get(int(row["pid"]))
            ordered.append({"PID inside": int(row["pid"]),
                            "PID on host": host.host_pid if host else None,
                            "user inside": row["user"],
                            "user on host": host_user(host.host_uid) if host else "",
                            "command": "  " * depth + ("└─ " if depth else "") + row["args"].strip()})
            walk(row["pid"], depth + 1)

    walk("", 0)
    frame = pd.DataFrame(ordered, columns=["PID inside", "PID on host", "user inside",
                                           "user on host", "command"])
    return frame.astype({"PID on host": "Int64"})  # whole numbers, <NA> where not found
