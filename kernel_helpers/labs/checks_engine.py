"""Check kinds that ask podman: containers, their flags and files, images.

Each function reads through a ``probe.Probe`` (inspect, ps, images, top, exec, events)
and returns one ``Outcome`` whose reason names what it saw, never an id or a time.
"""

from __future__ import annotations

import shlex

from ..i18n import N_, _
from .kinds import Outcome, Param, failed, passed, register
from .probe import Probe, full_name

NAME = Param(str, doc="the container's name")
FLAGS = ("image", "env", "port", "mount", "restart", "entrypoint", "cmd")
# How a sentence names each FLAG (English: the flag itself; translated where shown, ``flag_word``)
FLAG_WORDS = {"image": N_("image"), "env": N_("env"), "port": N_("port"), "mount": N_("mount"),
              "restart": N_("restart"), "entrypoint": N_("entrypoint"), "cmd": N_("cmd")}
MAX_FILE = 4096  # bytes of a file read by file_content


def flag_word(flag: str) -> str:
    """FLAG (a lab's ``flag``) as the checklist's sentences name it, in the learner's language."""
    return _(FLAG_WORDS[flag]) if flag in FLAG_WORDS else flag


def _flag_label(p: dict) -> str:
    return _("container {name} has {flag} {value}").format(
        name=p["name"], flag=flag_word(p["flag"]), value=p["value"])


def _state(info: dict) -> str:
    return (info.get("State") or {}).get("Status", "unknown")


def _no_events(result) -> Outcome:
    last = (result.stderr.strip().splitlines() or ["?"])[-1]
    return failed(_("podman events did not answer: {error}").format(error=last))


@register("container_exists", N_("container {name} exists"),
          N_("A container called NAME exists (running or not)."), name=NAME)
def container_exists(probe: Probe, name: str) -> Outcome:
    info = probe.container(name)
    if info is None:
        return failed(probe.missing(name))
    return passed(_("{name} exists ({state})").format(name=name, state=_state(info)))


@register("container_absent", N_("container {name} is gone"),
          N_("No container called NAME is left (removed)."), name=NAME)
def container_absent(probe: Probe, name: str) -> Outcome:
    info = probe.container(name)
    if info is None:
        return passed(_("there is no container named {name}").format(name=name))
    return failed(_("{name} is still there ({state})").format(name=name, state=_state(info)))


@register("container_removed", N_("container {name} was made, then removed"),
          N_("A container called NAME was removed since the lab started (podman events show its "
             "remove), and no container called NAME is left."), name=NAME)
def container_removed(probe: Probe, name: str) -> Outcome:
    info = probe.container(name)
    if info is not None:
        return failed(_("{name} is still there ({state})").format(name=name, state=_state(info)))
    result = probe.run("events", "--stream=false", "--filter", "event=remove", "--format",
                       "{{.Name}} {{.Time.Unix}}")
    if not result.ok:
        return _no_events(result)
    removed = [line.split() for line in result.stdout.splitlines()]
    if not any(len(r) == 2 and r[0] == name and r[1].isdigit() and int(r[1]) >= int(probe.since)
               for r in removed):
        return failed(_("there is no container named {name}, and none was removed since the lab "
                        "started").format(name=name))
    return passed(_("{name} was removed").format(name=name))


@register("container_running", N_("container {name} is running"),
          N_("The container NAME is running now."), name=NAME)
def container_running(probe: Probe, name: str) -> Outcome:
    info = probe.container(name)
    if info is None:
        return failed(probe.missing(name))
    state = _state(info)
    if state == "running":
        return passed(_("{name} is running").format(name=name))
    return failed(_("{name} is {state} (exit code {code})").format(
        name=name, state=state, code=info["State"].get("ExitCode", "?")))


@register("container_exited", lambda p: _("container {name} has stopped with exit code {code}").format(
          name=p["name"], code=p["exit_code"]) if p["exit_code"] >= 0
          else _("container {name} has stopped").format(name=p["name"]),
          N_("The container NAME exists and has stopped (exited), with EXIT_CODE if given."),
          name=NAME, exit_code=Param(int, -1, "the exit code it must have stopped with (-1: any)"))
def container_exited(probe: Probe, name: str, exit_code: int = -1) -> Outcome:
    info = probe.container(name)
    if info is None:
        return failed(probe.missing(name))
    state, code = _state(info), info["State"].get("ExitCode")
    if state not in ("exited", "stopped"):
        return failed(_("{name} is {state}, not stopped").format(name=name, state=state))
    if exit_code >= 0 and code != exit_code:
        return failed(_("{name} stopped with exit code {code}, not {wanted}").format(
            name=name, code=code, wanted=exit_code))
    return passed(_("{name} has stopped (exit code {code})").format(name=name, code=code))


