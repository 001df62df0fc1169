"""Rootless podman for the lessons: an unprivileged course user, one private world per kernel.

The kernel runs as root (it must: the course also teaches root containers), so the
rootless lessons need a real unprivileged account. The kit creates it when it is
missing (``ensure_user``): a login-less user marked as the kit's in its GECOS field,
subordinate uid/gid ranges, a runtime folder, and ``/dev/net/tun`` open to users so
that slirp4netns can give its containers a network. An account of that name that
the kit did not make is never touched; set ``PODMAN_COURSE_ROOTLESS_USER`` instead.

Each kernel sandbox gets a *rootless world* beside its own (``world_for``): storage
and configs owned by the course user, selected by environment as for root, and
removed with the sandbox. ``%podman --rootless ...`` runs a command there, as that
user, through ``runuser`` (no shell).

Usage:
    ensure_user()                     # as root, once (make setup does it)
    rw = world_for(sandbox)
    subprocess.run(command_prefix(rw) + ["podman", "ps"])
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, replace
from pathlib import Path

from . import engine, paths
from .errors import KitError

USER_ENV = "PODMAN_COURSE_ROOTLESS_USER"
DEFAULT_USER = "podman-student"
MARKER = "podman course rootless student (kernel_helpers)"
TUN = Path("/dev/net/tun")


def user_name() -> str:
    return os.environ.get(USER_ENV) or DEFAULT_USER


def account() -> pwd.struct_passwd | None:
    try:
        return pwd.getpwnam(user_name())
    except KeyError:
        return None


def _has_range(path: str, name: str) -> bool:
    try:
        return any(line.split(":", 1)[0] == name for line in Path(path).read_text().splitlines())
    except OSError:
        return False


def unavailable_reason() -> str | None:
    """Why rootless lessons cannot run here (None when they can)."""
    user = account()
    if user is None:
        return (f"there is no user {user_name()}: run 'make setup' as root "
                "(the kit creates it)")
    if user.pw_gecos != MARKER:
        return (f"user {user_name()} exists but was not made by the kit: set "
                f"{USER_ENV} to another name")
    if not (_has_range("/etc/subuid", user.pw_name) and _has_range("/etc/subgid", user.pw_name)):
        return f"{user.pw_name} has no range in /etc/subuid and /etc/subgid"
    if shutil.which("newuidmap") is None:
        return "newuidmap is missing: apt-get install uidmap"
    if not TUN.exists() or TUN.stat().st_mode & 0o006 != 0o006:
        return "/dev/net/tun is not open to users: chmod 0666 /dev/net/tun (as root)"
    return None


def _free_subid_start(path: str, count: int = 65536) -> int:
    """A start for a new subordinate range above every range in PATH."""
    top = 100000
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

    Returns one line per change made. Raises KitError when it cannot (not root,
    or the name belongs to someone else).
    """
    done: list[str] = []
    name = user_name()
    user = account()
    if user is not None and user.pw_gecos != MARKER:
        raise KitError(f"user {name} exists but was not made by the kit; set {USER_ENV}")
    if os.geteuid() != 0:
        if user is None:
            raise KitError(f"only root can create the rootless course user {name}")
        return done
    if user is None:
        subprocess.run(["useradd", "--create-home", "--shell", "/usr/sbin/nologin",
                        "--comment", MARKER, name], check=True, capture_output=True)
        done.append(f"created user {name}")
    for path, flag in (("/etc/subuid", "--add-subuids"), ("/etc/subgid", "--add-subgids")):
        if not _has_range(path, name):
            start = _free_subid_start(path)
            subprocess.run(["usermod", flag, f"{start}-{start + 65535}", name],
                           check=True, capture_output=True)
            done.append(f"gave {name} {path} range {start}-{start + 65535}")
    if TUN.exists() and TUN.stat().st_mode & 0o006 != 0o006:
        TUN.chmod(0o666)
        done.append("opened /dev/net/tun to users (chmod 0666), for slirp4netns")
    user = account()
    run_dir = Path(f"/run/user/{user.pw_uid}")
    if not run_dir.is_dir():
        run_dir.mkdir(parents=True, mode=0o700)
        os.chown(run_dir, user.pw_uid, user.pw_gid)
        done.append(f"made {run_dir}")
    return done


