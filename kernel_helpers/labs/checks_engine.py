"""Check kinds that ask podman: containers, their flags and files, images.

Each function reads through a ``probe.Probe`` (inspect, ps, images, top, exec, events)
and returns one ``Outcome`` whose reason names what it saw, never an id or a time.
"""

from __future__ import annotations

import shlex

from .kinds import Outcome, Param, failed, passed, register
from .probe import Probe, full_name

NAME = Param(str, doc="the container's name")
FLAGS = ("image", "env", "port", "mount", "restart", "entrypoint", "cmd")
MAX_FILE = 4096  # bytes of a file read by file_content


def _state(info: dict) -> str:
    return (info.get("State") or {}).get("Status", "unknown")


@register("container_exists", "container {name} exists",
          "A container called NAME exists (running or not).", name=NAME)
def container_exists(probe: Probe, name: str) -> Outcome:
    info = probe.container(name)
    if info is None:
        return failed(probe.missing(name))
    return passed(f"{name} exists ({_state(info)})")


@register("container_absent", "container {name} is gone",
          "No container called NAME is left (removed).", name=NAME)
def container_absent(probe: Probe, name: str) -> Outcome:
    info = probe.container(name)
    if info is None:
        return passed(f"there is no container named {name}")
    return failed(f"{name} is still there ({_state(info)})")


@register("container_removed", "container {name} was made, then removed",
          "A container called NAME was removed since the lab started (podman events show its "
          "remove), and no container called NAME is left.", name=NAME)
def container_removed(probe: Probe, name: str) -> Outcome:
    info = probe.container(name)
    if info is not None:
        return failed(f"{name} is still there ({_state(info)})")
    result = probe.run("events", "--stream=false", "--filter", "event=remove", "--format",
                       "{{.Name}} {{.Time.Unix}}")
    if not result.ok:
        return failed(f"podman events did not answer: {(result.stderr.strip().splitlines() or ['?'])[-1]}")
    removed = [line.split() for line in result.stdout.splitlines()]
    if not any(len(r) == 2 and r[0] == name and r[1].isdigit() and int(r[1]) >= int(probe.since)
               for r in removed):
        return failed(f"there is no container named {name}, and none was removed since the lab started")
    return passed(f"{name} was removed")


@register("container_running", "container {name} is running",
          "The container NAME is running now.", name=NAME)
def container_running(probe: Probe, name: str) -> Outcome:
    info = probe.container(name)
    if info is None:
        return failed(probe.missing(name))
    state = _state(info)
    if state == "running":
        return passed(f"{name} is running")
    return failed(f"{name} is {state} (exit code {info['State'].get('ExitCode', '?')})")


@register("container_exited", lambda p: f"container {p['name']} has stopped"
          + (f" with exit code {p['exit_code']}" if p["exit_code"] >= 0 else ""),
          "The container NAME exists and has stopped (exited), with EXIT_CODE if given.",
          name=NAME, exit_code=Param(int, -1, "the exit code it must have stopped with (-1: any)"))
def container_exited(probe: Probe, name: str, exit_code: int = -1) -> Outcome:
    info = probe.container(name)
    if info is None:
        return failed(probe.missing(name))
    state, code = _state(info), info["State"].get("ExitCode")
    if state not in ("exited", "stopped"):
        return failed(f"{name} is {state}, not stopped")
    if exit_code >= 0 and code != exit_code:
        return failed(f"{name} stopped with exit code {code}, not {exit_code}")
    return passed(f"{name} has stopped (exit code {code})")


@register("container_restarted", "container {name} was stopped and started again",
          "The container NAME was started at least STARTS times (podman stop + start, or "
          "restart: its events show the starts) and is running now.",
          name=NAME, starts=Param(int, 2, "how many starts its events must show"))
def container_restarted(probe: Probe, name: str, starts: int = 2) -> Outcome:
    cid = probe.container_id(name)
    if cid is None:
        return failed(probe.missing(name))
    result = probe.run("events", "--stream=false", "--filter", f"container={cid}",
                       "--filter", "event=start", "--format", "{{.Status}}")
    if not result.ok:
        return failed(f"podman events did not answer: {(result.stderr.strip().splitlines() or ['?'])[-1]}")
    count = result.stdout.split().count("start")
    state = _state(probe.container(name) or {})
    if count < starts:
        return failed(f"{name} was started {count} time(s), not at least {starts}")
    if state != "running":
        return failed(f"{name} was started {count} times but is {state} now")
    return passed(f"{name} was started {count} times and is running")


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


@register("container_flag", "container {name} has {flag} {value}",
          "The container NAME was made with FLAG = VALUE (read with podman inspect): image "
          "(a full name), env (NAME=VALUE, or NAME), port (HOST:CONTAINER[/tcp], or "
          "CONTAINER), mount (SOURCE:DEST, or DEST; SOURCE is a host path or volume "
          "name), restart (no, always, on-failure...), entrypoint or cmd (the words, "
          "space-separated).",
          name=NAME, flag=Param(str, doc="which setting", choices=FLAGS),
          value=Param(str, doc="what it must be"))
