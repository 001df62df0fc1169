"""Root's file operations in folders a learner owns: never steered by a planted symlink.

The kernel runs as root, but the rootless course user owns its home and its worlds'
runtime folders, and can plant a symlink, a FIFO or a fake file in any of them. So
root never uses a plain path below such a folder:

- it *creates and writes* there as the user (``as_user``, ``install``: ``runuser``,
  argv only, with a timeout): a planted symlink then leads only where the user could
  write anyway;
- it *reads and removes* there through ``open_dir``: a walk down from a folder that
  root trusts, one component at a time, each opened with ``O_NOFOLLOW|O_DIRECTORY``
  and owned by the user (or root); removal is ``shutil.rmtree(name, dir_fd=...)``,
  which follows no symlink either. A planted symlink itself is unlinked, never followed.

Usage:
    userfs.install("podman-student", {Path("/home/u/w/conf/a.conf"): ("text", 0o644)},
                   dirs={Path("/home/u/w/storage"): 0o700})
    userfs.read_small(Path("/run/pc/u"), "abc/libpod/tmp/pause.pid", uid)   # str or None
    userfs.remove(Path("/home/u"), ".local/share/podman-course/sandboxes/ID", uid)
"""

from __future__ import annotations

import contextlib
import io
import os
import pwd
import shutil
import stat
import tarfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from . import process
from .errors import KitError

AS_USER_TIMEOUT = 60.0


class UnsafePath(KitError):
    """A path below a learner's folder is a symlink, not a folder, or someone else's."""


def _parts(rel: str | os.PathLike) -> list[str]:
    parts = [p for p in PurePosixPath(rel).parts if p not in ("", ".")]
    if any(p in ("..", "/") for p in parts):
        raise UnsafePath(f"{rel}: only a plain relative path is allowed here")
    return parts


@contextlib.contextmanager
def open_dir(anchor: Path, rel: str | os.PathLike, uid: int) -> Iterator[int]:
    """A descriptor of folder ANCHOR/REL, walked down without following any symlink.

    ANCHOR is trusted (a path root controls, like a home named in /etc/passwd); every
    component below it must be a real folder owned by UID or root. Raises
    FileNotFoundError when a component is missing and UnsafePath otherwise.
    """
    fd = os.open(anchor, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        where = anchor
        for part in _parts(rel):
            where = where / part
            try:
                nfd = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC,
                              dir_fd=fd)
            except FileNotFoundError:
                raise
            except OSError:  # ELOOP or ENOTDIR: a symlink, or not a folder
                raise UnsafePath(f"{where} is not a plain folder (a symlink?): not followed") from None
            os.close(fd)
            fd = nfd
            owner = os.fstat(fd).st_uid
            if owner not in (uid, 0):
                raise UnsafePath(f"{where} belongs to uid {owner}, not {uid}: not used")
        yield fd
    finally:
        os.close(fd)


def read_small(anchor: Path, rel: str | os.PathLike, uid: int, limit: int = 4096) -> str | None:
    """The text of regular file ANCHOR/REL (at most LIMIT bytes), or None when it is
    missing, not a regular file, or reached through a symlink."""
    *folders, name = _parts(rel)
    try:
        with open_dir(anchor, os.path.join(*folders) if folders else ".", uid) as dfd:
            fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=dfd)
            try:
                if not stat.S_ISREG(os.fstat(fd).st_mode):
                    return None
                return os.read(fd, limit).decode(errors="replace")
            finally:
                os.close(fd)
    except (OSError, UnsafePath):
        return None


def remove(anchor: Path, rel: str | os.PathLike, uid: int) -> bool:
    """Remove ANCHOR/REL and all below it, following no symlink (a symlink at REL is
    itself unlinked). True if something was removed; raises OSError if part stays."""
    *folders, name = _parts(rel)
    try:
        with open_dir(anchor, os.path.join(*folders) if folders else ".", uid) as dfd:
            try:
                st = os.lstat(name, dir_fd=dfd)
            except FileNotFoundError:
                return False
            if stat.S_ISDIR(st.st_mode):
                shutil.rmtree(name, dir_fd=dfd)
            else:
                os.unlink(name, dir_fd=dfd)
            return True
    except FileNotFoundError:
        return False


def as_user(user: str, argv: list[str], input: bytes | None = None,
            timeout: float = AS_USER_TIMEOUT) -> process.Completed:
    """Run ARGV as USER (``runuser``, no shell), captured, with a timeout; CommandFailed or
    CommandTimeout if it fails. When the kit already runs as USER (user mode): ARGV itself."""
    who = [] if _is_me(user) else ["runuser", "-u", user, "--"]
    return process.run([*who, *argv], stdin=input, timeout=timeout, check=True)


def _is_me(user: str) -> bool:
    try:
        return pwd.getpwnam(user).pw_uid == os.geteuid()
    except KeyError:
        return False


def _tar(files: dict[Path, tuple[str | bytes, int]], dirs: dict[Path, int]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as tar:
        for path, mode in dirs.items():
            info = tarfile.TarInfo(str(path).lstrip("/"))
            info.type, info.mode = tarfile.DIRTYPE, mode
            tar.addfile(info)
        for path, (content, mode) in files.items():
            data = content.encode() if isinstance(content, str) else content
            info = tarfile.TarInfo(str(path).lstrip("/"))
            info.size, info.mode = len(data), mode
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def install(user: str, files: dict[Path, tuple[str | bytes, int]],
            dirs: dict[Path, int] | None = None) -> None:
    """Create folders DIRS ({path: mode}) and write FILES ({path: (content, mode)}) as USER.

    One ``tar -x`` run by the user: missing parents are made, existing folders keep
    their mode, files are replaced. Paths are absolute.
    """
    argv = ["tar", "-x", "-f", "-", "-C", "/", "--no-overwrite-dir", "--no-same-owner"]
    as_user(user, argv, input=_tar(files, dirs or {}))


def remove_as_learner(trees: list[Path], timeout: float = AS_USER_TIMEOUT) -> str | None:
    """User mode: remove TREES (files of containers belong to the learner's subordinate uids,
    which the learner can only delete inside a user namespace that maps them). No podman is
    involved, so no storage is opened. None when done, else why not (one line)."""
    existing = [str(tree) for tree in trees if os.path.lexists(tree)]
    if not existing:
        return None
    try:
        done = process.run(["unshare", "--map-auto", "--map-root-user", "rm", "-rf", "--", *existing],
                           timeout=timeout)
    except (KitError, OSError) as exc:
        return f"unshare rm failed: {exc}"
    return None if done.ok else f"unshare rm failed: {done.error()}"


def make_owned_dir(parent: Path, name: str, uid: int, gid: int, mode: int = 0o700) -> Path:
    """Folder PARENT/NAME owned by UID, made by root in PARENT, a folder only root writes."""
    st = os.stat(parent)
    if st.st_uid != 0 or st.st_mode & 0o022:
        raise UnsafePath(f"{parent} must be a folder only root can write")
    with contextlib.suppress(FileExistsError):
        os.mkdir(parent / name, mode)
    with open_dir(parent, name, uid) as fd:
        if os.fstat(fd).st_uid != uid:
            os.fchown(fd, uid, gid)
    return parent / name