@dataclass(frozen=True)
class RootlessWorld:
    """The course user's private podman world for one sandbox."""

    sandbox_id: str
    world: engine.World
    user: str
    uid: int
    home: Path

    @property
    def base(self) -> Path:
        return self.world.conf_dir.parent

    @property
    def files(self) -> Path:
        """A folder of this world owned by the user, for host directories to mount."""
        return self.base / "files"

    def env(self) -> dict[str, str]:
        """The whole environment the user's podman gets (nothing of the kernel's)."""
        return {"HOME": str(self.home), "USER": self.user, "LOGNAME": self.user,
                "PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", "LANG": "C.UTF-8",
                **self.world.env}

    def prefix(self) -> list[str]:
        """argv prefix that runs a command as the user, in this world, from its files folder."""
        pairs = [f"{k}={v}" for k, v in self.env().items()]
        return ["runuser", "-u", self.user, "--", "env", "-i", "-C", str(self.files), *pairs]


def _user_world(base: Path, run: Path, **extra_env: str) -> engine.World:
    """Rootless podman takes its run root from XDG_RUNTIME_DIR (``$XDG_RUNTIME_DIR/containers``),
    so each world has its own runtime folder RUN: its own run root and pause process too."""
    return engine.World(conf_dir=base / "conf", graphroot=base / "storage",
                        runroot=run / "containers", tmp_dir=run / "libpod" / "tmp",
                        extra_env={**extra_env, "XDG_RUNTIME_DIR": str(run)})


def _world_paths(sandbox_id: str, home: Path) -> engine.World:
    return _user_world(home / ".local/share/podman-course/sandboxes" / sandbox_id,
                       paths.runtime_dir() / "u" / sandbox_id.rsplit("-", 1)[-1],
                       PODMAN_COURSE_SANDBOX=sandbox_id)


# The course images the rootless lessons use, under the names the notebooks use; they are
# pulled once into the user's shared store, which every rootless world reads (read-only).
STORE_IMAGES = ("registry.redhat.io/rhel8/httpd-24:latest", "registry.redhat.io/rhel8/httpd-24:1-105",
                "registry.access.redhat.com/ubi8/ubi:latest", "registry.redhat.io/rhel8/mariadb-103:latest")


STORE_VERSION = "2"  # 2: layers keep their subordinate owners


def _store_world(home: Path) -> engine.World:
    return _user_world(home / ".local/share/podman-course/images", paths.runtime_dir() / "u" / "images")


def _own(rw: RootlessWorld) -> RootlessWorld:
    """Write RW's files (idempotent) and give them, and the folders above, to the user."""
    rw.world.write()
    paths.ensure(rw.files, 0o755)
    gid = pwd.getpwuid(rw.uid).pw_gid
    folder = rw.base
    while folder != rw.home:  # the new folders between the home and the world
        os.lchown(folder, rw.uid, gid)
        folder = folder.parent
    # Only the kit's own files: never the storage below the graph root, whose files belong
    # to the user's subordinate ids (uid 27 in an image must stay 100026 on disk).
    for single in (rw.files, rw.world.graphroot):
        os.lchown(single, rw.uid, gid)
    for top in (rw.world.conf_dir, rw.world.runroot.parent):
        _chown_tree(top, rw.uid, gid)
    for conf in rw.world.conf_dir.iterdir():
        conf.chmod(0o644 if conf.name != "auth.json" else 0o600)
    return rw


