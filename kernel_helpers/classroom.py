"""The classroom registry: three real ``docker-registry`` processes on loopback.

Two storages under ``paths.registry_dir()``, so that no learner can change a course image:

* the PULL endpoint (``localhost:5000``) is anonymous and read-only, like a public
  registry: anyone on this machine can pull the COURSE storage (``data/``), nobody can
  push;
* the PUSH endpoint (``localhost:5001``) asks for the course login (``student`` /
  ``redhat123``, htpasswd with bcrypt) and allows push, pull and delete in the LEARNER
  storage (``learner-data/``), a storage of its own: what learners push there never
  changes what ``localhost:5000`` serves. Learners practise ``podman login`` and
  ``skopeo copy`` against it;
* the KIT endpoint (``localhost:5002``) serves the COURSE storage read-write to a
  kit-only account (random password in a 0600 file, see ``kit_auth_file``);
  ``images.build`` pushes the course images there.

The ports move together with ``$PODMAN_COURSE_REGISTRY_PORT`` (P, P+1, P+2).

Only processes this module started (pid files in ``paths.runtime_dir()``) are ever
stopped, and a port counts as served only when the process listening on it is the
one recorded there, running the ``docker-registry`` binary with our config: anything
else answering on a classroom port is reported as a squatter, never trusted.
``registries.write_registries_conf`` writes the kit's ``registries.conf``, which maps
the lecture notes' names (``registry.access.redhat.com/...``) to the classroom.

A *shared* classroom (``$PODMAN_COURSE_CLASSROOM=shared``, ``endpoints.shared()``: the hub
sets it in every learner's server) is the host's: root runs it, the learner's kit only uses
it. Then an endpoint is up when it answers ``/v2/``, whoever runs it; ``up`` starts nothing
(it fails in one line when the registry does not answer), ``down`` stops nothing, and no
config, data folder or pid file is written.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import paths, process, procinfo, registry_api
from . import registry_files as files
from .endpoints import (  # noqa: F401 (the classroom's public names, kept here too)
    _OFFSET,
    COURSE_PASSWORD,
    COURSE_USER,
    DEFAULT_PORT,
    ENDPOINTS,
    KIT_USER,
    MODE_ENV,
    PORT_ENV,
    SHARED,
    kit_host,
    kit_port,
    pull_host,
    pull_port,
    push_host,
    push_port,
    shared,
)
from .errors import KitError, ToolMissing

REGISTRY_BIN = "docker-registry"
OWNER = "the hub"  # who runs a shared classroom, as the learner's messages name it
SHARED_NEEDS = ("pull", "push")  # a learner never uses the kit endpoint (a pod may not reach it)
START_TIMEOUT = 10.0


def _port(endpoint: str) -> int:
    return pull_port() + _OFFSET[endpoint]


def _pid_dir() -> Path:
    return paths.runtime_dir() / "registry"


def _pid_file(endpoint: str) -> Path:
    return _pid_dir() / f"{endpoint}.pid"


def _config_file(endpoint: str) -> Path:
    return paths.registry_dir() / f"{endpoint}-config.yml"


def _log_file(endpoint: str) -> Path:
    return paths.registry_dir() / f"{endpoint}.log"


def course_data_dir() -> Path:
    """The course storage (served by pull and kit): the one storage of older kits, kept."""
    return paths.registry_dir() / "data"


def learner_data_dir() -> Path:
    """The learners' storage, served only by the push endpoint."""
    return paths.registry_dir() / "learner-data"


def _htpasswd_file(endpoint: str) -> Path | None:
    name = {"push": "htpasswd", "kit": "kit-htpasswd"}.get(endpoint)  # pull: anonymous
    return paths.registry_dir() / name if name else None


def _kit_password_file() -> Path:
    return paths.registry_dir() / "kit-password"


def kit_auth_file() -> Path:
    """A containers auth file (0600) with the kit account (kit endpoint) and the course
    login (push endpoint), for ``podman push --authfile``. Written by ``up``."""
    return paths.registry_dir() / "kit-auth.json"


