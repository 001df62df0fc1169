"""One private podman world per kernel (or test): storage, run root, tmp dir, configs.

A sandbox shares the course images read-only (an additional image store) and the
host's networks; everything else is private, so ``podman rm -a``, ``rmi`` and
``prune`` inside it cannot touch another kernel's containers or the host's own.
It is only environment (see ``engine.World``), so ``%podman``, ``!podman`` and
``subprocess.run(["podman", ...])`` in the kernel all land in it.

Usage:
    sb = Sandbox.create(kind="test")
    sb.podman("ps")                  # a process.Completed
    sb.remove()

A kernel's sandbox is removed at exit, and by a small reaper process if the
kernel is killed; ``python -m kernel_helpers clean`` reclaims any leftovers. When
podman cannot remove a sandbox's containers, the sandbox is kept whole (folders and
port leases, marked ``KEPT_FILE``) so that no other sandbox is handed a port they
still hold; ``clean`` retries and reports it.
"""

from __future__ import annotations

import atexit
import fcntl
import json
import os
import secrets
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from . import engine, paths, portmap, ports, privilege, process, procinfo, rootless, userfs
from .errors import KitError
from .owners import KEPT_FILE, OWNER_FILE, _owner, is_alive, is_kept  # noqa: F401 (re-exported)

SANDBOX_ENV = "PODMAN_COURSE_SANDBOX"
CREATE_GRACE = 60.0  # seconds: a younger sandbox without an owner file is being created
RM_TIMEOUT = 90.0  # seconds for one `podman (pod) rm -af`


def live_ids() -> list[str]:
    """Sandboxes whose owner process (kernel, shell, test) is running."""
    return [s for s in all_ids() if is_alive(s)]


