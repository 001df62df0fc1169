"""``python -m kernel_helpers hub up [--roster FILE] [--test-auth] | down | status``.

``up`` (root): reads the roster (or the one of the last ``up``), makes the learners'
accounts and clones, starts the classroom registry (``classroom.up``), writes the hub's
config and starts JupyterHub (``process.spawn``, log ``state_dir()/hub/jupyterhub.log``,
capped), waits until ``/hub/api`` answers and prints the URL and the roster. A hub that
already runs with the same roster and authenticator is left running. The ``hub`` lock
keeps two ``up``s (or an ``up`` and a ``down``) apart.

``down``: ``server.stop``: JupyterHub (which stops the learners' servers and its proxy),
then any process left of a learner (kernels, rootless podman's pause and containers). The
accounts stay until ``uninstall`` or ``down --remove-accounts``. ``status``: the hub and
each learner's server (through the REST API, with the admin service's token).
"""

from __future__ import annotations

import os
import time
import urllib.error
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .. import classroom, locks, paths, process, procinfo
from ..errors import KitError
from . import accounts, config, hooks, published, server, venv

UP_TIMEOUT = 120.0  # seconds for the hub to answer /hub/api
PREPARE_WORKERS = 4  # learners prepared at once by `up` (measured: 8 in a row took 96 s)
LOCK = "hub"


def _wait_up(proc: process.Popen, started: float) -> None:
    while time.monotonic() - started < UP_TIMEOUT:
        if proc.poll() is not None:
            raise KitError(f"JupyterHub exited ({proc.returncode}) while starting; "
                           f"its log: {server.log_tail()}")
        if server.answers():
            return
        time.sleep(0.3)
    server.stop()
    raise KitError(f"JupyterHub did not answer /hub/api within {UP_TIMEOUT:g} s; "
                   f"its log: {server.log_tail()}")


def up(roster: Path | None = None, test_auth: bool = False, out=print) -> int:
    if os.geteuid() != 0:
        raise KitError("the hub classroom runs as root (it starts each learner's server as them)")
    if classroom.shared():
        raise KitError(f"hub up runs the classroom registry its learners share: unset "
                       f"{classroom.MODE_ENV} here")
    if test_auth:
        config.check_test_auth()  # before anything is changed
    with locks.hold(LOCK, wait=0):
        learners = accounts.read_roster(roster) if roster else server.stored_roster()
        if not learners:
            raise KitError("no roster yet: give one with --roster FILE (CSV: login,name[,role])")
        started = time.monotonic()
        for learner in learners:  # accounts first: the environments need their uids
            accounts.ensure_account(learner)
        out(classroom.up().describe())
        lp = venv.learner_python(paths.state_dir())
        source = published.course_source(paths.repo_root(), paths.state_dir())
        envs = config.environments(learners, lp)
        with ThreadPoolExecutor(PREPARE_WORKERS) as pool:  # clones and doctors wait on I/O mostly
            done = pool.map(lambda x: hooks.prepare(x, source, str(lp.python), envs[x.login]),
                            learners)
            for learner, lines in zip(learners, done, strict=True):
                for line in lines:
                    out(f"learner {learner.login}: {line}")
        before = config.roster_file().read_text() if config.roster_file().exists() else ""
        flag = config.hub_dir() / "test-auth"
        was_test = flag.exists()
        target = config.write(learners, test_auth)
        if test_auth:
            flag.touch()
        else:
            flag.unlink(missing_ok=True)
        same = before == config.roster_file().read_text() and was_test == test_auth
        if server.hub_pid() is not None and same and server.answers():
            out(f"hub: already running at {config.public_url()} with this roster")
        else:
            if server.hub_pid() is not None:
                out("hub: restarting with the new roster")
                server.stop()
            hub_start = time.monotonic()
            proc = process.spawn([server.hub_binary(), "-f", str(target)], log=server.log_file(),
                                 cwd=config.hub_dir())
            paths.atomic_write(server.pid_file(), f"{proc.pid} {procinfo.start_time(proc.pid)}\n")
            _wait_up(proc, hub_start)
            out(f"hub: JupyterHub answered in {time.monotonic() - hub_start:.1f} s "
                f"(pid {proc.pid}, log {server.log_file()})")
        out(f"hub: {config.public_url()}/hub/login  (up in {time.monotonic() - started:.1f} s)")
        for x in learners:
            out(f"  {x.login:<16} {x.role:<8} {x.name}")
        if test_auth:
            out(f"  test passwords (root only): {config.passwords_file()}")
        else:
            out("  login: each learner's Unix password (PAM); set them with chpasswd if not done")
    return 0


def down(remove_accounts: bool = False, out=print) -> int:
    with locks.hold(LOCK, wait=60):
        for line in server.stop():
            out(f"hub: {line}")
        if remove_accounts:
            from ..uninstall import remove_user  # uninstall stops the hub through ``server``
            for login in server.learner_logins():
                for line in remove_user(login, accounts.MARKER):
                    out(f"accounts: {line}")
    return 0


def status(out=print) -> int:
    pid = server.hub_pid()
    if pid is None:
        out("hub: not running")
        return 1
    if not server.answers():
        out(f"hub: pid {pid} runs but {config.public_url()}/hub/api does not answer "
            f"(log {server.log_file()})")
        return 1
    out(f"hub: running at {config.public_url()} (pid {pid}, log {server.log_file()})")
    try:
        users = server.api("/users", token=config.admin_token_file().read_text().strip())
    except (OSError, ValueError, urllib.error.URLError) as exc:
        out(f"  (could not list the learners: {exc})")
        return 0
    for user in sorted(users, key=lambda u: u["name"]):
        srv = (user.get("servers") or {}).get("", {})
        state = "ready" if srv.get("ready") else ("starting" if srv.get("pending") else "stopped")
        out(f"  {user['name']:<16} server {state}")
    return 0
