"""Limits per learner: the cgroup pair root makes, the script the spawner starts through."""

from __future__ import annotations

import os
import pwd
import subprocess

import pytest

from kernel_helpers import hostchanges
from kernel_helpers.errors import KitError
from kernel_helpers.hub import limits, resources

ME = pwd.getpwuid(os.getuid()).pw_name


@pytest.fixture
def fake_root(tmp_path, monkeypatch):
    """A cgroup v1 tree in a folder: a cgroup.procs file per controller."""
    monkeypatch.setenv("PODMAN_COURSE_STATE", str(tmp_path / "state"))
    root = tmp_path / "cgroup"
    for controller in limits.CONTROLLERS:
        (root / controller).mkdir(parents=True)
        (root / controller / "cgroup.procs").write_text("")
    return root


def _as_a_kernel_would(root):
    """Files the kernel makes in a new cgroup (a plain folder has none)."""
    for controller in limits.CONTROLLERS:
        mine = limits.folder(controller, ME, root)
        mine.mkdir(parents=True, exist_ok=True)
        for name in ("cgroup.procs", "tasks"):
            (mine / name).write_text("")


def test_prepare_sets_both_limits_and_records_the_host_change(fake_root, monkeypatch):
    monkeypatch.setenv(limits.MEMORY_ENV, "256")
    monkeypatch.setenv(limits.PIDS_ENV, "100")
    _as_a_kernel_would(fake_root)
    [said] = limits.prepare(ME, fake_root)
    assert said.startswith(f"memory 256 MiB, 100 processes for {ME}")
    assert (limits.folder("pids", ME, fake_root) / "pids.max").read_text() == "100"
    assert (limits.folder("memory", ME, fake_root) / "memory.limit_in_bytes").read_text() \
        == str(256 * 1024 * 1024)
    assert hostchanges.load()[f"cgroup:{limits.GROUP}/{ME}"]["root"] == str(fake_root)
    assert (limits.folder("pids", ME, fake_root) / "cgroup.procs").stat().st_uid == os.getuid()


def test_no_cgroup_v1_is_said_and_nothing_is_made(tmp_path):
    [said] = limits.prepare(ME, tmp_path)
    assert said.startswith(f"no per-learner memory/pids limit for {ME}")
    assert list(tmp_path.iterdir()) == []


def test_a_folder_the_kit_did_not_make_is_not_touched(fake_root, monkeypatch):
    monkeypatch.setattr(limits.os, "geteuid", lambda: os.getuid() + 1)
    with pytest.raises(KitError, match="not made by the kit"):
        limits.prepare(ME, fake_root)


@pytest.mark.parametrize("raw", ["lots", "0", "-5"])
def test_a_bad_limit_is_a_clear_error(monkeypatch, raw):
    monkeypatch.setenv(limits.PIDS_ENV, raw)
    with pytest.raises(KitError, match=limits.PIDS_ENV):
        limits.pids()


def test_the_spawner_command_joins_the_cgroups_then_runs(fake_root):
    _as_a_kernel_would(fake_root)
    script = limits.join_script(fake_root)
    done = subprocess.run(["/bin/sh", "-c", script, "echo started $$"], capture_output=True,
                          text=True, timeout=30)
    assert done.returncode == 0 and done.stderr == ""
    pid = done.stdout.split()[-1]
    for controller in limits.CONTROLLERS:  # the same process: exec, not a child
        assert (limits.folder(controller, ME, fake_root) / "cgroup.procs").read_text().strip() == pid


def test_without_the_cgroups_the_server_still_starts_and_the_log_says_why(tmp_path):
    done = subprocess.run(["/bin/sh", "-c", limits.join_script(tmp_path), "echo started"],
                          capture_output=True, text=True, timeout=30)
    assert done.stdout == "started\n"
    assert f"course: no pids limit for {ME}" in done.stderr


def test_uninstall_removes_only_what_was_recorded(fake_root):
    assert limits.remove_all({}) == []
    for controller in limits.CONTROLLERS:  # empty cgroups (the kernel's files are not real files)
        limits.folder(controller, ME, fake_root).mkdir(parents=True)
        limits.folder(controller, "someone-else", fake_root).mkdir(parents=True)  # another state's
    made = {"root": str(fake_root), "controllers": ["pids", "memory"]}
    said = limits.remove_all({f"cgroup:{limits.GROUP}/{ME}": made})
    assert [line.split()[0] for line in said] == ["removed", "removed", "kept", "kept"], said
    assert not limits.folder("pids", ME, fake_root).exists()
    assert limits.folder("pids", "someone-else", fake_root).is_dir()
    said = limits.remove_all({f"cgroup:{limits.GROUP}/someone-else": made})
    assert not (fake_root / "pids" / limits.GROUP).exists() and len(said) == 4


def test_the_hub_gets_the_join_and_a_shown_memory_limit():
    settings = resources.spawner_settings()
    assert settings["shell_cmd"][:2] == ["/bin/sh", "-c"]
    assert "cgroup.procs" in settings["shell_cmd"][2]
    assert settings["mem_limit"] == f"{limits.memory_mb()}M"
    assert eval(repr(settings)) == settings  # the hub's config file holds them as literals
