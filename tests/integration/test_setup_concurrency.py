"""Two set-ups at once (two `make test` runs): both succeed and one registry of each endpoint serves.

The first test runs the real `python -m kernel_helpers setup` twice at once against the
kit's shared state. The second starts from a stopped classroom, in a private state on a
free port pair, with the slow steps (doctor, images, rootless store) stubbed out: the
two set-ups then race for `classroom up` itself, which the 'setup' lock serializes.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from kernel_helpers import classroom, paths, procinfo

REPO = paths.repo_root()


def registry_processes() -> dict[str, int]:
    """How many docker-registry processes of this PID namespace serve each of the kit's config files."""
    wanted = {endpoint: str(classroom._config_file(endpoint)) for endpoint in classroom.ENDPOINTS}
    counts = dict.fromkeys(wanted, 0)
    ours = os.readlink("/proc/self/ns/pid")  # not a machine's nested in a container here
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if os.readlink(proc / "ns/pid") != ours:
                continue
            argv = procinfo.argv(int(proc.name))
        except OSError:
            continue
        if any(classroom.REGISTRY_BIN in arg for arg in argv[:1]):
            for endpoint, config in wanted.items():
                counts[endpoint] += config in argv
    return counts


def run_twice(argv: list[str], env: dict | None = None, timeout: float = 1800) -> list[tuple[int, str]]:
    procs = [subprocess.Popen(argv, cwd=str(REPO), env=env, stdin=subprocess.DEVNULL, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for _ in range(2)]
    try:
        outs = [proc.communicate(timeout=timeout)[0] for proc in procs]
        return [(proc.returncode, out) for proc, out in zip(procs, outs, strict=True)]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def test_two_setups_at_once_both_succeed_with_one_registry_pair():
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    start = time.monotonic()
    results = run_twice([sys.executable, "-m", "kernel_helpers", "setup"], env)
    took = time.monotonic() - start
    for code, out in results:
        assert code == 0, out[-3000:]
        assert "setup done" in out
    assert registry_processes() == dict.fromkeys(classroom.ENDPOINTS, 1)  # pull, push, kit
    print(f"two set-ups at once: {took:.1f} s")


STUBBED_SETUP = """
import sys, time
from types import SimpleNamespace
from kernel_helpers import doctor, images, rootless, setup
doctor.run = lambda: SimpleNamespace(text=lambda: "doctor: stubbed", healthy=True)
images.build = lambda log=print: time.sleep(1)  # as long as both set-ups could overlap
rootless.prepare_store = lambda log=print: None
sys.exit(setup.main())
"""


def free_port_pair(start: int = 5400) -> int:
    """A free run of ports for a private classroom: pull P, push P+1, kit P+2."""
    for port in range(start, start + 300, len(classroom.ENDPOINTS)):
        try:
            with contextlib.ExitStack() as stack:
                for offset in range(len(classroom.ENDPOINTS)):
                    stack.enter_context(socket.socket()).bind(("127.0.0.1", port + offset))
        except OSError:
            continue
        return port
    pytest.skip("no free ports for a private classroom")


@pytest.fixture
def private_kit(monkeypatch):
    """A private state, run root and classroom port; its classroom is stopped afterwards."""
    state = tempfile.mkdtemp(prefix="ccst")
    runtime = tempfile.mkdtemp(prefix="ccrt")
    env = {"PODMAN_COURSE_STATE": state, "PODMAN_COURSE_RUNTIME": runtime,
           "PODMAN_COURSE_REGISTRY_PORT": str(free_port_pair()),
           "PODMAN_COURSE_ROOTLESS_USER": "cc-no-such-user"}  # clean must not touch the course user
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    yield {**os.environ, "PYTHONPATH": str(REPO)}
    classroom.down()  # the private one: its pid files are under this run root
    subprocess.run(["rm", "-rf", state, runtime], timeout=60)


def test_two_setups_from_a_stopped_classroom_start_one_registry_pair(private_kit):
    if not classroom.shutil.which(classroom.REGISTRY_BIN):
        pytest.skip("docker-registry is not installed")
    assert registry_processes() == dict.fromkeys(classroom.ENDPOINTS, 0)
    results = run_twice([sys.executable, "-c", STUBBED_SETUP], private_kit, timeout=120)
    for code, out in results:
        assert code == 0, out[-3000:]
        assert "classroom registry: running" in out
    assert sum("waiting for it to finish" in out for _, out in results) == 1  # one waited
    assert registry_processes() == dict.fromkeys(classroom.ENDPOINTS, 1)  # pull, push, kit
    assert classroom.status().running
