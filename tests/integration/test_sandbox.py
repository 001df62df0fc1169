"""Sandboxes on the real engine: private worlds that share the course images read-only."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from kernel_helpers import classroom, paths, ports
from kernel_helpers.sandbox import Sandbox, is_alive, reclaim

IMAGE = f"{classroom.pull_host()}/busybox:latest"


def names(sandbox: Sandbox, *flags: str) -> list[str]:
    out = sandbox.podman("ps", "-a", "--format", "{{.Names}}", *flags, check=True).stdout
    return out.split()


def test_course_images_are_shared_read_only(sandbox, classroom_up):
    listed = json.loads(sandbox.podman("images", "--format", "json", check=True).stdout)
    busybox = [img for img in listed if IMAGE in (img.get("Names") or [])]
    assert busybox and busybox[0]["ReadOnly"] is True
    refused = sandbox.podman("rmi", IMAGE)
    assert refused.returncode != 0
    assert "read-only" in refused.stderr or "readonly" in refused.stderr.replace("-", "")


def test_rm_all_in_one_sandbox_spares_the_other(make_sandbox, classroom_up):
    first, second = make_sandbox(), make_sandbox()
    first.podman("run", "-d", "--name", "keeper", IMAGE, "sleep", "300", check=True)
    second.podman("run", "-d", "--name", "victim", IMAGE, "sleep", "300", check=True)
    assert names(second) == ["victim"]
    second.podman("rm", "-af", "-t", "0", check=True)
    second.podman("container", "prune", "-f", check=True)
    second.podman("image", "prune", "-af", check=True)
    assert names(second) == []
    assert names(first) == ["keeper"]
    assert first.podman("image", "exists", IMAGE).returncode == 0


def test_remove_leaves_nothing(classroom_up):
    sandbox = Sandbox.create(kind="test")
    sandbox.podman("run", "-d", "--name", "x", IMAGE, "sleep", "300", check=True)
    port = sandbox.lease_ports(1)[0]
    assert ports.holder(port) == sandbox.id
    sandbox.remove()
    assert not sandbox.dir.exists()
    assert not sandbox.world.runroot.exists()
    assert ports.holder(port) is None
    with open("/proc/self/mountinfo") as fh:
        assert sandbox.id not in fh.read()
    assert subprocess.run(["pgrep", "-f", f"conmon.*{sandbox.id}"], capture_output=True).returncode == 1


def test_environment_routes_every_podman_call_into_the_sandbox(sandbox):
    """What `!podman` and subprocess see: the sandbox's graph root, via environment only."""
    out = subprocess.run(["podman", "info", "--format", "{{.Store.GraphRoot}}"], env=sandbox.full_env(),
                         capture_output=True, text=True, check=True).stdout.strip()
    assert out == str(sandbox.world.graphroot)


def test_killed_owner_is_reaped(classroom_up):
    """A kernel killed with SIGKILL: its reaper removes the sandbox and its containers."""
    child = subprocess.Popen([sys.executable, "-c", (
        "import time, subprocess\n"
        "from kernel_helpers.sandbox import Sandbox\n"
        "sb = Sandbox.create(kind='test').activate()\n"
        f"sb.podman('run', '-d', '--name', 'orphan', '{IMAGE}', 'sleep', '300', check=True)\n"
        "print(sb.id, flush=True)\n"
        "time.sleep(300)\n")], stdout=subprocess.PIPE, text=True, cwd=str(paths.repo_root()))
    sandbox_id = child.stdout.readline().strip()
    assert is_alive(sandbox_id)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    deadline = time.monotonic() + 30
    while (paths.sandboxes_dir() / sandbox_id).exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not (paths.sandboxes_dir() / sandbox_id).exists()


def test_reclaim_removes_sandboxes_of_dead_owners():
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    orphan = Sandbox.create(kind="test", owner_pid=int(dead))
    alive = Sandbox.create(kind="test")
    try:
        lines = reclaim()
        assert f"reclaimed sandbox {orphan.id}" in lines
        assert not orphan.dir.exists() and alive.dir.exists()
    finally:
        alive.remove()
        orphan.remove()


def test_removal_takes_the_networks_named_after_the_sandbox(make_sandbox, classroom_up):
    sandbox, other = make_sandbox(), make_sandbox()
    mine, theirs = f"course-{sandbox.id}", f"course-{other.id}"
    sandbox.podman("network", "create", mine, check=True)
    other.podman("network", "create", theirs, check=True)
    done = sandbox.remove()
    assert f"removed network {mine}" in done
    listed = other.podman("network", "ls", "--format", "{{.Name}}", check=True).stdout.split()
    assert mine not in listed and theirs in listed