def container_flag(probe: Probe, name: str, flag: str, value: str) -> Outcome:
    info = probe.container(name)
    if info is None:
        return failed(probe.missing(name))
    have = _flag_values(info, flag)
    if any(_flag_matches(flag, h, value) for h in have):
        return passed(f"{name} has {flag} {value}")
    if flag == "env":
        key = value.split("=", 1)[0]
        have = [h for h in have if h.split("=", 1)[0] == key] or [f"no {key}"]
    shown = ", ".join(have) if any(have) else "none"
    return failed(f"{name} has {flag} {shown}, not {value}")


@register("container_process", "a process {process} runs in container {name}",
          "A process whose command name is PROCESS runs in the container NAME (podman top).",
          name=NAME, process=Param(str, doc="the command name, as ps -o comm shows it"))
def container_process(probe: Probe, name: str, process: str) -> Outcome:
    info = probe.container(name)
    if info is None:
        return failed(probe.missing(name))
    if _state(info) != "running":
        return failed(f"{name} is {_state(info)}: no process runs in it")
    result = probe.run("top", name, "comm")
    names = result.stdout.split()[1:] if result.ok else []
    if process in names:
        return passed(f"{process} runs in {name}")
    return failed(f"no {process} in {name}; it runs: {', '.join(sorted(set(names))) or 'nothing'}")


@register("file_content", lambda p: f"file {p['path']} in container {p['name']}"
          + (f" contains {p['contains']!r}" if p["contains"] else " exists")
          + (f", owned by {p['owner']}" if p["owner"] else ""),
          "The file PATH in the running container NAME contains the text CONTAINS and, if "
          "given, is owned by OWNER (user, or user:group) (read with podman exec).",
          name=NAME, path=Param(str, doc="the file's path in the container"),
          contains=Param(str, "", "text the file must contain"),
          owner=Param(str, "", "user or user:group that must own it"))
def file_content(probe: Probe, name: str, path: str, contains: str = "", owner: str = "") -> Outcome:
    info = probe.container(name)
    if info is None:
        return failed(probe.missing(name))
    if _state(info) != "running":
        return failed(f"{name} is {_state(info)}: the grader reads files of running containers")
    stat = probe.run("exec", name, "stat", "-c", "%U:%G", "--", path)
    if not stat.ok:
        return failed(f"there is no file {path} in {name}")
    if owner and stat.stdout.strip() != owner and stat.stdout.strip().split(":")[0] != owner:
        return failed(f"{path} is owned by {stat.stdout.strip()}, not {owner}")
    if contains:
        text = probe.run("exec", name, "head", "-c", str(MAX_FILE), "--", path).stdout
        if contains not in text:
            first = (text.strip().splitlines() or ["(empty)"])[0][:80]
            return failed(f"{path} does not contain {contains!r} (it starts: {first!r})")
    return passed(f"{path} in {name}" + (f" contains {contains!r}" if contains else " exists"))


IMAGE = Param(str, doc="the image's full name, registry/user/name:tag (no tag: latest)")


@register("image_present", "image {image} is in local storage",
          "Local storage has an image called IMAGE (podman images).", image=IMAGE)
def image_present(probe: Probe, image: str) -> Outcome:
    if probe.image_id(image):
        return passed(f"{full_name(image)} is there")
    repo = full_name(image).rsplit(":", 1)[0]
    tags = sorted({n.rsplit(":", 1)[1] for e in probe.images() for n in e.get("Names") or []
                   if n.rsplit(":", 1)[0] == repo})
    return failed(f"no image {full_name(image)}" + (f" (tags of {repo}: {', '.join(tags)})" if tags else ""))


@register("image_absent", "image {image} is removed",
          "Local storage has no image called IMAGE any more (podman rmi).", image=IMAGE)
def image_absent(probe: Probe, image: str) -> Outcome:
    if probe.image_id(image):
        return failed(f"{full_name(image)} is still there")
    return passed(f"no image {full_name(image)}")


@register("image_same", "image {image} is the same image as {same_as}",
          "The names IMAGE and SAME_AS point to one image (the same image ID): a tag that "
          "moved, or a copy under a new name.",
          image=IMAGE, same_as=Param(str, doc="the other name"))
def image_same(probe: Probe, image: str, same_as: str) -> Outcome:
    first, second = probe.image_id(image), probe.image_id(same_as)
    if first is None or second is None:
        return failed(f"no image {full_name(image if first is None else same_as)}")
    if first != second:
        return failed(f"{full_name(image)} and {full_name(same_as)} are two different images")
    return passed(f"{full_name(image)} and {full_name(same_as)} are one image")