@dataclass
class Status:
    """What ``up``/``down``/``status`` found: the three endpoints and the pids we own."""

    running: bool
    pull_url: str
    push_url: str
    kit_url: str = ""
    pids: dict = field(default_factory=dict)
    data_dir: str = ""
    learner_data_dir: str = ""
    pull_up: bool = False
    push_up: bool = False
    kit_up: bool = False
    problems: dict = field(default_factory=dict)  # endpoint -> one line (a squatter...)
    shared: bool = False  # the host's classroom: used here, never started or stopped

    def describe(self) -> str:
        """A few human lines for the command line."""
        ups = {"pull": self.pull_up, "push": self.push_up, "kit": self.kit_up}
        state = "running" if self.running else "not answering" if self.shared else "stopped"
        if not self.running and any(ups.values()):
            state = "partly running"
        pids = ", ".join(f"{k} {v}" for k, v in self.pids.items() if v) or "none recorded"
        rows = [("pull", "(anonymous, read-only):", self.pull_url, "course images"),
                ("push", "(login required):", self.push_url, "learners' own storage"),
                ("kit", "(kit account only):", self.kit_url, "course images, read-write")]
        push_host_ = self.push_url.split("//")[-1]
        lines = [f"classroom registry: {state}" + (f", shared ({OWNER}'s)" if self.shared else "")]
        lines += [f"  {name:<4} {who:<24} {url} [{'up' if ups[name] else 'down'}] {what}"
                  for name, who, url, what in rows]
        lines.append(f"  course login: podman login {push_host_} -u {COURSE_USER} -p {COURSE_PASSWORD}")
        lines += ([f"  run by {OWNER}: this kit neither starts nor stops it"]
                  if self.shared else [f"  course images: {self.data_dir}",
                                       f"  learners' pushes: {self.learner_data_dir}   pids: {pids}"])
        lines += [f"  ! {problem}" for problem in self.problems.values()]
        return "\n".join(lines)


def _answers(endpoint: str) -> bool:
    code = registry_api.status(_port(endpoint))
    return code == 200 if endpoint == "pull" else code in (200, 401)


def _read_pid(endpoint: str) -> tuple[int | None, str]:
    """The recorded pid and the digest of the config it was started with ("" if unknown)."""
    try:
        fields = _pid_file(endpoint).read_text().split()
        return int(fields[0]), (fields[1] if len(fields) > 1 else "")
    except (OSError, ValueError, IndexError):
        return None, ""


def _config_digest(endpoint: str) -> str:
    """Digest of what the endpoint reads at start: its config and its htpasswd file."""
    digest = hashlib.sha256()
    for path in (_config_file(endpoint), _htpasswd_file(endpoint)):
        if path is None:
            continue
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"(none)")
    return digest.hexdigest()[:16]


def _registry_binary() -> str:
    found = shutil.which(REGISTRY_BIN)
    return os.path.realpath(found) if found else f"/usr/bin/{REGISTRY_BIN}"


def _is_ours(pid: int, endpoint: str) -> bool:
    """True if PID is alive, runs the docker-registry binary and serves our config file.

    Only for a process that already answered or was recorded long ago: just after
    exec, /proc/PID/cmdline may be empty for a moment (``up`` waits on exit status).
    """
    if not procinfo.alive(pid):
        return False
    if procinfo.executable(pid) != _registry_binary():
        return False
    return str(_config_file(endpoint)) in procinfo.argv(pid)


@dataclass
class _Probe:
    """One endpoint as found: ``up``, ``down``, ``foreign`` or ``unhealthy``."""

    endpoint: str
    state: str
    pid: int | None = None  # ours (recorded and verified), if any
    stale: bool = False  # ours, but started with another config than the one on disk
    reason: str = ""


def _squatter(endpoint: str, pid: int | None) -> str:
    who = f"pid {pid}, {procinfo.executable(pid)}" if pid else "pid not visible"
    return (f"port {_port(endpoint)} is answered by a process the kit did not start ({who}): "
            f"stop it, or set {PORT_ENV} to another port")


