"""``python -m kernel_helpers hub up [--roster FILE] [--test-auth] | down | status``.

``up`` (root): reads the roster (or the one of the last ``up``), makes the learners'
accounts and clones, starts the classroom registry (``classroom.up``), writes the hub's
config and starts JupyterHub (``process.spawn``, log ``state_dir()/hub/jupyterhub.log``,
capped), waits until ``/hub/api`` answers and prints the URL and the roster. A hub that
already runs with the same roster and authenticator is left running. The ``hub`` lock
keeps two ``up``s (or an ``up`` and a ``down``) apart.

``down``: stops JupyterHub (which stops the learners' servers and its proxy), then any
process left of a learner (kernels, rootless podman's pause and containers). The
accounts stay until ``uninstall`` or ``down --remove-accounts``.

Only processes whose pid file this module wrote, and whose start time and command line
still match, are stopped; a learner's processes are found through ``userprocs`` (/proc).
"""

from __future__ import annotations

import json
import os
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from .. import classroom, locks, paths, process, procinfo, rootless, userprocs
from ..errors import KitError
from ..owners import _start_time
from . import accounts, config, hooks, venv

UP_TIMEOUT = 120.0  # seconds for the hub to answer /hub/api
LOCK = "hub"


def _pid_file() -> Path:
    return config.hub_dir() / "hub.pid"


def log_file() -> Path:
    return config.hub_dir() / "jupyterhub.log"


def _hub_binary() -> str:
    return str(Path(sys.prefix, "bin", "jupyterhub"))


