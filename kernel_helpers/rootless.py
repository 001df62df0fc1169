"""Rootless podman for the lessons: one private world per kernel, as an unprivileged user.

The rootless lessons run as the course user, which ``rootless_account`` names, checks
and makes (root mode: a kit-made account; user mode: the learner).

Each kernel sandbox gets a *rootless world* beside its own (``world_for``): storage
and configs owned by the course user, selected by environment as for root, and
removed with the sandbox. ``%podman --rootless ...`` runs a command there, as that
user, through ``runuser`` (no shell). The course images the rootless lessons use are
pulled once into the user's shared store (``prepare_store``), which every world reads.

In user mode (the kit runs as an ordinary user: ``privilege``) the learner is the
rootless user: no account is made, no ``runuser`` is used, a world lives inside its
kernel sandbox's folder, and the shared store is the learner's own (``rootless-images``
beside the kit's image store), pulled by ``setup``.

Root never follows a path the user controls: a world's files are written as the user
and read or removed through ``userfs``; a process is killed only once ``userprocs``
has checked in /proc that it belongs to the world.

Usage:
    rootless_account.ensure_user()    # as root, once (make setup does it)
    rw = world_for(sandbox)
    process.run(rw.prefix() + ["podman", "ps"], timeout=60)
"""
from __future__ import annotations

import os
import pwd
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

from . import engine, paths, privilege, process, rootless_account, userfs, userprocs
from .errors import KitError

TIMEOUT = 60  # seconds, for podman's quick commands


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
    def anchor(self) -> Path:
        """The folder root trusts above this world's files: the user's home (root mode);
        in user mode ``/``, as the kit is the user and follows nothing on root's behalf."""
        return Path("/") if self.uid == os.geteuid() else self.home

    def below(self, path: Path) -> Path:
        """PATH relative to ``anchor``, for ``userfs``."""
        return path.relative_to(self.anchor)

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
        """argv prefix that runs a command as the user, in this world, from its files folder
        (in user mode the kit already runs as the user: no ``runuser``)."""
        pairs = [f"{k}={v}" for k, v in self.env().items()]
        who = [] if self.uid == os.geteuid() else ["runuser", "-u", self.user, "--"]
        return [*who, "env", "-i", "-C", str(self.files), *pairs]


def _user_world(base: Path, run: Path, **extra_env: str) -> engine.World:
    """Rootless podman takes its run root from XDG_RUNTIME_DIR (``$XDG_RUNTIME_DIR/containers``),
    so each world has its own runtime folder RUN: its own run root and pause process too."""
    return engine.World(conf_dir=base / "conf", graphroot=base / "storage",
                        runroot=run / "containers", tmp_dir=run / "libpod" / "tmp",
                        extra_env={**extra_env, "XDG_RUNTIME_DIR": str(run)})


def _world_paths(sandbox_id: str, home: Path) -> engine.World:
    # user mode: the kit's own sandboxes live in the learner's home too; the rootless world
    # sits inside the sandbox's folder so that the two never share a storage or config
    base = paths.sandboxes_dir() / sandbox_id / "rootless" if privilege.user_mode() \
        else home / ".local/share/podman-course/sandboxes" / sandbox_id
    return _user_world(base,
                       paths.runtime_dir() / "u" / sandbox_id.rsplit("-", 1)[-1],
                       PODMAN_COURSE_SANDBOX=sandbox_id)


# The course images the rootless lessons use, under the names the notebooks use; they are
# pulled once into the user's shared store, which every rootless world reads (read-only).
STORE_IMAGES = ("registry.redhat.io/rhel8/httpd-24:latest", "registry.redhat.io/rhel8/httpd-24:1-105",
                "registry.access.redhat.com/ubi8/ubi:latest", "registry.redhat.io/rhel8/mariadb-103:latest")


STORE_VERSION = "2"  # 2: layers keep their subordinate owners


def _store_world(home: Path) -> engine.World:
    """The shared store of the rootless worlds, with the images under the notebooks' names:
    in the course user's home (root mode, pulled by root as that user), or beside the kit's
    own image store (user mode: the learner pulls it; not the kit's store itself, whose names
    the learner's own sandbox lists as root's would)."""
    base = paths.state_dir() / "rootless-images" if privilege.user_mode() \
        else home / ".local/share/podman-course/images"
    return _user_world(base, paths.runtime_dir() / "u" / "images")


