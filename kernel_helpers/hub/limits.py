"""Limits per learner of the hub classroom: memory and processes of everything a learner runs.

What enforces what (measured on this host, README "Limits per learner"):
- JupyterHub's ``LocalProcessSpawner`` does not enforce ``mem_limit``/``cpu_limit``: it only
  passes them on as ``MEM_LIMIT``/``CPU_LIMIT`` in the server's environment. SystemdSpawner
  would (a unit per server with ``MemoryMax=``/``CPUQuota=``) but needs systemd as PID 1.
- Rootless podman on cgroup v1 (this host: hybrid v1, no systemd) ignores ``--memory`` and
  ``--pids-limit`` ("Resource limits are not supported and ignored on cgroups V1 rootless
  systems"), and its containers stay in the cgroup of the podman that started them.
- So the hub (root) gives each learner a cgroup v1 pair, ``pids`` and ``memory``, under
  ``podman-course/LOGIN``, with ``pids.max`` and ``memory.limit_in_bytes`` set by root and only
  ``cgroup.procs`` handed to the learner; the learner's server joins it as it starts
  (``shell_cmd``: the spawner's command runs through ``join_script``) and every child (kernels,
  rootless podman, conmon, the containers) stays in it. A learner cannot raise the limits
  (root's files) nor leave (every other ``cgroup.procs`` is not theirs).

``prepare(login)`` (root, in the hub's pre-spawn: ``hooks.prepare``) makes the pair, recorded
in ``hostchanges`` first; ``remove_all`` (``uninstall``) removes the empty ones. Where there is
no cgroup v1 (a cgroup v2 host), ``prepare`` says so and nothing is enforced by the kit: use
SystemdSpawner there (README).

Usage:
    limits.prepare("alice")            # ["memory 1024 MiB, 1024 processes for alice (cgroup v1)"]
    limits.spawner_settings()          # {"shell_cmd": [...], "mem_limit": ..., ...}
"""

from __future__ import annotations

import os
import pwd
from pathlib import Path

from .. import hostchanges
from ..errors import KitError

CGROUP_ROOT = Path("/sys/fs/cgroup")
CONTROLLERS = ("pids", "memory")
GROUP = "podman-course"              # the learners' cgroups: CGROUP_ROOT/<controller>/GROUP/LOGIN
MEMORY_ENV, PIDS_ENV = "PODMAN_COURSE_LEARNER_MEMORY_MB", "PODMAN_COURSE_LEARNER_PIDS"
MEMORY_MB, PIDS = 1024, 1024         # a server, two kernels, MariaDB and httpd; 20 fit in 24 GiB


def join_script(root: Path = CGROUP_ROOT, group: str = GROUP) -> str:
    """The spawner runs ``sh -c SCRIPT COMMAND``: join the learner's cgroups, then run COMMAND.

    Without them (no cgroup v1, or ``prepare`` was not run) it starts anyway and says so in
    the hub's log; a cgroup it cannot join (full) stops the start.
    """
    return ('me=$(/usr/bin/id -un) && for c in ' + " ".join(CONTROLLERS) + '; do '
            f'f={root}/$c/{group}/$me/cgroup.procs; '
            'if [ -w "$f" ]; then echo $$ > "$f" || exit 1; '
            'else echo "course: no $c limit for $me ($f is missing)" >&2; fi; done; '
            'exec /bin/sh -c "$0"')


def _setting(env: str, default: int) -> int:
    raw = os.environ.get(env, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise KitError(f"{env}={raw!r} must be a whole number above 0")
    return int(raw)


def memory_mb() -> int:
    """Memory per learner in MiB: ``$PODMAN_COURSE_LEARNER_MEMORY_MB``, else ``MEMORY_MB``."""
    return _setting(MEMORY_ENV, MEMORY_MB)


def pids() -> int:
    """Processes (and threads) per learner: ``$PODMAN_COURSE_LEARNER_PIDS``, else ``PIDS``."""
    return _setting(PIDS_ENV, PIDS)


def cgroup_v1(root: Path = CGROUP_ROOT) -> bool:
    """True when the pids and memory controllers are cgroup v1 hierarchies here."""
    return all((root / c / "cgroup.procs").exists() for c in CONTROLLERS) \
        and not (root / "cgroup.controllers").exists()


def folder(controller: str, login: str, root: Path = CGROUP_ROOT, group: str = GROUP) -> Path:
    return root / controller / group / login


def prepare(login: str, root: Path = CGROUP_ROOT, group: str = GROUP) -> list[str]:
    """Make (or update) LOGIN's cgroups with the limits; one line saying what LOGIN gets.

    Root only. Every path written is a cgroup folder root made; the learner owns only its
    ``cgroup.procs``/``tasks`` (to join), never a file root writes to.
    """
    if not cgroup_v1(root):
        return [f"no per-learner memory/pids limit for {login}: no cgroup v1 pids+memory here "
                "(on cgroup v2 with systemd use SystemdSpawner)"]
    account = pwd.getpwnam(login)
    # one record per learner: the uninstall of one state removes its own learners' cgroups only
    hostchanges.record(f"cgroup:{group}/{login}", {"root": str(root), "controllers": list(CONTROLLERS)})
    limit = {"pids": ("pids.max", str(pids())),
             "memory": ("memory.limit_in_bytes", str(memory_mb() * 1024 * 1024))}
    for controller in CONTROLLERS:
        parent = root / controller / group
        parent.mkdir(mode=0o755, exist_ok=True)
        mine = parent / login
        mine.mkdir(mode=0o755, exist_ok=True)
        if mine.is_symlink() or mine.stat().st_uid != os.geteuid():
            raise KitError(f"{mine} was not made by the kit: not touched")
        name, value = limit[controller]
        (mine / name).write_text(value)
        for member in ("cgroup.procs", "tasks"):
            os.chown(mine / member, account.pw_uid, -1)
    return [f"memory {memory_mb()} MiB, {pids()} processes for {login} (cgroup v1 "
            f"{group}/{login}: the server, its kernels and the learner's rootless containers)"]


def remove_all(record: dict, group: str = GROUP) -> list[str]:
    """Remove the learners' cgroups the record says the kit made (they must be empty), then
    their parent GROUP folder when no other state's learner has one there any more."""
    done, parents = [], set()
    for key, made in sorted(record.items()):
        if not (key == f"cgroup:{group}" or key.startswith(f"cgroup:{group}/")):
            continue
        login = key.partition("/")[2]  # "" for an older record of the group alone
        for controller in made.get("controllers", CONTROLLERS):
            parent = Path(made.get("root", CGROUP_ROOT)) / controller / group
            parents.add(parent)
            mine = parent / login
            if login and mine.is_dir() and not mine.is_symlink():
                mine.rmdir()  # EBUSY while a process of the learner is still in it
                done.append(f"removed the cgroup {mine}")
    for parent in sorted(parents):
        try:
            parent.rmdir()
        except FileNotFoundError:
            continue
        except OSError:  # another state's learners still have their cgroups here
            done.append(f"kept {parent}: other learners' cgroups are in it")
            continue
        done.append(f"removed {parent}")
    return done


def spawner_settings() -> dict:
    """The spawner's traits for limits (literals: the hub's config file repeats them).

    ``shell_cmd`` joins the learner's cgroups (enforced); ``mem_limit``/``cpu_limit`` are
    only shown to the server (``MEM_LIMIT``, ``CPU_LIMIT``: jupyter-resource-usage reads them).
    """
    return {"shell_cmd": ["/bin/sh", "-c", join_script()], "mem_limit": f"{memory_mb()}M"}
