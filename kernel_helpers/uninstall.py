"""``python -m kernel_helpers uninstall`` (``make uninstall``): undo what the kit did to the host.

Steps, in this order; each prints one line per thing it did, a failing step reports
its error and the next steps still run, and the exit status is 1 if any step failed:

0. ``hub``: stop the JupyterHub classroom and its learners' servers (``hub.server.stop``);
1. ``classroom``: stop the classroom registry (``classroom.down``; a shared one is left alone);
2. ``sandboxes``: reclaim every sandbox and its rootless world (``sandbox.reclaim(everything=True)``);
3. ``course user``: for each course user the kit made (its GECOS is ``rootless_account.MARKER``;
   a user of that name the kit did not make is kept): stop its processes, remove its
   subuid/subgid ranges, the user with its home, and its ``/run/user/UID`` folder;
   then ``learner accounts``: each account of the hub classroom (``learner:LOGIN`` in the
   record, GECOS ``hub.accounts.MARKER``), removed the same way; then ``learner cgroups``:
   the per-learner memory/pids cgroups ``hub.limits`` made (recorded as ``cgroup:GROUP/LOGIN``);
4. ``/dev/net/tun``: give it back the mode recorded before the kit changed it
   (``hostchanges``);
5. ``docker-registry service``: Debian's own registry service, which
   ``scripts/install-system-packages.sh`` disabled (recorded in ``host-changes.d``), is
   enabled (and started) again as it was;
6. ``folders``: remove the kit's runtime and state folders (the record goes with them,
   so it is read first).

Not undone: packages installed by ``make system`` and the checkout's own ``.venv``.
"""

from __future__ import annotations

import os
import pwd
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

from . import hostchanges, locks, paths, privilege, process, rootless_account, userfs, userprocs
from .errors import CommandFailed, KitError

USERDEL_BUSY = 8  # userdel's exit status when the user still has processes


def stop_classroom() -> list[str]:
    from . import classroom
    if classroom.shared():  # the host's: not this kit's to stop
        return [classroom.shared_down_line()]
    ours = {k: v for k, v in classroom.status().pids.items() if v}
    status = classroom.down()
    if any(status.pids.values()):
        raise KitError(f"the classroom registry still runs after 'classroom down': {status.pids}")
    done = [f"stopped the classroom registry ({', '.join(f'{k} pid {v}' for k, v in ours.items())})"
            if ours else "the classroom registry was not running"]
    if status.pull_up or status.push_up:
        done.append(f"note: something else answers on {status.pull_url} or {status.push_url} "
                    "(not a registry this kit started): left alone")
    return done


def reclaim_sandboxes() -> list[str]:
    from . import sandbox
    return sandbox.reclaim(everything=True)


def _drop_subid_lines(path: str, name: str) -> bool:
    """Remove NAME's lines from PATH (/etc/subuid or /etc/subgid), atomically; True if any."""
    target = Path(path)
    try:
        lines = target.read_text().splitlines(keepends=True)
    except FileNotFoundError:
        return False
    kept = [line for line in lines if line.split(":", 1)[0] != name]
    if len(kept) == len(lines):
        return False
    st = target.stat()
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, stat.S_IMODE(st.st_mode))
    with os.fdopen(fd, "w") as fh:
        fh.writelines(kept)
    os.chown(tmp, st.st_uid, st.st_gid)
    os.replace(tmp, target)
    return True


def _userdel(name: str, uid: int) -> None:
    try:
        process.run(["userdel", "--remove", name], timeout=rootless_account.TIMEOUT, check=True)
    except CommandFailed as exc:
        # Only zombies left (a container's init may reap late): they hold nothing, so --force.
        if exc.returncode != USERDEL_BUSY or userprocs.processes(lambda u: u == uid):
            raise
        process.run(["userdel", "--remove", "--force", name], timeout=rootless_account.TIMEOUT, check=True)


