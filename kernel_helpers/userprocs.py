"""The course user's processes, found by world and checked in /proc before root signals one.

A rootless world's processes (podman's pause process ``catatonit -P``, slirp4netns,
rootlessport, conmon, the containers) run as the course user or one of its
subordinate ids, in the user namespace that the pause process holds. Those podman
starts carry the world's ``XDG_RUNTIME_DIR`` in their environment (measured with
podman 4.3.1; container processes do not). So a world's processes are the course
user's processes whose ``XDG_RUNTIME_DIR`` is the world's runtime folder, and every
process of the user or its subordinate ids in those processes' user namespaces.

Root signals a process only after reading its owner in ``/proc/PID/status``, through
a pidfd opened before that check: a pid reused meanwhile is never hit.

Usage:
    userprocs.kill_world(Path("/run/podman-course/u/abc123"), uid, subids, pause_pid)
    userprocs.kill_uid(uid)          # every process of a user being deleted
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from . import procinfo

PAUSE_ARGV = ("catatonit", "-P")  # podman 4.3's pause process (exe /usr/bin/catatonit)
READ_LIMIT = 65536


@dataclass(frozen=True)
class Proc:
    pid: int
    uids: tuple[int, ...]  # real, effective, saved, filesystem
    state: str
    argv: tuple[str, ...]
    exe: str
    run_dir: str | None  # XDG_RUNTIME_DIR
    userns: str


def _read(path: str) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(READ_LIMIT)


def info(pid: int, allowed: Callable[[int], bool] | None = None) -> Proc | None:
    """What /proc says about PID (None once it is gone, or if one of its uids fails ALLOWED:
    then nothing more of it is read)."""
    base = f"/proc/{pid}"
    try:
        fields = dict(line.split(":", 1) for line in _read(f"{base}/status").decode().splitlines()
                      if ":" in line)
        uids = tuple(int(x) for x in fields["Uid"].split())
        if allowed is not None and not all(allowed(u) for u in uids):
            return None
        state = fields["State"].split()[0]
        argv = tuple(procinfo.argv(pid))
        env = dict(e.split(b"=", 1) for e in _read(f"{base}/environ").split(b"\0") if b"=" in e)
        exe = os.readlink(f"{base}/exe") if state != "Z" else ""
        userns = os.readlink(f"{base}/ns/user")
    except (OSError, KeyError, ValueError, IndexError):
        return None
    run_dir = env.get(b"XDG_RUNTIME_DIR")
    return Proc(pid, uids, state, argv, exe, run_dir.decode(errors="replace") if run_dir else None, userns)


def _pids() -> list[int]:
    return [int(n) for n in os.listdir("/proc") if n.isdigit()]


def processes(allowed: Callable[[int], bool]) -> list[Proc]:
    """Live (not zombie) processes whose every uid passes ALLOWED, this one excluded."""
    found = []
    for pid in _pids():
        if pid == os.getpid():
            continue
        proc = info(pid, allowed)
        if proc and proc.state != "Z":
            found.append(proc)
    return found


def kill(pid: int, check: Callable[[Proc], bool]) -> bool:
    """SIGKILL PID if CHECK passes on what /proc says of it (pidfd first: no pid reuse)."""
    try:
        fd = os.pidfd_open(pid)
    except OSError:
        return False
    try:
        proc = info(pid)
        if proc is None or proc.state == "Z" or not check(proc):
            return False
        signal.pidfd_send_signal(fd, signal.SIGKILL)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def is_pause(proc: Proc, uid: int, run_dir: Path) -> bool:
    """PROC is the pause process of the world whose runtime folder is RUN_DIR."""
    return (set(proc.uids) == {uid} and proc.argv == PAUSE_ARGV
            and os.path.basename(proc.exe) == "catatonit" and proc.run_dir == str(run_dir))


def world_processes(run_dir: Path, uid: int, subids: Iterable[range] = (),
                    pause_pid: int | None = None) -> list[Proc]:
    """The processes of the world whose runtime folder is RUN_DIR (see the module's doc)."""
    ranges = list(subids)

    def allowed(u: int) -> bool:
        return u == uid or any(u in r for r in ranges)

    mine = processes(allowed)
    own_ns = os.readlink("/proc/self/ns/user")
    anchors = [p for p in mine if set(p.uids) == {uid} and p.run_dir == str(run_dir)]
    if pause_pid is not None:
        pause = info(pause_pid)
        if pause and is_pause(pause, uid, run_dir):
            anchors.append(pause)
    spaces = {p.userns for p in anchors} - {own_ns}
    return [p for p in mine if (p.run_dir == str(run_dir) and set(p.uids) == {uid})
            or p.userns in spaces]


def kill_world(run_dir: Path, uid: int, subids: Iterable[range] = (),
               pause_pid: int | None = None) -> int:
    """SIGKILL the processes of the world at RUN_DIR, each checked again; how many."""
    found = world_processes(run_dir, uid, subids, pause_pid)

    def same(p: Proc) -> Callable[[Proc], bool]:
        return lambda now: (now.uids, now.userns, now.run_dir) == (p.uids, p.userns, p.run_dir)

    killed = sum(kill(p.pid, same(p)) for p in found)
    _wait_gone([p.pid for p in found])
    return killed


def kill_uid(uid: int) -> int:
    """SIGKILL every process whose every uid is UID (for a user about to be deleted)."""
    found = processes(lambda u: u == uid)
    killed = sum(kill(p.pid, lambda now: set(now.uids) == {uid}) for p in found)
    _wait_gone([p.pid for p in found])
    return killed


def _wait_gone(pids: list[int], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while pids and time.monotonic() < deadline:
        pids = [pid for pid in pids if (p := info(pid)) is not None and p.state != "Z"]
        if pids:
            time.sleep(0.05)