def _probe(endpoint: str) -> _Probe:
    """Who listens on the endpoint's port, and is it the registry this kit recorded?"""
    port = _port(endpoint)
    recorded, digest = _read_pid(endpoint)
    ours = recorded if recorded and _is_ours(recorded, endpoint) else None
    inodes = procinfo.listening_inodes(port)
    if not inodes:
        if registry_api.status(port) is not None:  # answers, yet no socket we can see: not ours
            return _Probe(endpoint, "foreign", ours, reason=_squatter(endpoint, None))
        return _Probe(endpoint, "down", ours)
    strangers = inodes - (procinfo.socket_inodes(ours) if ours else set())
    if strangers:
        holder = next(iter(procinfo.holders(strangers).values()), None)
        return _Probe(endpoint, "foreign", ours, reason=_squatter(endpoint, holder))
    stale = digest != _config_digest(endpoint)
    if not _answers(endpoint):
        return _Probe(endpoint, "unhealthy", ours, stale,
                      f"registry pid {ours} listens on port {port} but does not answer /v2/")
    return _Probe(endpoint, "up", ours, stale)


def _status_of(probes: dict[str, _Probe]) -> Status:
    return Status(
        running=all(p.state == "up" for p in probes.values()),
        pull_url=f"http://{pull_host()}", push_url=f"http://{push_host()}",
        kit_url=f"http://{kit_host()}",
        pids={e: p.pid for e, p in probes.items()},
        data_dir=str(course_data_dir()), learner_data_dir=str(learner_data_dir()),
        pull_up=probes["pull"].state == "up", push_up=probes["push"].state == "up",
        kit_up=probes["kit"].state == "up",
        problems={e: p.reason for e, p in probes.items() if p.reason})


def _shared_probe(endpoint: str) -> _Probe:
    """An endpoint of the host's classroom: up when it answers /v2/, whoever runs it."""
    if _answers(endpoint):
        return _Probe(endpoint, "up")
    return _Probe(endpoint, "down", reason=f"{endpoint} endpoint (localhost:{_port(endpoint)}, "
                  f"{OWNER}'s) does not answer")


def status() -> Status:
    """Probe the three endpoints; only our own verified processes count as up (a shared
    classroom's endpoints: any registry that answers)."""
    if shared():
        found = _status_of({e: _shared_probe(e) for e in ENDPOINTS})
        found.data_dir = found.learner_data_dir = ""  # the host's folders, not this kit's
        found.shared = True
        found.running = all(getattr(found, f"{e}_up") for e in SHARED_NEEDS)
        return found
    return _status_of({e: _probe(e) for e in ENDPOINTS})


def _shared_up() -> Status:
    """A shared classroom: start nothing; its status when every endpoint answers."""
    from .registries import write_registries_conf  # the learner's own file

    write_registries_conf()
    found = status()
    down_ = [e for e in SHARED_NEEDS if not getattr(found, f"{e}_up")]
    if down_:
        raise KitError(f"the classroom registry on localhost:{_port(down_[0])} is {OWNER}'s and "
                       "does not answer: ask your teacher")
    return found


def shared_down_line() -> str:
    """What ``classroom down`` says for a shared classroom (it stops nothing)."""
    return (f"classroom registry: shared ({OWNER}'s, {pull_host()}-{kit_port()}): not stopped, "
            "only its host stops it")


def _write_configs() -> None:
    """Configs, htpasswd files, the kit password and auth file: all 0600, all idempotent."""
    reg = paths.ensure(paths.registry_dir())
    paths.ensure(course_data_dir())
    paths.ensure(learner_data_dir())
    http_secret = files.secret(reg / "http-secret")[0]
    kit_password, made = files.secret(_kit_password_file())
    files.ensure_htpasswd(_htpasswd_file("push"), COURSE_USER, COURSE_PASSWORD)
    files.ensure_htpasswd(_htpasswd_file("kit"), KIT_USER, kit_password, renew=made)
    files.write_private(kit_auth_file(), files.auth_json({
        kit_host(): (KIT_USER, kit_password), push_host(): (COURSE_USER, COURSE_PASSWORD)}))
    settings = {
        "pull": {"storage": course_data_dir(), "readonly": True},
        "push": {"storage": learner_data_dir(), "delete": True,
                 "htpasswd": _htpasswd_file("push")},
        "kit": {"storage": course_data_dir(), "htpasswd": _htpasswd_file("kit")},
    }
    for endpoint, options in settings.items():
        files.write_private(_config_file(endpoint), files.config_text(
            endpoint, _port(endpoint), http_secret=http_secret, **options))


