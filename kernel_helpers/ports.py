"""Host ports handed out so that two sandboxes never race for one port.

On netavark 1.4, publishing a host port that another container already holds
breaks loopback forwarding of the *holder*. So every host port a sandbox
publishes is first leased here: a lease is a file ``ports_dir()/PORT`` that names
the holding sandbox. A lease whose owner has exited is stale and may be taken over,
unless the owner's sandbox could not be removed (its containers may still hold the
port) or the port is still bound.

Twenty kernels may lease at once, so every change (create, take over, release)
happens under the kit's ``ports`` lock, and a lease file appears complete: it is
written under a temporary name and then hard-linked to ``PORT`` (``link`` fails if
the name exists), so a reader never sees an empty lease.

Usage:
    ports.claim(8000, "sb-123")           # the notes' port, or PortBusy
    ports.lease("sb-123", count=2)        # two free ports from the pool
    ports.release_all("sb-123")
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from . import locks, paths, portmap, procinfo
from .errors import KitError, PortBusy

POOL_ENV = "PODMAN_COURSE_PORT_POOL"
# A test that leases ports for a notebook names itself here (in the kernel's environment):
# the notebook's kernel may then take over those leases when it publishes the ports.
GRANT_ENV = "PODMAN_COURSE_PORT_GRANTOR"
DEFAULT_POOL = (20000, 29999)
LOCK_WAIT = 60.0  # seconds; one change holds the lock for well under a millisecond
_in_process = threading.RLock()  # flock is per process: threads of one kernel queue here


@contextlib.contextmanager
def _locked() -> Iterator[None]:
    """Hold the ``ports`` lock (between processes and between this process's threads)."""
    with _in_process, locks.hold("ports", wait=LOCK_WAIT):
        yield


def pool() -> range:
    """The range leased ports come from: ``$PODMAN_COURSE_PORT_POOL`` as ``LOW-HIGH``."""
    raw = os.environ.get(POOL_ENV)
    low, high = DEFAULT_POOL
    if raw:
        try:
            low, high = (int(x) for x in raw.split("-", 1))
        except ValueError:
            raise KitError(f"{POOL_ENV} must look like 20000-29999, not {raw!r}") from None
    return range(low, high + 1)


def is_bindable(port: int) -> bool:
    """True when nothing on this host listens on ``port`` (TCP, any address)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("0.0.0.0", port))
        except PermissionError:  # an ordinary user and a privileged port: ask the kernel
            return not listening(port)
        except OSError:
            return False
    return True


def listening(port: int, proc: Path = Path("/proc")) -> bool:
    """True when a TCP socket listens on PORT (any address), from /proc/net/tcp{,6}."""
    return bool(procinfo.listening_inodes(port, proc, anywhere=True))


def holder(port: int) -> str | None:
    """The sandbox id that leases ``port``, or None."""
    try:
        return (paths.ports_dir() / str(port)).read_text().strip() or None
    except FileNotFoundError:
        return None


def _try_create(port: int, owner: str) -> bool:
    """Create the lease file of ``port`` complete, naming ``owner``; False if it exists."""
    folder = paths.ensure(paths.ports_dir())
    tmp = folder / f".{port}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    tmp.write_text(owner + "\n")
    try:
        os.link(tmp, folder / str(port))
    except FileExistsError:
        return False
    finally:
        tmp.unlink(missing_ok=True)
    return True


def _default_alive(owner: str) -> bool:
    """A lease is in use while its owner runs, or while its sandbox could not be removed."""
    from .owners import is_alive, is_kept
    return is_alive(owner) or is_kept(owner)


def claim(port: int, owner: str, alive: Callable[[str], bool] = _default_alive) -> int:
    """Lease one given ``port`` for ``owner``; raise PortBusy if another owner has it.

    Claiming a port the owner already holds is a no-op. A lease of a dead owner is
    taken over, and so is one held by the sandbox named in ``$PODMAN_COURSE_PORT_GRANTOR``
    (a test that leased the port for this notebook). A port bound by a process outside
    the kit is refused too, and so is a stale lease whose port is still bound.
    """
    with _locked():
        if _try_create(port, owner):
            if not is_bindable(port):
                _remove(port)
                raise PortBusy(port, "a process outside the kit (it is already bound)")
            return port
        current = holder(port)
        if current == owner:
            return port
        if current and current != os.environ.get(GRANT_ENV) and alive(current):
            raise PortBusy(port, f"sandbox {current}")
        if not is_bindable(port):
            raise PortBusy(port, f"sandbox {current} (gone, but the port is still bound)")
        # a stale lease, or one granted to us: hand it over in one step (readers see
        # the old holder or the new one, never no file)
        paths.atomic_write(paths.ports_dir() / str(port), owner + "\n")
        return port


def lease(owner: str, count: int = 1, alive: Callable[[str], bool] = _default_alive) -> list[int]:
    """Lease ``count`` new free ports from the pool for ``owner`` (never one it already holds,
    nor one that stands for a notes port in a hub classroom: ``portmap.reserved``)."""
    got: list[int] = []
    kept = portmap.reserved()
    with _locked():
        for port in pool():
            if len(got) == count:
                break
            if holder(port) == owner or port in kept:
                continue
            try:
                got.append(claim(port, owner, alive))
            except PortBusy:
                continue
        if len(got) < count:
            for port in got:
                _remove(port)
            raise KitError(f"no {count} free ports left in {pool()}")
    return got


def leases(owner: str | None = None) -> dict[int, str]:
    """All current leases (port -> owner), or only those of ``owner``."""
    folder = paths.ports_dir()
    found = {}
    if folder.is_dir():
        for entry in folder.iterdir():
            if entry.name.isdigit():
                who = holder(int(entry.name))
                if who and (owner is None or who == owner):
                    found[int(entry.name)] = who
    return found


def _remove(port: int) -> None:
    try:
        (paths.ports_dir() / str(port)).unlink()
    except FileNotFoundError:
        pass


def release(port: int, owner: str) -> None:
    """Give back ``port`` if ``owner`` holds it."""
    with _locked():
        if holder(port) == owner:
            _remove(port)


def release_all(owner: str) -> list[int]:
    """Give back every port ``owner`` holds; returns them."""
    with _locked():
        mine = sorted(leases(owner))
        for port in mine:
            _remove(port)
    return mine