def remove_user(name: str, marker: str = rootless_account.MARKER) -> list[str]:
    """Remove user NAME if the kit made it (its GECOS is MARKER): processes, subids, user,
    home, /run/user."""
    try:
        user = pwd.getpwnam(name)
    except KeyError:
        user = None
    if user is not None and user.pw_gecos != marker:
        return [f"kept user {name}: the kit did not make it"]
    if user is not None and os.geteuid() != 0:
        raise KitError(f"only root can remove the course user {name}")
    done = []
    if user is not None:
        uid = user.pw_uid
        subids = rootless_account.subid_ranges("/etc/subuid", name)
        killed = userprocs.kill_uid(uid)
        for ids in subids:  # container processes that run as one of the user's subordinate ids
            killed += sum(userprocs.kill(p.pid, lambda now, r=ids: all(u in r for u in now.uids))
                          for p in userprocs.processes(lambda u, r=ids: u in r))
        if killed:
            done.append(f"stopped {killed} processes of {name}")
        for path, flag in (("/etc/subuid", "--del-subuids"), ("/etc/subgid", "--del-subgids")):
            for ids in rootless_account.subid_ranges(path, name):
                process.run(["usermod", flag, f"{ids.start}-{ids.stop - 1}", name],
                            timeout=rootless_account.TIMEOUT, check=True)
                done.append(f"removed {name}'s range {ids.start}-{ids.stop - 1} from {path}")
        _userdel(name, uid)
        done.append(f"removed user {name} and its home {user.pw_dir}")
        if userfs.remove(Path("/run/user"), str(uid), uid):
            done.append(f"removed /run/user/{uid}")
    for path in ("/etc/subuid", "/etc/subgid"):  # userdel may leave them; a user gone by hand too
        if _drop_subid_lines(path, name):
            done.append(f"removed {name}'s lines from {path}")
    return done or [f"no course user {name}"]


def remove_users(record: dict) -> list[str]:
    """The course users this state recorded, and the configured one: named on purpose
    (``$PODMAN_COURSE_ROOTLESS_USER``) or, for the default state, made by an older kit that did
    not record it. An isolated state (``$PODMAN_COURSE_STATE``) never takes the shared default
    account with it unless it made it."""
    names = {k.split(":", 1)[1] for k in record if k.startswith("user:")}
    if os.environ.get(rootless_account.USER_ENV) or not os.environ.get(paths.STATE_ENV):
        names.add(rootless_account.user_name())
    done: list[str] = []
    for name in sorted(names):
        done += remove_user(name)
    return done


def remove_learners(record: dict) -> list[str]:
    """The hub classroom's learner accounts (recorded as ``learner:LOGIN``)."""
    from .hub import accounts
    done: list[str] = []
    for login in accounts.recorded_logins(record):
        done += remove_user(login, accounts.MARKER)
    return done or ["no learner accounts"]


def stop_hub() -> list[str]:
    from .hub import server
    return server.stop()


def restore_tun(record: dict, tun: Path = rootless_account.TUN) -> list[str]:
    mode = record.get(hostchanges.TUN_MODE)
    if mode is None:
        return [f"{tun} was not changed by the kit"]
    now = stat.S_IMODE(os.stat(tun).st_mode)
    if now == int(mode, 8):
        return [f"{tun} already has its original mode {mode}"]
    try:
        os.chmod(tun, int(mode, 8))
    except OSError as exc:
        raise KitError(f"could not restore {tun} to mode {mode} (do it by hand: chmod {mode} {tun}): "
                       f"{exc}") from exc
    return [f"restored {tun} to its original mode {mode} (was {now:04o})"]


def _check_removable(folder: Path) -> None:
    """Refuse to remove a folder that cannot be only the kit's (/, /tmp, a home)."""
    real = folder.resolve()
    homes = {Path(p.pw_dir).resolve() for p in pwd.getpwall()} | {Path.home().resolve()}
    if len(real.parts) < 3 or real in homes:
        raise KitError(f"refusing to remove {folder}: not a folder of the kit's own "
                       f"(check {paths.STATE_ENV} and {paths.RUNTIME_ENV})")


