"""Undo: the host-change record, the order of the uninstall steps, and each step's own checks."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from kernel_helpers import __main__ as cli
from kernel_helpers import doctor, hostchanges, paths, process, rootless, rootless_account, uninstall, userfs
from kernel_helpers.errors import KitError


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.STATE_ENV, str(tmp_path / "st"))
    monkeypatch.setenv(paths.RUNTIME_ENV, str(tmp_path / "rt"))


def test_a_host_change_is_recorded_once_private_and_whole():
    assert hostchanges.load() == {}
    assert hostchanges.record(hostchanges.TUN_MODE, "0660")
    assert not hostchanges.record(hostchanges.TUN_MODE, "0666")  # the original stays
    assert hostchanges.record("user:pc-t1", {"created": "now"})
    assert hostchanges.load() == {hostchanges.TUN_MODE: "0660", "user:pc-t1": {"created": "now"}}
    assert stat.S_IMODE(os.stat(hostchanges.path()).st_mode) == 0o600
    assert [p.name for p in hostchanges.path().parent.iterdir() if p.name.endswith(".tmp")] == []


def test_a_broken_record_reads_as_empty():
    paths.ensure(paths.state_dir())
    hostchanges.path().write_text("[1, 2")
    assert hostchanges.load() == {}


def test_tun_mode_is_recorded_before_ensure_user_changes_it(tmp_path, monkeypatch):
    tun = tmp_path / "tun"
    tun.write_text("")
    tun.chmod(0o640)
    user = pwd.struct_passwd(("pc-fake", "x", 54321, 54321, rootless_account.MARKER, str(tmp_path),
                              "/bin/false"))
    monkeypatch.setattr(rootless_account, "TUN", tun)
    monkeypatch.setattr(rootless_account, "account", lambda: user)
    monkeypatch.setattr(rootless_account, "_has_range", lambda path, name: True)
    monkeypatch.setattr(rootless.os, "geteuid", lambda: 0)
    monkeypatch.setattr(userfs, "make_owned_dir", lambda *a, **k: None)  # /run/user/54321
    seen = []
    real = hostchanges.record
    monkeypatch.setattr(hostchanges, "record",
                        lambda k, v: seen.append((k, v, stat.S_IMODE(tun.stat().st_mode))) or real(k, v))
    done = rootless_account.ensure_user()
    assert seen == [(hostchanges.TUN_MODE, "0640", 0o640)]  # recorded while still 0640
    assert stat.S_IMODE(tun.stat().st_mode) == 0o666
    assert any("chmod 0666" in line for line in done)
    tun.chmod(0o660)  # a later run sees another mode: the first record stays
    rootless_account.ensure_user()
    assert hostchanges.load()[hostchanges.TUN_MODE] == "0640"
    assert uninstall.restore_tun(hostchanges.load(), tun) == [
        f"restored {tun} to its original mode 0640 (was 0666)"]
    assert stat.S_IMODE(tun.stat().st_mode) == 0o640
    assert "already has its original mode" in uninstall.restore_tun(hostchanges.load(), tun)[0]
    assert "not changed by the kit" in uninstall.restore_tun({}, tun)[0]


def test_rootless_turned_off_makes_nothing_and_says_why(monkeypatch):
    monkeypatch.setenv(rootless_account.ROOTLESS_ENV, "0")
    monkeypatch.setenv(rootless_account.USER_ENV, "no-such-user-kh")
    monkeypatch.setattr(process, "run", lambda *a, **k: pytest.fail("must not run a command"))
    assert rootless_account.ensure_user() == []
    assert rootless_account.unavailable_reason() == \
        "rootless lessons are turned off (PODMAN_COURSE_ROOTLESS=0)"
    report = doctor.Report()
    doctor.check_rootless(report)
    assert (report.checks[0].name, report.checks[0].status) == ("rootless user", "info")
    assert report.checks[0].finding == rootless_account.OFF_REASON
    assert report.healthy


def test_uninstall_runs_every_step_in_order_even_after_a_failure(monkeypatch):
    hostchanges.record(hostchanges.TUN_MODE, "0660")
    calls, out = [], []

    def step(name, fail=False):
        def run(*args):
            calls.append((name, args))
            if fail:
                raise RuntimeError(f"{name} broke")
            return [f"{name} done"]
        return run

    monkeypatch.setattr(uninstall, "stop_hub", step("hub"))
    monkeypatch.setattr(uninstall, "stop_classroom", step("classroom"))
    monkeypatch.setattr(uninstall, "reclaim_sandboxes", step("sandboxes", fail=True))
    monkeypatch.setattr(uninstall, "remove_users", step("users"))
    monkeypatch.setattr(uninstall, "remove_learners", step("learners"))
    monkeypatch.setattr(uninstall, "_remove_learner_cgroups", step("cgroups"))
    monkeypatch.setattr(uninstall, "restore_tun", step("tun"))
    monkeypatch.setattr(uninstall, "restore_registry_service", step("service"))
    monkeypatch.setattr(uninstall, "remove_folders", step("folders"))
    assert uninstall.run(out.append) == 1
    assert [name for name, _ in calls] == ["hub", "classroom", "sandboxes", "users", "learners",
                                           "cgroups", "tun", "service", "folders"]
    record = {hostchanges.TUN_MODE: "0660"}  # read before any step, passed to those that need it
    assert calls[3][1] == (record,) and calls[4][1] == (record,) and calls[5][1] == (record,) \
        and calls[6][1] == (record,)
    assert out[0] == "hub: hub done"
    assert out[2] == "sandboxes: FAILED: sandboxes broke"
    assert out[-1] == "uninstall: 8 of 9 steps done; failed: sandboxes"


def test_uninstall_verb_exit_status(monkeypatch, capsys):
    monkeypatch.setattr(uninstall, "steps", lambda record: [("one", lambda: ["did it"])])
    assert cli.main(["uninstall"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "one: did it", "uninstall: all 1 steps done; the host is back as before the kit"]


def test_remove_folders_removes_state_and_runtime_but_refuses_odd_ones(monkeypatch, tmp_path):
    for folder in (paths.state_dir() / "sandboxes", paths.runtime_dir() / "u"):
        folder.mkdir(parents=True)
    os.symlink(tmp_path, paths.state_dir() / "planted")  # rmtree must not follow it
    (tmp_path / "keep").write_text("x")
    assert uninstall.remove_folders() == [f"removed {paths.runtime_dir()}", f"removed {paths.state_dir()}"]
    assert not paths.state_dir().exists() and (tmp_path / "keep").exists()
    assert uninstall.remove_folders() == [f"no folder {paths.runtime_dir()}",
                                          f"no folder {paths.state_dir()}"]
    for odd in ("/", "/tmp", str(Path.home())):
        monkeypatch.setenv(paths.STATE_ENV, odd)
        with pytest.raises(Exception, match="refusing to remove"):
            uninstall._check_removable(paths.state_dir())


def test_a_user_the_kit_did_not_make_is_kept():
    root = pwd.getpwuid(0).pw_name
    assert uninstall.remove_user(root) == [f"kept user {root}: the kit did not make it"]
    assert uninstall.remove_user("no-such-user-kh") == ["no course user no-such-user-kh"]


def test_recorded_users_are_removed_too(monkeypatch, root_mode):
    hostchanges.record("user:pc-t-old", {"created": "x"})
    monkeypatch.setenv(rootless_account.USER_ENV, "pc-t-now")
    seen = []
    monkeypatch.setattr(uninstall, "remove_user", lambda name: seen.append(name) or [])
    uninstall.remove_users(hostchanges.load())
    assert seen == ["pc-t-now", "pc-t-old"]


def test_an_isolated_state_keeps_the_shared_default_account(monkeypatch, root_mode):
    monkeypatch.delenv(rootless_account.USER_ENV, raising=False)
    monkeypatch.setenv(paths.STATE_ENV, "/tmp/some-isolated-state")
    seen = []
    monkeypatch.setattr(uninstall, "remove_user", lambda name: seen.append(name) or [])
    uninstall.remove_users({"user:pc-t-mine": {"created": "x"}})
    assert seen == ["pc-t-mine"]
    monkeypatch.delenv(paths.STATE_ENV)
    seen.clear()
    uninstall.remove_users({})
    assert seen == [rootless_account.DEFAULT_USER]


def test_recorded_learners_are_removed_with_the_learner_marker(monkeypatch):
    from kernel_helpers.hub import accounts
    record = {"learner:pch-x2": {}, "learner:pch-x1": {}, "user:pc-t-old": {}}
    seen = []
    monkeypatch.setattr(uninstall, "remove_user", lambda name, marker: seen.append((name, marker)) or [])
    assert uninstall.remove_learners(record) == ["no learner accounts"]
    assert seen == [("pch-x1", accounts.MARKER), ("pch-x2", accounts.MARKER)]


def test_a_learner_account_is_not_a_course_user_and_the_reverse():
    from kernel_helpers.hub import accounts
    root = pwd.getpwuid(0).pw_name
    assert uninstall.remove_user(root, accounts.MARKER) == [f"kept user {root}: the kit did not make it"]


def test_subid_lines_are_dropped_for_that_name_only(tmp_path):
    subuid = tmp_path / "subuid"
    subuid.write_text("alice:100000:65536\npc-t1:165536:65536\npc-t10:231072:65536\n")
    subuid.chmod(0o644)
    assert uninstall._drop_subid_lines(str(subuid), "pc-t1")
    assert subuid.read_text() == "alice:100000:65536\npc-t10:231072:65536\n"
    assert stat.S_IMODE(subuid.stat().st_mode) == 0o644
    assert not uninstall._drop_subid_lines(str(subuid), "pc-t1")
    assert rootless_account.subid_ranges(str(subuid), "pc-t10") == [range(231072, 296608)]


def test_record_is_json_with_sorted_keys():
    hostchanges.record("b", 1)
    hostchanges.record("a", 2)
    assert list(json.loads(hostchanges.path().read_text())) == ["a", "b"]


def test_make_uninstall_needs_no_venv():
    if shutil.which("make") is None:
        pytest.skip("no make")
    root = paths.repo_root()
    dry = subprocess.run(["make", "-n", "-C", str(root), "uninstall", "VENV=/nonexistent"],
                         capture_output=True, text=True, timeout=30)
    assert "PYTHONPATH=. python3 -m kernel_helpers uninstall" in dry.stdout, dry.stdout + dry.stderr


@pytest.mark.needs_root("a root-owned record of Debian's registry service (uninstall acts on no other)")
def test_the_registry_service_is_enabled_and_started_again_as_recorded(tmp_path, monkeypatch):
    monkeypatch.setenv("PODMAN_COURSE_STATE", str(tmp_path))
    record = tmp_path / "host-changes.d" / "docker-registry-service"
    ran = []
    monkeypatch.setattr(uninstall.process, "run", lambda argv, timeout, check: ran.append(argv))
    assert "not changed by the kit" in uninstall.restore_registry_service()[0]
    record.parent.mkdir()
    record.write_text("init=sysv was_running=no was_enabled=yes when=2026-12-01T00:00:00Z "
                      "undo=update-rc.d docker-registry enable\n")
    record.chmod(0o644)
    lines = uninstall.restore_registry_service()
    assert len(lines) == 1 and "enabled" in lines[0] and ran and ran[0][-1] in ("enable", "docker-registry")
    record.chmod(0o666)  # writable by anyone: root does not act on it
    with pytest.raises(KitError, match="not root's own file"):
        uninstall.restore_registry_service()
