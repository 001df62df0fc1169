"""The rootless lessons' account: who it is, can it run rootless podman, and making it.

The kernel runs as root (it must: the course also teaches root containers), so the
rootless lessons need a real unprivileged account. The kit creates it when it is
missing (``ensure_user``): a login-less user marked as the kit's in its GECOS field
(``MARKER``), subordinate uid/gid ranges, a runtime folder, and ``/dev/net/tun`` open
to users so that slirp4netns can give its containers a network. An account of that
name that the kit did not make is never touched; set ``PODMAN_COURSE_ROOTLESS_USER``
instead. ``PODMAN_COURSE_ROOTLESS=0`` turns the rootless lessons off: no user is made.
Each host change is recorded (``hostchanges``) before it is made, for ``uninstall``.
In user mode (``privilege``) the learner is the account: nothing is made.

``give_subids`` and ``ensure_run_dir`` also serve the hub's learners (``hub.accounts``);
``subid_ranges`` and ``free_subid_start`` read ``/etc/subuid`` and ``/etc/subgid``
(``scripts/test-as-user.sh`` asks ``free_subid_start`` too). The rootless worlds that
run as this account are ``rootless``'s. Standard library and leaf kit modules only
(``hostchanges``, ``paths``, ``privilege``, ``process``, ``userfs``, ``errors``).

Usage:
    ensure_user()                     # as root, once (make setup does it)
    reason = unavailable_reason()     # None when rootless lessons can run here
"""

from __future__ import annotations

import os
import pwd
import shutil
import stat
import time
from pathlib import Path

from . import hostchanges, paths, privilege, process, userfs
from .errors import KitError
from .i18n import N_, _

USER_ENV = "PODMAN_COURSE_ROOTLESS_USER"
ROOTLESS_ENV = "PODMAN_COURSE_ROOTLESS"
OFF_REASON = N_("rootless lessons are turned off (PODMAN_COURSE_ROOTLESS=0)")
DEFAULT_USER = "podman-student"
MARKER = "podman course rootless student (kernel_helpers)"
TUN = Path("/dev/net/tun")
TIMEOUT = 60  # seconds, for useradd, usermod and userdel


def user_name() -> str:
    """The rootless lessons' user: the learner in user mode, else the kit's course user."""
    if privilege.user_mode():
        return privilege.user_name()
    return os.environ.get(USER_ENV) or DEFAULT_USER


def turned_off() -> bool:
    return os.environ.get(ROOTLESS_ENV, "").strip() == "0"


def kit_account() -> pwd.struct_passwd | None:
    """The course user, if it exists and the kit made it (its GECOS is MARKER); in user
    mode, the learner (the kit's worlds then live in the learner's own home)."""
    user = account()
    if user is not None and privilege.user_mode():
        return user
    return user if user is not None and user.pw_gecos == MARKER else None


def account() -> pwd.struct_passwd | None:
    try:
        return pwd.getpwnam(user_name())
    except KeyError:
        return None


def subid_ranges(path: str, name: str) -> list[range]:
    """NAME's ranges in PATH (/etc/subuid or /etc/subgid)."""
    found = []
    try:
        for line in Path(path).read_text().splitlines():
            parts = line.split(":")
            if len(parts) == 3 and parts[0] == name and parts[1].isdigit() and parts[2].isdigit():
                found.append(range(int(parts[1]), int(parts[1]) + int(parts[2])))
    except OSError:
        pass
    return found


def _has_range(path: str, name: str) -> bool:
    return bool(subid_ranges(path, name))


def unavailable_reason() -> str | None:
    """Why rootless lessons cannot run here (None when they can)."""
    if turned_off():
        return _(OFF_REASON)
    user = account()
    if user is None:
        return _("there is no user {user}: run 'make setup' as root "
                 "(the kit creates it)").format(user=user_name())
    if user.pw_gecos != MARKER and not privilege.user_mode():
        return _("user {user} exists but was not made by the kit: set "
                 "{env} to another name").format(user=user_name(), env=USER_ENV)
    if not (_has_range("/etc/subuid", user.pw_name) and _has_range("/etc/subgid", user.pw_name)):
        if privilege.user_mode():
            return _("{user} has no range in /etc/subuid and /etc/subgid (as root: usermod "
                     "--add-subuids ... --add-subgids ...)").format(user=user.pw_name)
        return _("{user} has no range in /etc/subuid and /etc/subgid").format(user=user.pw_name)
    if shutil.which("newuidmap") is None:
        return _("newuidmap is missing: apt-get install uidmap")
    if not TUN.exists() or TUN.stat().st_mode & 0o006 != 0o006:
        return _("/dev/net/tun is not open to users: chmod 0666 /dev/net/tun (as root)")
    return None


def free_subid_start(*files: str) -> int:
    """A start for a new subordinate range above every range in each of FILES (/etc/subuid,
    /etc/subgid; a missing one has none), and at least 100000."""
    top = 100000
    for path in files:
        try:
            for line in Path(path).read_text().splitlines():
                parts = line.split(":")
                if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
                    top = max(top, int(parts[1]) + int(parts[2]))
        except OSError:
            pass
    return top


def ensure_user() -> list[str]:
    """Create the course user, its subordinate ids and runtime folder; open /dev/net/tun.

    Returns one line per change made; each host change is recorded before it is made.
    Does nothing when PODMAN_COURSE_ROOTLESS=0. Raises KitError when it cannot (not
    root, or the name belongs to someone else).
    """
    done: list[str] = []
    if turned_off() or privilege.user_mode():  # user mode: the learner is the rootless user
        return done
    name = user_name()
    user = account()
    if user is not None and user.pw_gecos != MARKER:
        raise KitError(f"user {name} exists but was not made by the kit; set {USER_ENV}")
    if os.geteuid() != 0:
        if user is None:
            raise KitError(f"only root can create the rootless course user {name}")
        return done
    if user is None:
        hostchanges.record(f"user:{name}", {"created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
        process.run(["useradd", "--create-home", "--shell", "/usr/sbin/nologin",
                     "--comment", MARKER, name], timeout=TIMEOUT, check=True)
        done.append(f"created user {name}")
    done += give_subids(name)
    if TUN.exists() and TUN.stat().st_mode & 0o006 != 0o006:
        hostchanges.record(hostchanges.TUN_MODE, f"{stat.S_IMODE(TUN.stat().st_mode):04o}")
        TUN.chmod(0o666)
        done.append("opened /dev/net/tun to users (chmod 0666), for slirp4netns")
    return done + ensure_run_dir(account())


def give_subids(name: str, count: int = 65536) -> list[str]:
    """As root: give NAME a subordinate uid and gid range of COUNT above every other range,
    where it has none (the course user, the hub's learners); one line per range given."""
    done = []
    for path, flag in (("/etc/subuid", "--add-subuids"), ("/etc/subgid", "--add-subgids")):
        if not _has_range(path, name):
            start = free_subid_start(path)
            process.run(["usermod", flag, f"{start}-{start + count - 1}", name], timeout=TIMEOUT, check=True)
            done.append(f"gave {name} {path} range {start}-{start + count - 1}")
    return done


def ensure_run_dir(user: pwd.struct_passwd) -> list[str]:
    """As root: USER's /run/user/UID (no systemd-logind makes it here); one line if made."""
    run_dir = Path(f"/run/user/{user.pw_uid}")
    if run_dir.is_dir():
        return []
    userfs.make_owned_dir(paths.ensure(run_dir.parent), run_dir.name, user.pw_uid, user.pw_gid)
    return [f"made {run_dir}"]
