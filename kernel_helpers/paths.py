"""Where the kit keeps its files: one place to look for every path.

State that must survive a reboot (course images, registry data, leases) lives in
``state_dir()``; state that must not (sandbox run roots) lives in ``runtime_dir()``.
Both can be moved with environment variables, which tests use for isolation.
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE = 0o600  # secrets, auth files and the record of host changes
STATE_ENV = "PODMAN_COURSE_STATE"
RUNTIME_ENV = "PODMAN_COURSE_RUNTIME"


def repo_root() -> Path:
    """The checkout that holds ``kernel_helpers`` (recipes and notebooks live there)."""
    return Path(__file__).resolve().parent.parent


def state_dir() -> Path:
    """Persistent kit state: ``$PODMAN_COURSE_STATE``, else a per-user default."""
    if os.environ.get(STATE_ENV):
        return Path(os.environ[STATE_ENV])
    if os.geteuid() == 0:
        return Path("/var/lib/podman-course")
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local/share")
    return Path(base) / "podman-course"


def runtime_dir() -> Path:
    """Volatile kit state (run roots, pid files): tmpfs where the host has one."""
    if os.environ.get(RUNTIME_ENV):
        return Path(os.environ[RUNTIME_ENV])
    if os.geteuid() == 0:
        return Path("/run/podman-course")
    xdg = os.environ.get("XDG_RUNTIME_DIR")
    return Path(xdg) / "podman-course" if xdg else Path(f"/tmp/podman-course-{os.geteuid()}")


def engine_conf() -> Path:
    """The kit's own ``containers.conf``: host workarounds chosen by the doctor."""
    return state_dir() / "containers.conf"


def doctor_report() -> Path:
    """The doctor's last findings, as JSON, read by sandboxes and the notebooks."""
    return state_dir() / "doctor.json"


def registries_conf() -> Path:
    """The kit's ``registries.conf`` (v2): the notes' names mapped to the classroom."""
    return state_dir() / "registries.conf"


def image_store() -> Path:
    """Graph root of the course images, shared read-only with every sandbox."""
    return state_dir() / "images" / "storage"


def image_store_runroot() -> Path:
    return runtime_dir() / "images"


def registry_dir() -> Path:
    """Classroom registry: data, htpasswd, generated configs, logs."""
    return state_dir() / "registry"


def sandboxes_dir() -> Path:
    return state_dir() / "sandboxes"


def sandbox_runtime_dir() -> Path:
    return runtime_dir() / "s"


def ports_dir() -> Path:
    """One lease file per host port handed out (see ``ports``)."""
    return state_dir() / "ports"


def recipes_dir() -> Path:
    """Image recipes (Containerfiles and build scripts) kept in the repository."""
    return repo_root() / "images"


def ensure(path: Path, mode: int = 0o755) -> Path:
    path.mkdir(parents=True, exist_ok=True, mode=mode)
    return path


def atomic_write(path: Path, text: str) -> Path:
    """Write ``text`` so that readers see the old or the new file, never half of one."""
    ensure(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)
    return path


def write_private(path: Path, text: str) -> bool:
    """Write TEXT to PATH atomically, mode 0600; False if it already held TEXT with that mode."""
    try:
        st = path.lstat()
        if st.st_mode & 0o7777 == PRIVATE and path.read_text() == text:
            return False
    except (OSError, UnicodeDecodeError):
        pass
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)  # left by a crashed run of this very pid: never reuse it
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                 PRIVATE)
    try:
        os.fchmod(fd, PRIVATE)  # the umask may only have narrowed it; make it exact
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return True