def _argv(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""


def _ours(pid: int, start: str | None, word: str) -> bool:
    return procinfo.alive(pid) and (start is None or _start_time(pid) == start) and word in _argv(pid)


def hub_pid() -> int | None:
    """The running hub's pid, if this module started it and it still runs."""
    try:
        pid, start = _pid_file().read_text().split()[:2]
    except (OSError, ValueError):
        return None
    return int(pid) if pid.isdigit() and _ours(int(pid), start, "jupyterhub") else None


def api(path: str, token: str | None = None, method: str = "GET", timeout: float = 10) -> dict | list:
    """JSON from the hub's REST API (``/hub/api`` + PATH) through the proxy."""
    req = urllib.request.Request(f"{config.public_url()}/hub/api{path}", method=method)
    if token:
        req.add_header("Authorization", f"token {token}")
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        body = resp.read()
    return json.loads(body) if body else {}


def answers() -> bool:
    try:
        return "version" in api("", timeout=3)
    except (OSError, ValueError):
        return False


def _log_tail(lines: int = 12) -> str:
    try:
        text = log_file().read_text(errors="replace").splitlines()[-lines:]
    except OSError:
        return "(no log)"
    return " | ".join(t.strip() for t in text)


def _stored_roster() -> list[accounts.Learner]:
    try:
        rows = json.loads(config.roster_file().read_text())
    except (OSError, ValueError):
        return []
    return [accounts.Learner(r["login"], r["name"], r["role"], r["index"]) for r in rows]


def _wait_up(proc: process.Popen, started: float) -> None:
    while time.monotonic() - started < UP_TIMEOUT:
        if proc.poll() is not None:
            raise KitError(f"JupyterHub exited ({proc.returncode}) while starting; its log: {_log_tail()}")
        if answers():
            return
        time.sleep(0.3)
    stop()
    raise KitError(f"JupyterHub did not answer /hub/api within {UP_TIMEOUT:g} s; its log: {_log_tail()}")


def up(roster: Path | None = None, test_auth: bool = False, out=print) -> int:
    if os.geteuid() != 0:
        raise KitError("the hub classroom runs as root (it starts each learner's server as them)")
    with locks.hold(LOCK, wait=0):
        learners = accounts.read_roster(roster) if roster else _stored_roster()
        if not learners:
            raise KitError("no roster yet: give one with --roster FILE (CSV: login,name[,role])")
        started = time.monotonic()
        for learner in learners:  # accounts first: the environments need their uids
            accounts.ensure_account(learner)
        out(classroom.up().describe())
        lp = venv.learner_python(paths.state_dir())
        envs = config.environments(learners, lp)
        for learner in learners:
            for line in hooks.prepare(learner, paths.repo_root(), str(lp.python), envs[learner.login]):
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
        if hub_pid() is not None and same and answers():
            out(f"hub: already running at {config.public_url()} with this roster")
        else:
            if hub_pid() is not None:
                out("hub: restarting with the new roster")
                stop()
            hub_start = time.monotonic()
            proc = process.spawn([_hub_binary(), "-f", str(target)], log=log_file(),
                                 cwd=config.hub_dir())
            paths.atomic_write(_pid_file(), f"{proc.pid} {_start_time(proc.pid)}\n")
            _wait_up(proc, hub_start)
            out(f"hub: JupyterHub answered in {time.monotonic() - hub_start:.1f} s "
                f"(pid {proc.pid}, log {log_file()})")
        out(f"hub: {config.public_url()}/hub/login  (up in {time.monotonic() - started:.1f} s)")
        for x in learners:
            out(f"  {x.login:<16} {x.role:<8} {x.name}")
        if test_auth:
            out(f"  test passwords (root only): {config.passwords_file()}")
        else:
            out("  login: each learner's Unix password (PAM); set them with chpasswd if not done")
    return 0


def _learner_logins() -> list[str]:
    return sorted({x.login for x in _stored_roster()} | set(accounts.recorded_logins()))


def stop_learners() -> list[str]:
    """Kill what is left of every learner: their own processes and their containers' (subuids)."""
    done = []
    for login in _learner_logins():
        user = accounts.kit_account(login)
        if user is None:
            continue
        killed = userprocs.kill_uid(user.pw_uid)
        for ids in rootless.subid_ranges("/etc/subuid", login):
            killed += sum(userprocs.kill(p.pid, lambda now, r=ids: all(u in r for u in now.uids))
                          for p in userprocs.processes(lambda u, r=ids: u in r))
        if killed:
            done.append(f"stopped {killed} processes of {login}")
    return done


def stop() -> list[str]:
    """Stop the hub (its proxy and the learners' servers with it), then the learners' leftovers."""
    done = []
    pid = hub_pid()
    if pid is not None:
        procinfo.stop(pid, timeout=30)
        done.append(f"stopped JupyterHub (pid {pid})")
    _pid_file().unlink(missing_ok=True)
    proxy = config.hub_dir() / "proxy.pid"
    try:
        ppid = int(proxy.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        ppid = None
    if ppid and _ours(ppid, None, "configurable-http-proxy"):  # the hub stops it; if not, we do
        procinfo.stop(ppid)
        done.append(f"stopped its proxy (pid {ppid})")
    proxy.unlink(missing_ok=True)
    done += stop_learners()
    return done or ["the hub was not running"]


def down(remove_accounts: bool = False, out=print) -> int:
    with locks.hold(LOCK, wait=60):
        for line in stop():
            out(f"hub: {line}")
        if remove_accounts:
            from ..uninstall import remove_user
            for login in _learner_logins():
                for line in remove_user(login, accounts.MARKER):
                    out(f"accounts: {line}")
    return 0


def status(out=print) -> int:
    pid = hub_pid()
    if pid is None:
        out("hub: not running")
        return 1
    if not answers():
        out(f"hub: pid {pid} runs but {config.public_url()}/hub/api does not answer (log {log_file()})")
        return 1
    out(f"hub: running at {config.public_url()} (pid {pid}, log {log_file()})")
    try:
        users = api("/users", token=config.admin_token_file().read_text().strip())
    except (OSError, ValueError, urllib.error.URLError) as exc:
        out(f"  (could not list the learners: {exc})")
        return 0
    for user in sorted(users, key=lambda u: u["name"]):
        server = (user.get("servers") or {}).get("", {})
        state = "ready" if server.get("ready") else ("starting" if server.get("pending") else "stopped")
        out(f"  {user['name']:<16} server {state}")
    return 0
