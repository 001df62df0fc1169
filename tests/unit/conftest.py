"""Shared fixtures: a fake ``podman`` on PATH that replays real recorded outputs."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest

from kernel_helpers import classroom

FAKE_DIR = Path(__file__).resolve().parents[1] / "fake_podman"
RECORDINGS = FAKE_DIR / "recordings"


def load_recording(name: str) -> dict:
    """One recording (``argv``, ``argv_match``, ``stdout``, ``stderr``, ``returncode``)."""
    return json.loads((RECORDINGS / f"{name}.json").read_text())


class FakePodman:
    """Handle returned by the ``fake_podman`` fixture."""

    def __init__(self, log: Path, monkeypatch):
        self.dir = FAKE_DIR
        self.log = log
        self._monkeypatch = monkeypatch

    def calls(self) -> list[list[str]]:
        """Every invocation so far, as ``[tool, *args]`` (``["podman", "ps", ...]``)."""
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines() if line.strip()]

    def use(self, *names: str) -> None:
        """Replay only these recordings (in this order of preference)."""
        self._monkeypatch.setenv("FAKE_PODMAN_USE", ",".join(names))

    def recording(self, name: str) -> dict:
        return load_recording(name)


@pytest.fixture
def fake_podman(monkeypatch, tmp_path) -> FakePodman:
    """Put ``tests/fake_podman`` first on PATH and log its calls to a temp file."""
    log = tmp_path / "fake-podman.log"
    monkeypatch.setenv("PATH", f"{FAKE_DIR}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("FAKE_PODMAN_LOG", str(log))
    monkeypatch.delenv("FAKE_PODMAN_USE", raising=False)
    monkeypatch.delenv("FAKE_PODMAN_RECORDINGS", raising=False)
    return FakePodman(log, monkeypatch)


@pytest.fixture
def recording():
    """``recording("ps-two-running")`` -> the recorded dict."""
    return load_recording


@pytest.fixture(autouse=True)
def default_registry_port(monkeypatch):
    """Unit tests see the kit's default classroom port and mode, whatever this run's classroom is."""
    monkeypatch.delenv(classroom.PORT_ENV, raising=False)
    monkeypatch.delenv(classroom.MODE_ENV, raising=False)  # the kit's own classroom, not a hub's


@pytest.fixture
def interruptible():
    """Ctrl-C raises KeyboardInterrupt here, also when the run was started with SIGINT ignored
    (a background job of a script: Python then installs no handler of its own)."""
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, before)


@pytest.fixture
def root_mode(monkeypatch):
    """The kit decides as in a root kernel (privilege.is_root), whoever runs the tests: for the
    root-mode logic (the course user's worlds, uninstall's accounts) that needs no root power."""
    from kernel_helpers import privilege
    monkeypatch.setattr(privilege, "is_root", lambda: True)