def remove_folders() -> list[str]:
    from .sandbox import _unmount_under  # storage drivers leave mounts below the graph roots
    done = []
    for folder in (paths.runtime_dir(), paths.state_dir()):
        if not os.path.lexists(folder):
            done.append(f"no folder {folder}")
            continue
        _check_removable(folder)
        _unmount_under(folder)
        if privilege.user_mode():  # files of the learner's subordinate uids (images, containers)
            failed = userfs.remove_as_learner([folder], timeout=600)
            if failed:
                raise KitError(f"could not remove {folder}: {failed}")
        if os.path.lexists(folder):
            shutil.rmtree(folder)  # fd-based: follows no symlink planted below
        done.append(f"removed {folder}")
    return done


SERVICE = "docker-registry"


def _service_record() -> dict | None:
    """The install script's record of Debian's registry service (root-owned, not writable by others)."""
    path = paths.state_dir() / "host-changes.d" / "docker-registry-service"
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        return None
    with os.fdopen(fd) as fh:
        st = os.fstat(fh.fileno())
        if st.st_uid != 0 or st.st_mode & 0o022:
            raise KitError(f"{path} is not root's own file: not acted on")
        text = fh.read(4096)
    return dict(word.split("=", 1) for word in text.split() if "=" in word)


def restore_registry_service() -> list[str]:
    record = _service_record()
    if record is None:
        return [f"Debian's {SERVICE} service was not changed by the kit"]
    systemd = Path("/run/systemd/system").is_dir()
    done = []
    if record.get("was_enabled") == "yes":
        argv = (["systemctl", "enable", SERVICE] if systemd
                else ["update-rc.d", SERVICE, "enable"])
        process.run(argv, timeout=60, check=True)
        done.append(f"enabled Debian's {SERVICE} service again ({' '.join(argv)})")
    if record.get("was_running") == "yes":
        argv = ["systemctl", "start", SERVICE] if systemd else ["service", SERVICE, "start"]
        process.run(argv, timeout=60, check=True)
        done.append(f"started Debian's {SERVICE} service again ({' '.join(argv)})")
    return done or [f"Debian's {SERVICE} service was neither enabled nor running before: left so"]


def _remove_learner_cgroups(record: dict) -> list[str]:
    from .hub import limits
    return limits.remove_all(record) or ["no learner cgroups"]


def steps(record: dict) -> list[tuple[str, Callable[[], list[str]]]]:
    return [("hub", stop_hub),
            ("classroom", stop_classroom),
            ("sandboxes", reclaim_sandboxes),
            ("course user", lambda: remove_users(record)),
            ("learner accounts", lambda: remove_learners(record)),
            ("learner cgroups", lambda: _remove_learner_cgroups(record)),
            ("/dev/net/tun", lambda: restore_tun(record)),
            ("docker-registry service", restore_registry_service),
            ("folders", remove_folders)]


def run(out: Callable[[str], None] = print) -> int:
    """Run every step, print what each did; 0 if all succeeded, else 1."""
    with locks.hold("setup", wait=600):
        record = hostchanges.load()  # before the state folder (which holds it) is removed
        failed = []
        for name, step in steps(record):
            try:
                lines = step()
            except Exception as exc:  # a step reports its own failure; the next ones still run
                failed.append(name)
                out(f"{name}: FAILED: {exc}")
                continue
            for line in lines:
                out(f"{name}: {line}")
    total = len(steps(record))
    if failed:
        out(f"uninstall: {total - len(failed)} of {total} steps done; failed: {', '.join(failed)}")
        return 1
    out(f"uninstall: all {total} steps done; the host is back as before the kit")
    return 0
