"""Rootless worlds on the real engine: the course user's containers, errors and clean-up."""

from __future__ import annotations

import os
import subprocess

import pytest

from kernel_helpers import rootless

pytestmark = pytest.mark.skipif(rootless.unavailable_reason() is not None,
                                reason=f"rootless: {rootless.unavailable_reason()}")
IMAGE = "registry.redhat.io/rhel8/httpd-24:latest"


def podman(world: rootless.RootlessWorld, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*world.prefix(), "podman", *args], capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL)


def test_rootless_world_is_private_and_owned_by_the_user(sandbox, classroom_up):
    world = rootless.world_for(sandbox.id)
    info = podman(world, "info", "--format", "{{.Host.Security.Rootless}} {{.Store.GraphRoot}}")
    assert info.returncode == 0, info.stderr
    assert info.stdout.split() == ["true", str(world.world.graphroot)]
    assert os.stat(world.files).st_uid == world.uid
    assert IMAGE in podman(world, "images", "--format", "{{.Repository}}:{{.Tag}}").stdout


def test_privileged_port_is_refused_and_a_high_port_works(sandbox, classroom_up):
    world = rootless.world_for(sandbox.id)
    low = podman(world, "run", "-d", "--name", "low", "-p", "80:8080", IMAGE)
    assert low.returncode != 0 and "cannot expose privileged port 80" in low.stderr
    port = sandbox.lease_ports(1)[0]
    high = podman(world, "run", "-d", "--name", "high", "-p", f"{port}:8080", IMAGE)
    assert high.returncode == 0, high.stderr
    uid_map = podman(world, "unshare", "cat", "/proc/self/uid_map").stdout.split()
    assert uid_map[:3] == ["0", str(world.uid), "1"]


def test_removing_the_sandbox_removes_the_rootless_world(make_sandbox, classroom_up):
    sandbox = make_sandbox()
    world = rootless.world_for(sandbox.id)
    assert podman(world, "run", "-d", "--name", "gone", IMAGE).returncode == 0
    pause = world.world.tmp_dir / "pause.pid"
    pid = int(pause.read_text())
    done = sandbox.remove()
    assert any("removed rootless rm" in line for line in done), done
    assert not world.base.exists() and not world.world.runroot.parent.exists()
    assert not os.path.exists(f"/proc/{pid}") or "Z" in open(f"/proc/{pid}/stat").read().split()[2]
