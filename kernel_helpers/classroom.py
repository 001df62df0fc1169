"""The classroom registry: two real ``docker-registry`` processes on loopback.

Both serve ONE storage directory under ``paths.registry_dir()``:

* the PULL endpoint (``localhost:5000``) is anonymous and read-only, like a
  public registry: anyone on this machine can pull, nobody can push;
* the PUSH endpoint (``localhost:5001``) asks for the course login
  (``student`` / ``redhat123``, htpasswd with bcrypt) and allows push, pull
  and delete. ``images.build`` pushes there; learners practise ``podman login``
  against it.

Only processes this module started (pid files in ``paths.runtime_dir()``) are
ever stopped. ``registries.write_registries_conf`` writes the kit's ``registries.conf``,
which maps the lecture notes' names (``registry.access.redhat.com/...``) to the
classroom and is shown to learners, hence its many comments.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from . import paths
from .errors import KitError, ToolMissing

COURSE_USER = "student"
COURSE_PASSWORD = "redhat123"  # the password used throughout the lecture notes
PORT_ENV = "PODMAN_COURSE_REGISTRY_PORT"
DEFAULT_PORT = 5000
REGISTRY_BIN = "docker-registry"
START_TIMEOUT = 10.0
ENDPOINTS = ("pull", "push")


def pull_port() -> int:
    """Port of the anonymous read-only endpoint (``$PODMAN_COURSE_REGISTRY_PORT`` or 5000)."""
    value = os.environ.get(PORT_ENV, "").strip()
    try:
        return int(value) if value else DEFAULT_PORT
    except ValueError:
        raise KitError(f"{PORT_ENV}={value!r} is not a port number") from None


def push_port() -> int:
    """Port of the authenticated read-write endpoint: the pull port plus one."""
    return pull_port() + 1


def pull_host() -> str:
    """``localhost:PORT`` of the pull endpoint, as used in image names."""
    return f"localhost:{pull_port()}"


def push_host() -> str:
    """``localhost:PORT`` of the push endpoint, as used in image names."""
    return f"localhost:{push_port()}"


def _port(endpoint: str) -> int:
    return pull_port() if endpoint == "pull" else push_port()


def _pid_dir() -> Path:
    return paths.runtime_dir() / "registry"


def _pid_file(endpoint: str) -> Path:
    return _pid_dir() / f"{endpoint}.pid"


def _config_file(endpoint: str) -> Path:
    return paths.registry_dir() / f"{endpoint}-config.yml"


def _log_file(endpoint: str) -> Path:
    return paths.registry_dir() / f"{endpoint}.log"


def _data_dir() -> Path:
    return paths.registry_dir() / "data"


def _htpasswd_file() -> Path:
    return paths.registry_dir() / "htpasswd"


@dataclass
class Status:
    """What ``up``/``down``/``status`` found: both endpoints and the pids we own."""

    running: bool
    pull_url: str
    push_url: str
    pids: dict = field(default_factory=dict)
    data_dir: str = ""
    pull_up: bool = False
    push_up: bool = False

    def describe(self) -> str:
        """A few human lines for the command line."""
        state = "running" if self.running else "stopped"
        if not self.running and (self.pull_up or self.push_up):
            state = "partly running"
        pids = ", ".join(f"{k} {v}" for k, v in self.pids.items() if v) or "none recorded"
        pull_state = "up" if self.pull_up else "down"
        push_state = "up" if self.push_up else "down"
        push_host_ = self.push_url.split("//")[-1]
        return "\n".join([
            f"classroom registry: {state}",
            f"  pull (anonymous, read-only): {self.pull_url} [{pull_state}]",
            f"  push (login required):       {self.push_url} [{push_state}]",
            f"  course login: podman login {push_host_} -u {COURSE_USER} -p {COURSE_PASSWORD}",
            f"  data: {self.data_dir}   pids: {pids}",
        ])


def _http_status(port: int, path: str = "/v2/", timeout: float = 2.0) -> int | None:
    """HTTP status of ``GET http://127.0.0.1:PORT/PATH``, or None if nothing answers."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (OSError, ValueError):
        return None


