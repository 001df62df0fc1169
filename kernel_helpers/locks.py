"""Named advisory locks (``flock``) around state that several processes share.

Two ``make test`` runs, twenty kernels and a teacher's shell all touch the same
state folder: the classroom registry, the course image store, the port leases.
Each shared operation takes one named lock, a file ``state_dir()/locks/NAME.lock``
that is never deleted (deleting a lock file while another process waits on it
would hand out two locks).

Usage:
    with locks.hold("setup"):            # exclusive, waits (default up to 30 min)
        ...
    with locks.hold("classroom-users", shared=True):
        ...                              # many holders at once
    locks.held_by_others("classroom-users")  # True while anyone else holds it
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from . import paths
from .errors import KitError

DEFAULT_WAIT = 1800.0
_local = threading.local()  # per thread: names it holds exclusively -> depth (re-entrant)


def _held() -> dict[str, int]:
    """This thread's exclusive locks. Per thread, not per process: a flock belongs to its open
    file, so another thread of this process (``hub up`` prepares four learners at once) waits
    on its own descriptor like any other process, instead of entering as a re-entry."""
    if not hasattr(_local, "held"):
        _local.held = {}
    return _local.held


def lock_file(name: str) -> Path:
    """The file behind lock NAME (created on first use, mode 0644)."""
    if not name or "/" in name or name.startswith("."):
        raise KitError(f"bad lock name {name!r}")
    return paths.ensure(paths.state_dir() / "locks") / f"{name}.lock"


def _open(name: str) -> int:
    return os.open(lock_file(name), os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)


@contextlib.contextmanager
def hold(name: str, *, shared: bool = False, wait: float = DEFAULT_WAIT) -> Iterator[int]:
    """Hold lock NAME for the ``with`` block; raise KitError after WAIT seconds.

    The lock dies with the process, so a killed holder never leaves it taken. An
    exclusive lock is re-entrant within one thread (``setup`` may call ``images.build``,
    which takes the same lock again); other threads wait for it.
    """
    held = _held()
    if held.get(name):
        held[name] += 1
        try:
            yield -1
        finally:
            held[name] -= 1
        return
    fd = _open(name)
    mode = (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB
    deadline = time.monotonic() + wait
    try:
        while True:
            try:
                fcntl.flock(fd, mode)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise KitError(f"another process holds the kit's '{name}' lock "
                                   f"({lock_file(name)}); gave up after {wait:g} s") from None
                time.sleep(0.05)
        if not shared:
            held[name] = 1
        yield fd
    finally:
        if not shared:
            held.pop(name, None)
        os.close(fd)


def held_by_others(name: str) -> bool:
    """True while another process holds lock NAME (shared or exclusive)."""
    fd = _open(name)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)
    return False
