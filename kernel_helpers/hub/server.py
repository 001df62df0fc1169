"""The running hub: its pid, its REST API, and stopping it with everything of the learners.

``hub_pid`` is the hub this kit started (pid file in the hub's state; start time and
command line checked in /proc). ``stop`` ends it (JupyterHub stops the learners' servers
and its proxy), then whatever a learner left (kernels, rootless podman's pause and
containers, found through ``userprocs``). ``cli`` starts the hub; ``uninstall`` stops it.
"""

from __future__ import annotations

import json
import sys
import urllib.request
from pathlib import Path

from .. import procinfo, rootless_account, userprocs
from . import accounts, config


def pid_file() -> Path:
    return config.hub_dir() / "hub.pid"


def log_file() -> Path:
    return config.hub_dir() / "jupyterhub.log"


def hub_binary() -> str:
    return str(Path(sys.prefix, "bin", "jupyterhub"))


def _ours(pid: int, start: str | None, word: str) -> bool:
    return procinfo.alive(pid) and (start is None or procinfo.start_time(pid) == start) \
        and any(word in arg for arg in procinfo.argv(pid))


def hub_pid() -> int | None:
    """The running hub's pid, if this module started it and it still runs."""
    try:
        pid, start = pid_file().read_text().split()[:2]
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


def log_tail(lines: int = 12) -> str:
    try:
        text = log_file().read_text(errors="replace").splitlines()[-lines:]
    except OSError:
        return "(no log)"
    return " | ".join(t.strip() for t in text)


def stored_roster() -> list[accounts.Learner]:
    """The roster of the last ``hub up`` (kept in the hub's state)."""
    try:
        rows = json.loads(config.roster_file().read_text())
    except (OSError, ValueError):
        return []
    return [accounts.Learner(r["login"], r["name"], r["role"], r["index"]) for r in rows]


def learner_logins() -> list[str]:
    return sorted({x.login for x in stored_roster()} | set(accounts.recorded_logins()))


def stop_learners() -> list[str]:
    """Kill what is left of every learner: their own processes and their containers' (subuids)."""
    done = []
    for login in learner_logins():
        user = accounts.kit_account(login)
        if user is None:
            continue
        killed = userprocs.kill_uid(user.pw_uid)
        for ids in rootless_account.subid_ranges("/etc/subuid", login):
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
    pid_file().unlink(missing_ok=True)
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