def _answers(endpoint: str) -> bool:
    code = _http_status(_port(endpoint))
    return code == 200 if endpoint == "pull" else code in (200, 401)


def _read_pid(endpoint: str) -> int | None:
    try:
        return int(_pid_file(endpoint).read_text().strip())
    except (OSError, ValueError):
        return None


def _alive(pid: int) -> bool:
    """True if PID exists and is not a zombie (reaping it first if it is our child)."""
    _reap(pid)
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return False


def _is_ours(pid: int, endpoint: str) -> bool:
    """True if PID is alive and is a docker-registry serving our config file."""
    if not _alive(pid):
        return False
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return False
    return any(REGISTRY_BIN in a for a in argv) and str(_config_file(endpoint)) in argv


def status() -> Status:
    """Probe both endpoints and report the pids this kit recorded."""
    pids = {}
    for endpoint in ENDPOINTS:
        pid = _read_pid(endpoint)
        pids[endpoint] = pid if pid and _is_ours(pid, endpoint) else None
    pull_up, push_up = _answers("pull"), _answers("push")
    return Status(running=pull_up and push_up, pull_url=f"http://{pull_host()}",
                  push_url=f"http://{push_host()}", pids=pids, data_dir=str(_data_dir()),
                  pull_up=pull_up, push_up=push_up)


def _config_text(endpoint: str, secret: str) -> str:
    """distribution config (JSON is valid YAML) for one endpoint."""
    storage = {
        "filesystem": {"rootdirectory": str(_data_dir())},
        "maintenance": {"uploadpurging": {"enabled": False}},
    }
    config = {
        "version": 0.1,
        "log": {"level": "info", "fields": {"service": f"classroom-{endpoint}"}},
        "storage": storage,
        "http": {"addr": f"127.0.0.1:{_port(endpoint)}", "secret": secret,
                 "headers": {"X-Content-Type-Options": ["nosniff"]}},
    }
    if endpoint == "pull":
        storage["maintenance"]["readonly"] = {"enabled": True}
    else:
        storage["delete"] = {"enabled": True}
        config["auth"] = {"htpasswd": {"realm": "podman-course classroom",
                                       "path": str(_htpasswd_file())}}
    header = (f"# classroom registry, {endpoint} endpoint: written by kernel_helpers.classroom\n"
              "# (JSON is valid YAML; regenerated by every `classroom up`)\n")
    return header + json.dumps(config, indent=2) + "\n"