def _log_tail(endpoint: str, lines: int = 15) -> str:
    try:
        return "\n".join(_log_file(endpoint).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _start(endpoint: str, binary: str) -> process.Popen:
    """Start one endpoint's registry server: a daemon, logging to its log file."""
    paths.ensure(_pid_dir())
    digest = _config_digest(endpoint)
    proc = process.spawn([binary, "serve", str(_config_file(endpoint))], log=_log_file(endpoint))
    paths.atomic_write(_pid_file(endpoint), f"{proc.pid} {digest}\n")
    return proc


def _wait_started(started: dict[str, process.Popen]) -> None:
    """Wait until each started endpoint answers or its process exits (judged by exit
    status, never by /proc/PID/cmdline, which may be empty just after exec)."""
    deadline = time.monotonic() + START_TIMEOUT
    waiting = set(started)
    while waiting and time.monotonic() < deadline:
        for endpoint in list(waiting):
            if _answers(endpoint):
                waiting.discard(endpoint)
            elif started[endpoint].poll() is not None:  # our child exited: it will not answer
                return
        time.sleep(0.1)


def up() -> Status:
    """Start the endpoints that are not served by our own registry; write registries.conf.

    Idempotent. Refuses (KitError) when a process the kit did not start answers on one
    of the classroom's ports. Restarts our own processes that do not answer or were
    started with an older config.
    """
    from . import locks
    from .registries import write_registries_conf  # registries.py imports this module

    if shared():
        return _shared_up()
    with locks.hold("classroom"):
        write_registries_conf()
        binary = shutil.which(REGISTRY_BIN)
        if binary is None:
            raise ToolMissing(REGISTRY_BIN, "apt-get install docker-registry")
        _write_configs()
        probes = {e: _probe(e) for e in ENDPOINTS}
        for probe in probes.values():
            if probe.state == "foreign":
                raise KitError(probe.reason)
        started = {}
        for endpoint, probe in probes.items():
            if probe.state == "up" and not probe.stale:
                continue
            if probe.pid:  # ours, but not answering or started with an older config
                procinfo.stop(probe.pid)
            if endpoint == "push":  # stopped: drop the names that labs' finish emptied
                files.prune_empty_repositories(learner_data_dir())
            started[endpoint] = _start(endpoint, binary)
        _wait_started(started)
        probes = {e: _probe(e) for e in ENDPOINTS}
        for endpoint, probe in probes.items():
            if probe.state == "foreign":
                raise KitError(probe.reason)
            if probe.state != "up":
                raise KitError(f"classroom registry ({endpoint} endpoint, port {_port(endpoint)}) "
                               f"did not come up; last lines of {_log_file(endpoint)}:\n"
                               f"{_log_tail(endpoint)}")
        return _status_of(probes)


def down() -> Status:
    """Stop only the registry processes this kit recorded (checked via /proc). Idempotent.
    A shared classroom: stops nothing, its status."""
    from . import locks

    if shared():
        return status()
    with locks.hold("classroom"):
        for endpoint in ENDPOINTS:
            pid = _read_pid(endpoint)[0]
            if pid and _is_ours(pid, endpoint):
                procinfo.stop(pid)
            _pid_file(endpoint).unlink(missing_ok=True)
        return status()


def catalog() -> list[dict]:
    """Repositories and tags on the pull endpoint: ``[{"repository", "tags"}]``, sorted
    (repositories whose tags were all deleted are left out)."""
    return registry_api.catalog(pull_port())