@register("container_restarted", N_("container {name} was stopped and started again"),
          N_("The container NAME was started at least STARTS times (podman stop + start, or "
             "restart: its events show the starts) and is running now."),
          name=NAME, starts=Param(int, 2, "how many starts its events must show"))
def container_restarted(probe: Probe, name: str, starts: int = 2) -> Outcome:
    cid = probe.container_id(name)
    if cid is None:
        return failed(probe.missing(name))
    result = probe.run("events", "--stream=false", "--filter", f"container={cid}",
                       "--filter", "event=start", "--format", "{{.Status}}")
    if not result.ok:
        return _no_events(result)
    count = result.stdout.split().count("start")
    state = _state(probe.container(name) or {})
    if count < starts:
        return failed(_("{name} was started {count} time(s), not at least {starts}").format(
            name=name, count=count, starts=starts))
    if state != "running":
        return failed(_("{name} was started {count} times but is {state} now").format(
            name=name, count=count, state=state))
    return passed(_("{name} was started {count} times and is running").format(name=name, count=count))


def _flag_values(info: dict, flag: str) -> list[str]:
    """What the container has for FLAG, as strings comparable with a lab's value."""
    config, host = info.get("Config") or {}, info.get("HostConfig") or {}
    if flag == "image":
        return [full_name(info.get("ImageName", ""))]
    if flag == "env":
        return list(config.get("Env") or [])
    if flag == "port":
        ports = (info.get("NetworkSettings") or {}).get("Ports") or {}
        return [f"{b.get('HostPort')}:{inner}" for inner, binds in sorted(ports.items())
                for b in binds or []]
    if flag == "mount":
        return [f"{m.get('Name') or m.get('Source')}:{m.get('Destination')}"
                for m in info.get("Mounts") or []]
    if flag == "restart":
        return [(host.get("RestartPolicy") or {}).get("Name") or "no"]
    value = config.get("Entrypoint" if flag == "entrypoint" else "Cmd")
    return [shlex.join(value) if isinstance(value, list) else (value or "")]


def _flag_matches(flag: str, have: str, want: str) -> bool:
    if flag == "image":
        return have == full_name(want)
    if flag == "env":
        return have == want if "=" in want else have.split("=", 1)[0] == want
    if flag == "port":  # HOST:CONTAINER[/proto], or CONTAINER[/proto] for any host port
        host, _, inner = have.rpartition(":")
        wanted_host, _, wanted_inner = want.rpartition(":")
        inner_ok = inner == (wanted_inner if "/" in wanted_inner else f"{wanted_inner}/tcp")
        return inner_ok and (not wanted_host or host == wanted_host)
    if flag == "mount":  # SOURCE:DEST, or DEST for any source
        source, _, dest = have.rpartition(":")
        wanted_source, _, wanted_dest = want.rpartition(":")
        return dest == wanted_dest and (not wanted_source or source == wanted_source)
    return have == want


@register("container_flag", _flag_label,
          N_("The container NAME was made with FLAG = VALUE (read with podman inspect): image "
             "(a full name), env (NAME=VALUE, or NAME), port (HOST:CONTAINER[/tcp], or "
             "CONTAINER), mount (SOURCE:DEST, or DEST; SOURCE is a host path or volume "
             "name), restart (no, always, on-failure...), entrypoint or cmd (the words, "
             "space-separated)."),
          name=NAME, flag=Param(str, doc="which setting", choices=FLAGS),
          value=Param(str, doc="what it must be"))
def container_flag(probe: Probe, name: str, flag: str, value: str) -> Outcome:
    info = probe.container(name)
    if info is None:
        return failed(probe.missing(name))
    have = _flag_values(info, flag)
    if any(_flag_matches(flag, h, value) for h in have):
        return passed(_("{name} has {flag} {value}").format(name=name, flag=flag_word(flag), value=value))
    if flag == "env":
        key = value.split("=", 1)[0]
        have = [h for h in have if h.split("=", 1)[0] == key] or [_("no {key}").format(key=key)]
    shown = ", ".join(have) if any(have) else _("none")
    return failed(_("{name} has {flag} {shown}, not {value}").format(
        name=name, flag=flag_word(flag), shown=shown, value=value))


@register("container_process", N_("a process {process} runs in container {name}"),
          N_("A process whose command name is PROCESS runs in the container NAME (podman top)."),
          name=NAME, process=Param(str, doc="the command name, as ps -o comm shows it"))