def _write_htpasswd() -> None:
    target = _htpasswd_file()
    if target.exists() and f"{COURSE_USER}:" in target.read_text():
        return
    if shutil.which("htpasswd") is None:
        raise ToolMissing("htpasswd", "apt-get install apache2-utils")
    proc = subprocess.run(["htpasswd", "-Bbn", COURSE_USER, COURSE_PASSWORD],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise KitError(f"htpasswd failed: {proc.stderr.strip()}")
    target.write_text(proc.stdout.strip() + "\n")
    target.chmod(0o640)


def _write_configs() -> None:
    reg = paths.ensure(paths.registry_dir())
    paths.ensure(_data_dir())
    secret_file = reg / "http-secret"
    if not secret_file.exists():
        secret_file.write_text(secrets.token_hex(24) + "\n")
        secret_file.chmod(0o600)
    secret = secret_file.read_text().strip()
    _write_htpasswd()
    for endpoint in ENDPOINTS:
        _config_file(endpoint).write_text(_config_text(endpoint, secret))


def _log_tail(endpoint: str, lines: int = 15) -> str:
    try:
        return "\n".join(_log_file(endpoint).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _start(endpoint: str, binary: str) -> subprocess.Popen:
    paths.ensure(_pid_dir())
    with open(_log_file(endpoint), "ab") as log:
        proc = subprocess.Popen([binary, "serve", str(_config_file(endpoint))],
                                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True, close_fds=True)
    _pid_file(endpoint).write_text(f"{proc.pid}\n")
    return proc


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def up() -> Status:
    """Start both endpoints unless they already answer; write registries.conf. Idempotent."""
    from .registries import write_registries_conf  # registries.py imports this module

    write_registries_conf()
    current = status()
    if current.running:
        return current
    binary = shutil.which(REGISTRY_BIN)
    if binary is None:
        raise ToolMissing(REGISTRY_BIN, "apt-get install docker-registry")
    _write_configs()
    started = {}
    for endpoint in ENDPOINTS:
        if _answers(endpoint):
            continue
        pid = _read_pid(endpoint)
        if pid and _is_ours(pid, endpoint):  # ours but not answering: restart it
            _stop_pid(pid)
        started[endpoint] = _start(endpoint, binary)
    deadline = time.monotonic() + START_TIMEOUT
    waiting = set(started)
    while waiting and time.monotonic() < deadline:
        for endpoint in list(waiting):
            if _answers(endpoint):
                waiting.discard(endpoint)
            elif started[endpoint].poll() is not None:  # our child exited: it will not answer
                break
        else:
            time.sleep(0.1)
            continue
        break  # a process died: no point waiting for it
    failed = [e for e in ENDPOINTS if e in started and not _answers(e)]
    if failed:
        endpoint = failed[0]
        raise KitError(f"classroom registry ({endpoint} endpoint, port {_port(endpoint)}) "
                       f"did not come up; last lines of {_log_file(endpoint)}:\n"
                       f"{_log_tail(endpoint)}")
    return status()


def _stop_pid(pid: int, timeout: float = 5.0) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            return
        time.sleep(0.05)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    time.sleep(0.1)
    _reap(pid)


def down() -> Status:
    """Stop only the registry processes this kit recorded (checked via /proc). Idempotent."""
    for endpoint in ENDPOINTS:
        pid = _read_pid(endpoint)
        if pid and _is_ours(pid, endpoint):
            _stop_pid(pid)
        _pid_file(endpoint).unlink(missing_ok=True)
    return status()


def _get_json(url: str, timeout: float = 5.0) -> tuple[dict, str | None]:
    """JSON body of URL and the next page's path from its ``Link`` header, if any."""
    with urllib.request.urlopen(url, timeout=timeout) as resp:
        link = resp.headers.get("Link", "")
        body = json.loads(resp.read().decode())
    nxt = link[link.find("<") + 1:link.find(">")] if link.startswith("<") else None
    return body, nxt


def _repositories(base: str) -> list[str]:
    repos, url = [], f"{base}/v2/_catalog?n=1000"  # distribution refuses n > 1000
    while url:
        body, nxt = _get_json(url)
        repos += body.get("repositories") or []
        url = f"{base}{nxt}" if nxt else None
    return repos


def catalog() -> list[dict]:
    """Repositories and tags on the pull endpoint: ``[{"repository", "tags"}]``, sorted.

    A repository whose tags were all deleted stays in the registry's own catalog (the
    registry cannot delete repositories); it is left out here, as it holds nothing to pull.
    """
    base = f"http://127.0.0.1:{pull_port()}"
    try:
        rows = []
        for repo in sorted(_repositories(base)):
            try:
                tags = _get_json(f"{base}/v2/{repo}/tags/list")[0].get("tags") or []
            except urllib.error.HTTPError as exc:
                if exc.code != 404:  # a repository whose tags were all deleted
                    raise
                tags = []
            if tags:
                rows.append({"repository": repo, "tags": sorted(tags)})
    except (OSError, ValueError) as exc:
        raise KitError(f"cannot read the classroom catalog at {base}: {exc}") from exc
    return rows
