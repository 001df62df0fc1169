"""What learners read of the course when the checkout is closed to them (e.g. under /root).

A learner clones the course and runs its venv as themselves. Where a folder above the
checkout is closed to other users (a clone in root's home, mode 0700), the hub publishes, in
its own root-owned state (world-readable):
- ``course.git``: a mirror of the checkout's repository, refreshed at every ``hub up``; the
  learners clone and pull from it (so they get the committed HEAD, as from the checkout);
- ``course-venv``: a copy of the course venv's packages and Jupyter data, recopied when the
  venv changed (its ``pyvenv.cfg`` or ``.installed`` stamp), for the thin venv (``venv.py``).

Usage:
    source = course_source(paths.repo_root(), state)   # the checkout itself, or the mirror
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

from .. import paths, process
from ..errors import KitError

GIT_TIMEOUT = 300


def open_to_others(path: Path) -> bool:
    """True if a user who is neither owner nor in the group can reach PATH: every folder above
    it, as written and with symlinks resolved, lets others through (and PATH itself)."""
    try:
        for p in {path.absolute(), path.resolve()}:
            if not all(os.stat(q).st_mode & stat.S_IXOTH for q in [p, *p.parents] if q.is_dir()):
                return False
        return bool(os.stat(path).st_mode & stat.S_IROTH)
    except OSError:
        return False


def open_for_reading(top: Path) -> None:
    """Folders 0755, files 0644 (0755 if executable), below TOP: root's umask may be narrow."""
    for folder, _dirs, files in os.walk(top):
        os.chmod(folder, 0o755)
        for name in files:
            target = Path(folder, name)
            if not target.is_symlink():
                os.chmod(target, 0o755 if os.access(target, os.X_OK) else 0o644)


def course_source(checkout: Path, state: Path) -> Path:
    """The repository learners clone: CHECKOUT when it is open to them, else its mirror."""
    if open_to_others(checkout / ".git"):
        return checkout
    mirror = state / "course.git"  # not in the hub's own folder: that stays 0700 (secrets, db)
    if (mirror / "HEAD").exists():
        argv = ["git", "-C", str(mirror), "fetch", "--quiet", "--prune", str(checkout),
                "+refs/heads/*:refs/heads/*", "+HEAD:refs/remotes/checkout/HEAD"]
    else:
        argv = ["git", "clone", "--quiet", "--mirror", "--no-hardlinks", str(checkout), str(mirror)]
    done = process.run(argv, timeout=GIT_TIMEOUT)
    if done.returncode != 0:
        raise KitError(f"publishing the course for the learners failed: {done.stderr.strip()[-300:]}")
    head = process.run(["git", "-C", str(checkout), "symbolic-ref", "-q", "HEAD"], timeout=30)
    if head.returncode == 0 and head.stdout.strip():  # the mirror's HEAD: the checkout's branch
        process.run(["git", "-C", str(mirror), "symbolic-ref", "HEAD", head.stdout.strip()],
                    timeout=30, check=True)
    open_for_reading(mirror)
    os.chmod(state, os.stat(state).st_mode | 0o011)  # others may pass through, not list
    return mirror


def _stamp(venv: Path) -> str:
    marks = [venv / "pyvenv.cfg", venv / ".installed"]
    return " ".join(str(m.stat().st_mtime_ns) for m in marks if m.exists())


def venv_copy(venv: Path, site: Path, state: Path) -> Path:
    """A world-readable copy of VENV's SITE (its site-packages) and ``share/jupyter``, in STATE;
    its folder. Copied again only when the venv changed."""
    target = state / "course-venv"
    stamp = target / ".stamp"
    if stamp.exists() and stamp.read_text() == _stamp(venv):
        return target
    fresh = paths.ensure(state / f".course-venv.{os.getpid()}")
    shutil.copytree(site, fresh / "site-packages", symlinks=True)
    if (venv / "share" / "jupyter").is_dir():
        shutil.copytree(venv / "share" / "jupyter", fresh / "share" / "jupyter", symlinks=True)
    open_for_reading(fresh)
    (fresh / ".stamp").write_text(_stamp(venv))
    if target.exists():
        shutil.rmtree(target)
    fresh.rename(target)
    os.chmod(state, os.stat(state).st_mode | 0o011)
    return target