def container_process(probe: Probe, name: str, process: str) -> Outcome:
    info = probe.container(name)
    if info is None:
        return failed(probe.missing(name))
    if _state(info) != "running":
        return failed(_("{name} is {state}: no process runs in it").format(name=name, state=_state(info)))
    result = probe.run("top", name, "comm")
    names = result.stdout.split()[1:] if result.ok else []
    if process in names:
        return passed(_("{process} runs in {name}").format(process=process, name=name))
    return failed(_("no {process} in {name}; it runs: {names}").format(
        process=process, name=name, names=", ".join(sorted(set(names))) or _("nothing")))


@register("file_content", lambda p: (
          _("file {path} in container {name} contains {text}") if p["contains"]
          else _("file {path} in container {name} exists")).format(
              path=p["path"], name=p["name"], text=repr(p["contains"]))
          + (_(", owned by {owner}").format(owner=p["owner"]) if p["owner"] else ""),
          N_("The file PATH in the running container NAME contains the text CONTAINS and, if "
             "given, is owned by OWNER (user, or user:group) (read with podman exec)."),
          name=NAME, path=Param(str, doc="the file's path in the container"),
          contains=Param(str, "", "text the file must contain"),
          owner=Param(str, "", "user or user:group that must own it"))
def file_content(probe: Probe, name: str, path: str, contains: str = "", owner: str = "") -> Outcome:
    info = probe.container(name)
    if info is None:
        return failed(probe.missing(name))
    if _state(info) != "running":
        return failed(_("{name} is {state}: the grader reads files of running containers").format(
            name=name, state=_state(info)))
    stat = probe.run("exec", name, "stat", "-c", "%U:%G", "--", path)
    if not stat.ok:
        return failed(_("there is no file {path} in {name}").format(path=path, name=name))
    if owner and stat.stdout.strip() != owner and stat.stdout.strip().split(":")[0] != owner:
        return failed(_("{path} is owned by {have}, not {owner}").format(
            path=path, have=stat.stdout.strip(), owner=owner))
    if contains:
        text = probe.run("exec", name, "head", "-c", str(MAX_FILE), "--", path).stdout
        if contains not in text:
            first = (text.strip().splitlines() or [_("(empty)")])[0][:80]
            return failed(_("{path} does not contain {text} (it starts: {first})").format(
                path=path, text=repr(contains), first=repr(first)))
    if contains:
        return passed(_("{path} in {name} contains {text}").format(path=path, name=name, text=repr(contains)))
    return passed(_("{path} in {name} exists").format(path=path, name=name))


IMAGE = Param(str, doc="the image's full name, registry/user/name:tag (no tag: latest)")


@register("image_present", N_("image {image} is in local storage"),
          N_("Local storage has an image called IMAGE (podman images)."), image=IMAGE)
def image_present(probe: Probe, image: str) -> Outcome:
    if probe.image_id(image):
        return passed(_("{image} is there").format(image=full_name(image)))
    repo = full_name(image).rsplit(":", 1)[0]
    tags = sorted({n.rsplit(":", 1)[1] for e in probe.images() for n in e.get("Names") or []
                   if n.rsplit(":", 1)[0] == repo})
    if tags:
        return failed(_("no image {image} (tags of {repo}: {tags})").format(
            image=full_name(image), repo=repo, tags=", ".join(tags)))
    return failed(_("no image {image}").format(image=full_name(image)))


@register("image_absent", N_("image {image} is removed"),
          N_("Local storage has no image called IMAGE any more (podman rmi)."), image=IMAGE)
def image_absent(probe: Probe, image: str) -> Outcome:
    if probe.image_id(image):
        return failed(_("{image} is still there").format(image=full_name(image)))
    return passed(_("no image {image}").format(image=full_name(image)))


@register("image_same", N_("image {image} is the same image as {same_as}"),
          N_("The names IMAGE and SAME_AS point to one image (the same image ID): a tag that "
             "moved, or a copy under a new name."),
          image=IMAGE, same_as=Param(str, doc="the other name"))
def image_same(probe: Probe, image: str, same_as: str) -> Outcome:
    first, second = probe.image_id(image), probe.image_id(same_as)
    if first is None or second is None:
        return failed(_("no image {image}").format(image=full_name(image if first is None else same_as)))
    if first != second:
        return failed(_("{image} and {other} are two different images").format(
            image=full_name(image), other=full_name(same_as)))
    return passed(_("{image} and {other} are one image").format(
        image=full_name(image), other=full_name(same_as)))