def _config_files(world: engine.World) -> dict[Path, tuple[str, int]]:
    """WORLD's config files as ``engine.World.write`` makes them, keyed by their real paths.

    Root builds them in a private folder of its own (a stand-in world whose paths are
    swapped back in the text), so that it never writes below the user's folders.
    """
    if len(str(world.runroot)) > engine.MAX_RUNROOT:
        raise KitError(f"run root {world.runroot} is longer than {engine.MAX_RUNROOT} characters: "
                       f"set {paths.RUNTIME_ENV} shorter")
    with tempfile.TemporaryDirectory(prefix="w", dir=paths.ensure(paths.runtime_dir())) as tmp:
        stand_in = replace(world, conf_dir=Path(tmp, "conf"), graphroot=Path(tmp, "g"),
                           runroot=Path(tmp, "r"), tmp_dir=Path(tmp, "t"))
        stand_in.write()
        swaps = [(str(getattr(stand_in, f)), str(getattr(world, f)))
                 for f in ("conf_dir", "graphroot", "runroot", "tmp_dir")]
        files = {}
        for conf in sorted(stand_in.conf_dir.iterdir()):
            text = conf.read_text()
            for ours, real in swaps:
                text = text.replace(ours, real)
            files[world.conf_dir / conf.name] = (text, 0o600 if conf.name == "auth.json" else 0o644)
    return files


def _install(rw: RootlessWorld) -> RootlessWorld:
    """Write RW's folders and config files as the user (idempotent; a login is kept).

    Root only makes the world's runtime folder in its own ``runtime_dir()/u`` and gives
    it to the user; everything else is written by the user (``userfs.install``).
    """
    files = _config_files(rw.world)
    auth = rw.world.conf_dir / "auth.json"
    if userfs.read_small(rw.anchor, rw.below(auth), rw.uid) is not None:
        files.pop(auth)
    run = rw.world.runroot.parent
    if rw.uid == os.geteuid():  # user mode: the runtime folder is the learner's own
        paths.ensure(run, 0o700)
    else:
        userfs.make_owned_dir(paths.ensure(run.parent), run.name, rw.uid, pwd.getpwuid(rw.uid).pw_gid)
    dirs = {d: 0o700 for d in (rw.world.conf_dir, rw.world.graphroot, rw.world.runroot,
                               rw.world.tmp_dir)}
    userfs.install(rw.user, files, {**dirs, rw.files: 0o755})
    return rw


def _podman(rw: RootlessWorld, *args: str, timeout: float = TIMEOUT) -> process.Completed:
    return process.run(rw.prefix() + ["podman", *args], timeout=timeout)


def prepare_store(log=print) -> list[str]:
    """Pull STORE_IMAGES into the user's shared store when missing or outdated (as root, for
    the course user; in user mode, the learner for itself)."""
    from . import classroom, registry_api  # the classroom's current image ids
    if rootless_account.unavailable_reason():
        return []
    user = rootless_account.account()
    home = Path(user.pw_dir)
    store = _store_world(home)
    rw = RootlessWorld("images", store, user.pw_name, user.pw_uid, home)
    anchor, base = rw.anchor, rw.below(rw.base)
    stamp = userfs.read_small(anchor, base / "store-version", user.pw_uid)
    if os.path.lexists(anchor / base) and (stamp or "").strip() != STORE_VERSION:
        # an older kit chowned every layer to the user: such a store is wrong, start again
        _stop_world(store, user)
        userfs.remove(anchor, base, user.pw_uid)
        log("rootless store: made by an older kit, pulling it again")
    rw = _install(rw)
    pulled = []
    for name in STORE_IMAGES:
        tag = name.split("/", 1)[1]
        wanted = registry_api.config_digest(classroom.pull_port(), tag)
        have = _podman(rw, "image", "inspect", "--format", "{{.Id}}", name).stdout.strip()
        if wanted and f"sha256:{have}" == wanted:
            continue
        start = time.monotonic()
        result = _podman(rw, "pull", "-q", name, timeout=600)
        if not result.ok:
            why = f"did not finish within {result.timeout:g} s" if result.timed_out else result.stderr.strip()
            raise KitError(f"rootless store: pulling {name} failed: {why}")
        pulled.append(name)
        log(f"rootless store: pulled {name} in {time.monotonic() - start:.1f} s")
    if pulled:
        _podman(rw, "image", "prune", "-f", timeout=300)
    _stop_world(store, user)
    userfs.install(user.pw_name, {anchor / base / "store-version": (STORE_VERSION + "\n", 0o644)})
    return pulled