def prepare_store(log=print) -> list[str]:
    """Pull STORE_IMAGES into the user's shared store when missing or outdated (as root)."""
    from .images import _registry_config_digest  # the classroom's current image ids
    if unavailable_reason() or os.geteuid() != 0:
        return []
    user = account()
    home = Path(user.pw_dir)
    store = _store_world(home)
    stamp = store.conf_dir.parent / "store-version"
    if store.conf_dir.parent.exists() and (
            not stamp.exists() or stamp.read_text().strip() != STORE_VERSION):
        # an older kit chowned every layer to the user: such a store is wrong, start again
        shutil.rmtree(store.conf_dir.parent)
        log("rootless store: made by an older kit, pulling it again")
    rw = _own(RootlessWorld("images", store, user.pw_name, user.pw_uid, home))
    pulled = []
    for name in STORE_IMAGES:
        tag = name.split("/", 1)[1]
        wanted = _registry_config_digest(tag)
        have = subprocess.run(rw.prefix() + ["podman", "image", "inspect", "--format", "{{.Id}}",
                                             name], capture_output=True, text=True).stdout.strip()
        if wanted and f"sha256:{have}" == wanted:
            continue
        start = time.monotonic()
        result = subprocess.run(rw.prefix() + ["podman", "pull", "-q", name], capture_output=True,
                                text=True, timeout=600)
        if result.returncode != 0:
            raise KitError(f"rootless store: pulling {name} failed: {result.stderr.strip()}")
        pulled.append(name)
        log(f"rootless store: pulled {name} in {time.monotonic() - start:.1f} s")
    if pulled:
        subprocess.run(rw.prefix() + ["podman", "image", "prune", "-f"], capture_output=True)
    _stop_pause(rw.world)
    stamp.write_text(STORE_VERSION + "\n")
    return pulled


def world_for(sandbox_id: str, create: bool = True) -> RootlessWorld:
    """The rootless world of SANDBOX_ID, written and owned by the user on first use."""
    reason = unavailable_reason()
    if reason:
        raise KitError(f"rootless lessons cannot run here: {reason}")
    user = account()
    home = Path(user.pw_dir)
    world = _world_paths(sandbox_id, home)
    store = _store_world(home).graphroot
    if (store / "overlay-images").is_dir():
        world = replace(world, additional_stores=(store,))
    rw = RootlessWorld(sandbox_id, world, user.pw_name, user.pw_uid, home)
    if create and not (rw.world.conf_dir / "storage.conf").exists():
        _own(rw)
    return rw


def _chown_tree(top: Path, uid: int, gid: int) -> None:
    for root, dirs, files in os.walk(top):
        for entry in [root, *(os.path.join(root, n) for n in dirs + files)]:
            st = os.lstat(entry)
            if (st.st_uid, st.st_gid) != (uid, gid):
                os.lchown(entry, uid, gid)


def remove_world(sandbox_id: str) -> list[str]:
    """Remove the rootless world of SANDBOX_ID (containers first), if it has one."""
    user = account()
    if user is None:
        return []
    world = _world_paths(sandbox_id, Path(user.pw_dir))
    base = world.conf_dir.parent
    if not base.exists() and not world.runroot.parent.exists():
        return []
    done = []
    if (world.conf_dir / "storage.conf").exists():
        rw = RootlessWorld(sandbox_id, world, user.pw_name, user.pw_uid, Path(user.pw_dir))
        for args in (["pod", "rm", "-af", "-t", "0"], ["rm", "-af", "-t", "0"]):
            try:
                out = subprocess.run(rw.prefix() + ["podman", *args], capture_output=True,
                                     text=True, timeout=90, stdin=subprocess.DEVNULL).stdout
                done += [f"removed rootless {args[0]} {n[:12]}" for n in out.split()]
            except (subprocess.TimeoutExpired, OSError) as exc:
                done.append(f"rootless podman {' '.join(args)} failed: {exc}")
    if _stop_pause(world):
        done.append("stopped the rootless pause process")
    for root in (base, world.runroot.parent):
        shutil.rmtree(root, ignore_errors=True)
    return done


def _stop_pause(world: engine.World) -> bool:
    """Kill the pause process that holds WORLD's user namespace (True if there was one)."""
    try:
        os.kill(int((world.tmp_dir / "pause.pid").read_text().strip()), signal.SIGKILL)
    except (OSError, ValueError):
        return False
    return True


def stop_idle_user_processes(live_sandbox_ids: list[str]) -> list[str]:
    """Stop the course user's leftover processes (pause, slirp4netns) when no live sandbox
    has a rootless world any more."""
    user = account()
    if user is None or user.pw_gecos != MARKER or os.geteuid() != 0:
        return []
    base = Path(user.pw_dir) / ".local/share/podman-course/sandboxes"
    if any((base / sid).exists() for sid in live_sandbox_ids):
        return []
    result = subprocess.run(["pkill", "-KILL", "-u", user.pw_name], capture_output=True)
    return [f"stopped the idle processes of {user.pw_name}"] if result.returncode == 0 else []
