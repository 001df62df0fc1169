"""Sandbox removal when podman fails: the sandbox is kept whole (leases, folders) and reported."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

from kernel_helpers import ports, rootless, sandbox
from kernel_helpers.errors import ToolMissing
from kernel_helpers.process import Completed
from kernel_helpers.sandbox import Sandbox


class Podman:
    """Stands in for ``Sandbox.podman``: answers per subcommand, records every call."""

    def __init__(self):
        self.calls: list[tuple[str, ...]] = []
        self.rm = (0, "", "")           # (returncode, stdout, stderr), "timeout" or an exception
        self.ps = (0, "", "")

    def __call__(self, *args, timeout=60, check=False):
        self.calls.append(args)
        answer = {"ps": self.ps, "rm": self.rm}.get(args[0], (0, "", ""))
        if isinstance(answer, Exception):
            raise answer
        if answer == "timeout":  # as process.run gives it: the group was stopped
            return Completed(["podman", *args], -2, timed_out=True, timeout=timeout)
        code, out, err = answer
        return Completed(["podman", *args], code, out, err)


@pytest.fixture
def podman(monkeypatch, tmp_path):
    runtime = tempfile.mkdtemp(prefix="sbrm")  # run roots must stay short (engine.MAX_RUNROOT)
    monkeypatch.setenv("PODMAN_COURSE_STATE", str(tmp_path / "state"))
    monkeypatch.setenv("PODMAN_COURSE_RUNTIME", runtime)
    monkeypatch.setenv("PODMAN_COURSE_PORT_POOL", "38150-38169")
    # never touch the machine's course user from a unit test
    monkeypatch.setattr(rootless, "remove_world", lambda sandbox_id: [])
    monkeypatch.setattr(rootless, "stop_idle_user_processes", lambda live: [])
    fake = Podman()
    monkeypatch.setattr(Sandbox, "podman", lambda sb, *args, **kwargs: fake(*args, **kwargs))
    yield fake
    shutil.rmtree(runtime, ignore_errors=True)


def dead_sandbox() -> Sandbox:
    """A sandbox whose owner is gone (pid 1's start time will not match), with two leases."""
    sb = Sandbox.create(kind="test")
    owner = sb.dir / sandbox.OWNER_FILE
    owner.write_text(owner.read_text().replace(f'"pid": {os.getpid()}', '"pid": 999999999'))
    assert not sandbox.is_alive(sb.id)
    sb.lease_ports(2)
    return sb


@pytest.mark.parametrize("failure, reason", [
    ((125, "", "Error: cannot remove container 0123: device or resource busy"), "exited 125"),
    ("timeout", "timed out after 90 s"),
    (ToolMissing("podman"), "podman is not installed"),
])
def test_a_failed_rm_keeps_leases_and_folders(podman, failure, reason):
    sb = dead_sandbox()
    held = sorted(ports.leases(sb.id))
    podman.rm = failure
    podman.ps = (0, "0123456789abcdef\n", "")
    lines = sb.remove()
    assert sb.dir.is_dir() and sb.world.runroot.is_dir()
    assert sorted(ports.leases(sb.id)) == held
    assert sandbox.is_kept(sb.id)
    assert any(reason in line for line in lines), lines
    assert any("containers still there: 0123456789ab" in line for line in lines), lines
    assert lines[-1].startswith(f"kept sandbox {sb.id}")


def test_containers_left_after_a_zero_exit_keep_the_sandbox(podman):
    sb = dead_sandbox()
    podman.ps = (0, "feedbeef\n", "")
    assert any("containers still there" in line for line in sb.remove())
    assert sb.dir.is_dir() and ports.leases(sb.id)


def test_a_failing_ps_keeps_the_sandbox_too(podman):
    sb = dead_sandbox()
    podman.ps = (125, "", "Error: database is locked")
    assert any("cannot tell" in line for line in sb.remove())
    assert sb.dir.is_dir() and ports.leases(sb.id)


def test_clean_reports_a_kept_sandbox_then_removes_it_once_podman_works(podman):
    sb = dead_sandbox()
    held = sorted(ports.leases(sb.id))
    podman.rm = (125, "", "Error: some container is stuck")
    lines = sandbox.reclaim()
    assert any(line.startswith(f"could not remove sandbox {sb.id}") and "stuck" in line
               for line in lines), lines
    assert not any(line.startswith("reclaimed") for line in lines)
    assert sorted(ports.leases(sb.id)) == held  # not released as "stale" either
    podman.rm = (0, "0123456789abcdef\n", "")
    lines = sandbox.reclaim()
    assert f"reclaimed sandbox {sb.id}" in lines
    assert not sb.dir.exists() and not sb.world.runroot.parent.exists()
    assert ports.leases() == {}


def test_a_successful_remove_releases_everything(podman):
    sb = Sandbox.create(kind="test")
    port = sb.lease_ports(1)[0]
    podman.rm = (0, "abcdef0123456789\n", "")
    lines = sb.remove()
    assert "removed rm abcdef012345" in lines and f"released ports [{port}]" in lines
    assert not sb.dir.exists() and ports.holder(port) is None
    assert not (sb.dir.parent / f".{sb.id}.lock").exists()
    assert sb.remove() == []  # idempotent


def test_clean_leaves_a_sandbox_being_created_alone(podman):
    half = sandbox.paths.ensure(sandbox.paths.sandboxes_dir() / "kernel-1-abcdef" / "conf")
    assert sandbox.reclaim() == ["nothing to reclaim"]
    assert half.is_dir()
    old = half.parent.stat().st_mtime - sandbox.CREATE_GRACE - 1
    os.utime(half.parent, (old, old))
    assert sandbox.reclaim() == ["reclaimed sandbox kernel-1-abcdef"]


def test_live_ids_lists_only_running_owners(podman):
    mine = Sandbox.create(kind="test")
    dead = dead_sandbox()
    assert sandbox.live_ids() == [mine.id]
    assert dead.id in sandbox.all_ids()


def test_umount_has_a_timeout_and_a_stuck_one_does_not_stop_the_rest(monkeypatch, tmp_path):
    root = tmp_path / "sb"
    info = tmp_path / "mountinfo"
    info.write_text(f"1 2 0:1 / {root}/a rw - tmpfs x rw\n1 2 0:1 / {root}/a/b rw - tmpfs x rw\n"
                    "1 2 0:1 / /elsewhere rw - tmpfs x rw\n")
    seen = []

    def run(argv, **kwargs):
        seen.append((argv[-1], kwargs.get("timeout")))
        return Completed(argv, -2, timed_out=True, timeout=kwargs["timeout"])

    monkeypatch.setattr(sandbox.process, "run", run)
    sandbox._unmount_under(root, mountinfo=str(info))
    assert seen == [(f"{root}/a/b", 30), (f"{root}/a", 30)]


def test_the_reaper_retries_a_failed_removal(monkeypatch, podman):
    from kernel_helpers import reaper

    sb = dead_sandbox()
    podman.rm = (125, "", "Error: busy")
    attempts = []
    real = Sandbox.remove

    def remove(self):
        attempts.append(self.id)
        if len(attempts) == 3:  # podman works again at the third attempt
            podman.rm = (0, "", "")
        return real(self)

    monkeypatch.setattr(Sandbox, "remove", remove)
    reaper.watch(sb.id, 999999999, retries=(0, 0, 0, 0))
    assert attempts == [sb.id] * 3
    assert not sb.dir.exists() and ports.leases() == {}