def world_for(sandbox_id: str, create: bool = True) -> RootlessWorld:
    """The rootless world of SANDBOX_ID, written and owned by the user on first use."""
    reason = rootless_account.unavailable_reason()
    if reason:
        raise KitError(f"rootless lessons cannot run here: {reason}")
    user = rootless_account.account()
    home = Path(user.pw_dir)
    world = _world_paths(sandbox_id, home)
    store = _store_world(home).graphroot
    if (store / "overlay-images").is_dir():
        world = replace(world, additional_stores=(store,))
    rw = RootlessWorld(sandbox_id, world, user.pw_name, user.pw_uid, home)
    if create and not _has_config(rw):
        _install(rw)
    return rw


def _has_config(rw: RootlessWorld) -> bool:
    conf = rw.world.conf_dir / "storage.conf"
    return userfs.read_small(rw.anchor, rw.below(conf), rw.uid) is not None


def remove_world(sandbox_id: str) -> list[str]:
    """Remove the rootless world of SANDBOX_ID (containers, then processes), if it has one."""
    user = rootless_account.kit_account()
    if user is None:
        return []
    home = Path(user.pw_dir)
    world = _world_paths(sandbox_id, home)
    rw = RootlessWorld(sandbox_id, world, user.pw_name, user.pw_uid, home)
    run = world.runroot.parent
    if not os.path.lexists(rw.base) and not os.path.lexists(run):
        return []
    done = []
    if _has_config(rw):
        for args in (["pod", "rm", "-af", "-t", "0"], ["rm", "-af", "-t", "0"]):
            try:
                removed = _podman(rw, *args, timeout=90)
            except (KitError, OSError) as exc:
                done.append(f"rootless podman {' '.join(args)} failed: {exc}")
                continue
            done += [f"removed rootless {args[0]} {n[:12]}" for n in removed.stdout.split()]
            if removed.timed_out:
                done.append(f"rootless podman {' '.join(args)} failed: "
                            f"did not finish within {removed.timeout:g} s")
    done += _stop_world(world, user)
    if privilege.user_mode():  # files of the learner's subordinate uids
        failed = userfs.remove_as_learner([rw.base, run])
        done += [f"could not remove the rootless world: {failed}"] if failed else []
    for anchor, rel in ((rw.anchor, rw.below(rw.base)), (run.parent, run.name)):
        try:
            if userfs.remove(anchor, rel, user.pw_uid):
                done.append(f"removed {anchor / rel}")
        except (OSError, KitError) as exc:
            done.append(f"could not remove {anchor / rel}: {exc}")
    return done


def _stop_world(world: engine.World, user: pwd.struct_passwd) -> list[str]:
    """Kill WORLD's pause process and its other processes, each checked in /proc first."""
    run = world.runroot.parent
    text = userfs.read_small(run.parent, world.tmp_dir.relative_to(run.parent) / "pause.pid",
                             user.pw_uid, limit=32)
    pause = int(text.strip()) if text and text.strip().isdigit() else None
    subids = rootless_account.subid_ranges("/etc/subuid", user.pw_name)
    killed = userprocs.kill_world(run, user.pw_uid, subids, pause)
    return [f"stopped {killed} processes of the rootless world (pause, slirp4netns...)"] if killed else []


def stop_own_world(world: engine.World) -> list[str]:
    """User mode: stop the pause process (and the rest) of one of the learner's own worlds,
    a kernel sandbox whose XDG_RUNTIME_DIR is ``world.runroot.parent``."""
    user = rootless_account.account()
    return _stop_world(world, user) if user is not None and privilege.user_mode() else []


def stop_idle_user_processes(live_sandbox_ids: list[str]) -> list[str]:
    """Stop the leftover processes (pause, slirp4netns...) of rootless worlds already reclaimed.

    A world is reclaimed when no live sandbox and no sandbox folder carries its
    runtime folder's name; the store's world (``u/images``) is never touched here.
    """
    user = rootless_account.kit_account()
    if user is None or os.geteuid() != 0:
        return []
    u_dir = paths.runtime_dir() / "u"
    kept = {"images", *(s.rsplit("-", 1)[-1] for s in live_sandbox_ids)}
    if paths.sandboxes_dir().is_dir():
        kept |= {p.name.rsplit("-", 1)[-1] for p in paths.sandboxes_dir().iterdir()}
    gone = {Path(p.run_dir).name for p in userprocs.processes(lambda u: u == user.pw_uid)
            if p.run_dir and Path(p.run_dir).parent == u_dir} - kept
    subids = rootless_account.subid_ranges("/etc/subuid", user.pw_name)
    lines = []
    for name in sorted(gone):
        killed = userprocs.kill_world(u_dir / name, user.pw_uid, subids)
        if killed:
            lines.append(f"stopped {killed} leftover processes of the rootless world {name}")
    return lines
