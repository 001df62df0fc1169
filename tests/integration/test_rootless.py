"""Rootless worlds on the real engine: the course user's containers, errors and clean-up.

As root, the kit's rootless course user (a second account) is tested. As an ordinary user the
learner IS the rootless user: the kernel's own sandbox is tested instead (the last two tests).
"""

from __future__ import annotations

import os
import pwd
import subprocess

import pytest

from kernel_helpers import classroom, rootless, rootless_account

IMAGE = "registry.redhat.io/rhel8/httpd-24:latest"
COURSE_USER_MARKS = (
    pytest.mark.needs_root("the kit's rootless course user (as an ordinary user, the learner's own "
                           "world is tested instead)"),
    pytest.mark.skipif(os.geteuid() == 0 and rootless_account.unavailable_reason() is not None,
                       reason=f"rootless: {rootless_account.unavailable_reason()}"))


def course_user(test):
    """A test of the kit's course user: as root, where that user can work."""
    for mark in COURSE_USER_MARKS:
        test = mark(test)
    return test
as_learner = pytest.mark.skipif(os.geteuid() == 0, reason="as root the course user's world is tested")


def podman(world: rootless.RootlessWorld, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*world.prefix(), "podman", *args], capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL)


@course_user
def test_rootless_world_is_private_and_owned_by_the_user(sandbox, classroom_up):
    world = rootless.world_for(sandbox.id)
    info = podman(world, "info", "--format", "{{.Host.Security.Rootless}} {{.Store.GraphRoot}}")
    assert info.returncode == 0, info.stderr
    assert info.stdout.split() == ["true", str(world.world.graphroot)]
    assert os.stat(world.files).st_uid == world.uid
    assert IMAGE in podman(world, "images", "--format", "{{.Repository}}:{{.Tag}}").stdout


@course_user
def test_privileged_port_is_refused_and_a_high_port_works(sandbox, classroom_up):
    world = rootless.world_for(sandbox.id)
    low = podman(world, "run", "-d", "--name", "low", "-p", "80:8080", IMAGE)
    assert low.returncode != 0 and "cannot expose privileged port 80" in low.stderr
    port = sandbox.lease_ports(1)[0]
    high = podman(world, "run", "-d", "--name", "high", "-p", f"{port}:8080", IMAGE)
    assert high.returncode == 0, high.stderr
    uid_map = podman(world, "unshare", "cat", "/proc/self/uid_map").stdout.split()
    assert uid_map[:3] == ["0", str(world.uid), "1"]


@course_user
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


def _subuid_starts() -> set[str]:
    """Where this user's subordinate uid ranges start, from /etc/subuid."""
    name = pwd.getpwuid(os.getuid()).pw_name
    return {start for user, start, *_ in (line.split(":") for line in open("/etc/subuid")
                                          if line.count(":") == 2) if user in (name, str(os.getuid()))}


@as_learner
def test_the_kernels_sandbox_is_the_learners_own_rootless_world(sandbox, classroom_up):
    info = sandbox.podman("info", "--format", "{{.Host.Security.Rootless}} {{.Store.GraphRoot}}")
    assert info.returncode == 0, info.stderr
    flag, graphroot = info.stdout.split()
    assert flag == "true" and os.stat(graphroot).st_uid == os.getuid()
    uid_map = sandbox.podman("unshare", "cat", "/proc/self/uid_map").stdout.split()
    assert uid_map[:3] == ["0", str(os.getuid()), "1"], uid_map
    assert uid_map[4] in _subuid_starts(), (uid_map, _subuid_starts())
    course_image = f"{classroom.pull_host()}/rhel8/httpd-24:latest"  # the shared course store
    assert course_image in sandbox.podman("images", "--format", "{{.Repository}}:{{.Tag}}").stdout


@as_learner
def test_the_learner_is_refused_a_privileged_port_and_gets_a_high_one(sandbox, classroom_up):
    low = sandbox.podman("run", "-d", "--name", "low", "-p", "80:8080", IMAGE, timeout=120)
    assert low.returncode != 0 and "cannot expose privileged port 80" in low.stderr, low.stderr
    port = sandbox.lease_ports(1)[0]
    high = sandbox.podman("run", "-d", "--name", "high", "-p", f"{port}:8080", IMAGE, timeout=120)
    assert high.returncode == 0, high.stderr
