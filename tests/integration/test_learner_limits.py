"""Limits per learner on the real host: a learner's rootless container that forks or eats too much.

A test account (``pcr-lim``) gets the cgroup pair ``hub.limits.prepare`` makes (under a test
group, 100 processes, 256 MiB) and starts, through the spawner's ``join_script``, a rootless
podman whose container forks 300 sleeps, then one that holds 400 MB. podman 4.3.1 ignores
``--pids-limit``/``--memory`` for a rootless user on cgroup v1; the learner's cgroup stops both.
The account and the cgroups are removed after the test.
"""

from __future__ import annotations

import os
import pwd
import shlex
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from kernel_helpers import classroom, engine
from kernel_helpers.hub import limits

LOGIN, GROUP = "pcr-lim", "podman-course-test-rs"
pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0, reason="making a test account and cgroups needs root"),
    pytest.mark.skipif(not limits.cgroup_v1(), reason="no cgroup v1 pids+memory on this host"),
    pytest.mark.skipif(shutil.which("podman") is None, reason="podman is not installed"),
]


@pytest.fixture
def learner(monkeypatch):
    monkeypatch.setenv(limits.MEMORY_ENV, "256")
    monkeypatch.setenv(limits.PIDS_ENV, "100")
    subprocess.run(["useradd", "-m", "-s", "/bin/sh", LOGIN], check=True, timeout=60)
    runtime = Path(f"/tmp/{LOGIN}-xdg")  # the learner's own; not below root's 0700 tmp folders
    runtime.mkdir(mode=0o700)
    shutil.chown(runtime, LOGIN)
    try:
        yield runtime
    finally:
        subprocess.run(["pkill", "-KILL", "-u", LOGIN], check=False, timeout=30)
        time.sleep(1)
        limits.remove_all({f"cgroup:{GROUP}/{LOGIN}": {"root": str(limits.CGROUP_ROOT),
                                                       "controllers": list(limits.CONTROLLERS)}}, GROUP)
        subprocess.run(["userdel", "--remove", "--force", LOGIN], check=False, timeout=60)
        shutil.rmtree(runtime, ignore_errors=True)


def _as_learner(runtime, command: str) -> subprocess.CompletedProcess:
    """COMMAND as the learner, started the way the spawner starts the learner's server."""
    home = pwd.getpwnam(LOGIN).pw_dir
    return subprocess.run(["runuser", "-u", LOGIN, "--", "env", "-i", f"HOME={home}",
                           "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
                           f"XDG_RUNTIME_DIR={runtime}", "/bin/sh", "-c",
                           limits.join_script(group=GROUP), f"cd {home} && {command}"],
                          capture_output=True, text=True, timeout=300)


def test_the_learners_cgroup_stops_a_fork_loop_and_a_memory_hog(learner, classroom_up):
    [said] = limits.prepare(LOGIN, group=GROUP)
    assert said.startswith(f"memory 256 MiB, 100 processes for {LOGIN}")
    decisions = engine.load_decisions()
    podman = ["podman", "run", "--rm", "--tls-verify=false"]
    if decisions.get("runtime"):
        podman += ["--runtime", decisions["runtime"]]
    podman += [f"--ulimit={u}" for u in decisions.get("ulimits", [])]
    image = f"{classroom.pull_host()}/busybox:latest"
    forks = shlex.join([*podman, "--pids-limit", "2048", image, "sh", "-c",
                        "n=0; while [ $n -lt 300 ]; do sleep 30 & n=$((n+1)); done; echo all $n"])
    start = time.monotonic()
    forked = _as_learner(learner, forks)
    fork_seconds = time.monotonic() - start
    assert "can't fork" in forked.stderr, forked.stderr
    assert "all 300" not in forked.stdout
    events = (limits.folder("pids", LOGIN, group=GROUP) / "pids.events").read_text().split()
    assert int(events[1]) > 0

    hog = shlex.join([*podman, image, "sh", "-c",
                      'x=$(head -c 400000000 /dev/zero | tr "\\0" a); echo kept ${#x}'])
    start = time.monotonic()
    hogged = _as_learner(learner, hog)
    hog_seconds = time.monotonic() - start
    assert hogged.returncode == 137 and "kept" not in hogged.stdout, (hogged.returncode, hogged.stderr)
    memory = limits.folder("memory", LOGIN, group=GROUP)
    assert int((memory / "memory.max_usage_in_bytes").read_text()) <= 256 * 1024 * 1024
    print(f"\nfork loop stopped by the learner's pids.max=100 in {fork_seconds:.1f} s "
          f"({events[1]} refused forks); 400 MB hog killed (137) at 256 MiB in {hog_seconds:.1f} s")