@dataclass
class Sandbox:
    id: str
    world: engine.World

    @classmethod
    def for_id(cls, sandbox_id: str) -> Sandbox:
        conf = paths.sandboxes_dir() / sandbox_id
        # podman 4.3 waits 20 s after every attached container when the run root is
        # longer than 50 characters: keep it short (the id's random suffix only).
        run = paths.sandbox_runtime_dir() / sandbox_id.rsplit("-", 1)[-1]
        store = paths.image_store()
        extra, runroot = {SANDBOX_ENV: sandbox_id}, run / "run"
        if privilege.user_mode():
            # rootless podman takes its run root from XDG_RUNTIME_DIR, and starts one pause
            # process per tmp dir: give each sandbox its own runtime folder, run root and pause
            # process, so that both go with it; the kit's own runtime folder stays where it
            # was (it follows XDG_RUNTIME_DIR otherwise: see paths.runtime_dir)
            extra = {**extra, "XDG_RUNTIME_DIR": str(run), paths.RUNTIME_ENV: str(paths.runtime_dir())}
            runroot = run / "containers"
        world = engine.World(conf_dir=conf / "conf", graphroot=conf / "storage",
                             runroot=runroot, tmp_dir=run / "tmp",
                             additional_stores=(store,) if (store / "overlay-images").is_dir() else (),
                             extra_env=extra)
        return cls(sandbox_id, world)

    @classmethod
    def create(cls, kind: str = "kernel", owner_pid: int | None = None) -> Sandbox:
        """Make a new sandbox owned by ``owner_pid`` (default: this process)."""
        pid = owner_pid or os.getpid()
        sandbox = cls.for_id(f"{kind}-{pid}-{secrets.token_hex(3)}")
        # the owner file first: a concurrent `clean` must see a live sandbox, not a
        # half-made one of a dead owner
        paths.atomic_write(sandbox.dir / OWNER_FILE, json.dumps({
            "pid": pid, "start_time": procinfo.start_time(pid), "kind": kind,
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}) + "\n")
        sandbox.world.write()
        return sandbox

    @property
    def dir(self) -> Path:
        return self.world.conf_dir.parent

    @property
    def env(self) -> dict[str, str]:
        return self.world.env

    def full_env(self, base: dict | None = None) -> dict[str, str]:
        return self.world.full_env(base)

    def exists(self) -> bool:
        return (self.dir / OWNER_FILE).exists()

    def podman(self, *args: str, timeout: float = 60, check: bool = False) -> process.Completed:
        """Run ``podman ARGS`` in this sandbox (argv only, captured, with a timeout)."""
        return process.run(["podman", *args], env=self.full_env(), timeout=timeout, check=check)

    def claim_port(self, port: int) -> int:
        """Lease PORT (in a hub classroom, the port that stands for the notes port PORT)."""
        return ports.claim(portmap.host_port(port), self.id)

    def lease_ports(self, count: int = 1) -> list[int]:
        return ports.lease(self.id, count)

    def activate(self) -> Sandbox:
        """Make this the world of the current process; clean up at exit or death."""
        os.environ.update(self.env)
        atexit.register(self.remove)
        # a daemon: it outlives this kernel on purpose, to remove the sandbox after it
        process.spawn([sys.executable, "-m", "kernel_helpers.reaper", self.id, str(os.getpid())],
                      cwd=str(paths.repo_root()))
        return self

    def _remove_networks(self) -> list[str]:
        """Networks are shared with the host: remove only those that carry this sandbox's id."""
        try:
            listing = self.podman("network", "ls", "--format", "{{.Name}}", timeout=30)
            names = [] if listing.timed_out else _network_names(listing.stdout, self.id)
            last = self.podman("network", "rm", "-f", *names, timeout=60) if names else listing
        except (KitError, OSError) as exc:
            return [f"podman network rm failed: {exc}"]
        if last.timed_out:
            return [f"podman network rm failed: {last.error()}"]
        return [f"removed network {name}" for name in names]

    def _remove_containers(self) -> tuple[list[str], list[str]]:
        """Remove every pod and container: (what was removed, what failed: empty if all gone)."""
        done: list[str] = []
        failed: list[str] = []
        for args in (("pod", "rm", "-af", "-t", "0"), ("rm", "-af", "-t", "0")):
            try:
                proc = self.podman(*args, timeout=RM_TIMEOUT)
            except (KitError, OSError) as exc:
                failed.append(f"podman {' '.join(args)} failed: {exc}")
                continue
            done += [f"removed {args[0]} {name[:12]}" for name in proc.stdout.split()]
            if proc.timed_out:
                failed.append(f"podman {' '.join(args)} timed out after {RM_TIMEOUT:g} s and was stopped")
            elif proc.returncode != 0:
                last = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
                failed.append(f"podman {' '.join(args)} exited {proc.returncode}: {last}")
        try:
            proc = self.podman("ps", "-aq", timeout=30)
            left = proc.stdout.split() if proc.ok else None
        except (KitError, OSError):
            left = None
        if left is None:
            failed.append("podman ps -aq failed: cannot tell whether containers are left")
        elif left:
            failed.append(f"containers still there: {' '.join(c[:12] for c in left)}")
        return done, failed

    def remove(self) -> list[str]:
        """Remove every container, pod and file of this sandbox; release its ports.

        If podman cannot remove the containers (an error, a timeout, or some still
        listed), nothing else is touched: the folders and port leases stay, the sandbox
        is marked kept, and the returned lines say why; ``reclaim`` retries later.
        Idempotent and safe to call from two processes at once.
        """
        done: list[str] = []
        if not self.dir.exists():
            return done
        lock_path = self.dir.parent / f".{self.id}.lock"
        with open(lock_path, "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not self.dir.exists():  # removed by another process while we waited
                return done
            if self.exists():
                removed, failed = self._remove_containers()
                done += removed
                if failed:
                    (self.dir / KEPT_FILE).write_text("\n".join(failed) + "\n")
                    return done + [f"could not remove sandbox {self.id}: {problem}"
                                   for problem in failed] + [
                        f"kept sandbox {self.id} (folders and port leases) for "
                        "'python -m kernel_helpers clean' to retry"]
                done += self._remove_networks()
            done += rootless.remove_world(self.id)
            released = ports.release_all(self.id)
            if released:
                done.append(f"released ports {released}")
            roots = (self.dir, self.world.runroot.parent)
            if privilege.user_mode():  # its pause process, then files of subordinate uids
                done += rootless.stop_own_world(self.world)
                failed = userfs.remove_as_learner(list(roots))
                done += [failed] if failed else []
            for root in roots:
                _unmount_under(root)
                shutil.rmtree(root, ignore_errors=True)
            lock_path.unlink(missing_ok=True)  # only once the sandbox is gone
        return done


def _network_names(listing: str, sandbox_id: str) -> list[str]:
    """Networks named after SANDBOX_ID (notebooks put their sandbox id in the names they make)."""
    return [name for name in listing.split() if sandbox_id in name]


def _unmount_under(root: Path, mountinfo: str = "/proc/self/mountinfo") -> None:
    """Unmount (lazily) every mount point below ``root``, deepest first."""
    prefix = str(root.resolve()) + "/"
    points = []
    try:
        with open(mountinfo) as fh:
            for line in fh:
                point = line.split()[4].replace("\\040", " ")
                if point.startswith(prefix):
                    points.append(point)
    except OSError:
        return
    for point in sorted(points, key=len, reverse=True):
        try:
            process.run(["umount", "-l", point], timeout=30)
        except (KitError, OSError):
            continue  # rmtree then leaves what is still mounted; a later `clean` retries


def all_ids() -> list[str]:
    folder = paths.sandboxes_dir()
    return sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


def _being_created(sandbox_id: str) -> bool:
    """A sandbox folder without an owner file, younger than CREATE_GRACE: leave it be."""
    folder = paths.sandboxes_dir() / sandbox_id
    try:
        young = time.time() - folder.stat().st_mtime < CREATE_GRACE
    except OSError:
        return False
    return young and not (folder / OWNER_FILE).exists()


def reclaim(everything: bool = False) -> list[str]:
    """Remove sandboxes whose owner died (or all, with ``everything``); stale port leases too.

    A sandbox that cannot be removed is kept (see ``Sandbox.remove``) and reported.
    """
    lines = []
    for sandbox_id in all_ids():
        if not everything and (is_alive(sandbox_id) or _being_created(sandbox_id)):
            continue
        sandbox = Sandbox.for_id(sandbox_id)
        done = sandbox.remove()
        if not sandbox.dir.exists():
            lines.append(f"reclaimed sandbox {sandbox_id}")
        else:
            lines += [line for line in done if line.startswith(("could not", "kept"))] or [
                f"could not remove sandbox {sandbox_id}: {sandbox.dir} is still there"]
    lines += rootless.stop_idle_user_processes(live_ids())
    for port, owner in ports.leases().items():
        if not (paths.sandboxes_dir() / owner).exists():
            ports.release(port, owner)
            lines.append(f"released stale lease of port {port} ({owner})")
    return lines or ["nothing to reclaim"]


def cli(action: str, command: list[str]) -> int:
    """``sandbox env``: export lines for a shell-owned sandbox; ``sandbox run CMD``."""
    if action == "env":
        sandbox = Sandbox.create(kind="shell", owner_pid=os.getppid())
        for key, value in sandbox.env.items():
            print(f"export {key}={value}")
        print(f"# sandbox {sandbox.id}: reclaimed by 'python -m kernel_helpers clean' "
              "once this shell exits", file=sys.stderr)
        return 0
    if not command:
        print("usage: python -m kernel_helpers sandbox run COMMAND [ARGS...]", file=sys.stderr)
        return 2
    sandbox = Sandbox.create(kind="run")
    try:
        return process.interactive(command, env=sandbox.full_env())
    finally:
        sandbox.remove()
