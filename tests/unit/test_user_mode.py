"""User mode: the rootless lessons run as the learner, root-only steps are one-line skips."""

from __future__ import annotations

import os
import pwd
from pathlib import Path

import pytest

from kernel_helpers import lesson, paths, privilege, process, rootless, rootless_account, userfs
from kernel_helpers.labs import lifecycle, loader
from kernel_helpers.results import CommandResult
from kernel_helpers.sandbox import Sandbox
from kernel_helpers.systemd_host import SystemdHost

LEARNER = pwd.getpwnam("nobody")


@pytest.fixture
def as_learner(monkeypatch, tmp_path):
    monkeypatch.setattr(os, "geteuid", lambda: LEARNER.pw_uid)
    monkeypatch.setenv(paths.STATE_ENV, str(tmp_path / "state"))
    monkeypatch.setenv(paths.RUNTIME_ENV, "/tmp/pcr")
    monkeypatch.setenv(rootless_account.USER_ENV, "someone-else")  # ignored in user mode
    monkeypatch.setattr(privilege, "sudo_works", lambda: False)
    return LEARNER


def test_the_rootless_user_is_the_learner(as_learner):
    assert rootless_account.user_name() == "nobody"
    assert rootless_account.kit_account().pw_uid == LEARNER.pw_uid  # its GECOS is not the kit's marker
    reason = rootless_account.unavailable_reason() or ""
    assert "not made by the kit" not in reason and "make setup" not in reason
    assert rootless_account.ensure_user() == []  # nothing to create, nothing recorded


def test_the_learners_rootless_world_runs_without_runuser(as_learner):
    world = rootless._world_paths("kernel-42-abcdef", Path(LEARNER.pw_dir))
    rw = rootless.RootlessWorld("kernel-42-abcdef", world, "nobody", LEARNER.pw_uid, Path(LEARNER.pw_dir))
    argv = rw.prefix()
    assert "runuser" not in argv and argv[:4] == ["env", "-i", "-C", str(rw.files)]
    assert dict(a.split("=", 1) for a in argv[4:])["USER"] == "nobody"
    assert rw.anchor == Path("/") and rw.below(rw.base) == rw.base.relative_to("/")


def test_the_rootless_world_never_shares_the_sandboxs_storage(as_learner):
    sandbox = Sandbox.for_id("kernel-42-abcdef")
    world = rootless._world_paths(sandbox.id, Path(LEARNER.pw_dir))
    assert world.graphroot == sandbox.dir / "rootless" / "storage"
    assert world.graphroot != sandbox.world.graphroot and world.conf_dir != sandbox.world.conf_dir
    assert world.runroot.parent != sandbox.world.runroot.parent
    # its shared store (the notebooks' image names) is the learner's, beside the kit's own
    store = rootless._store_world(Path(LEARNER.pw_dir))
    assert store.graphroot == paths.state_dir() / "rootless-images" / "storage" != paths.image_store()


def test_the_root_mode_world_still_goes_through_runuser(monkeypatch):
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    world = rootless._world_paths("kernel-42-abcdef", Path("/home/u"))
    rw = rootless.RootlessWorld("kernel-42-abcdef", world, "u", 1234, Path("/home/u"))
    assert rw.prefix()[:4] == ["runuser", "-u", "u", "--"] and rw.anchor == Path("/home/u")


def test_userfs_runs_as_the_learner_directly(as_learner, monkeypatch):
    seen = []
    monkeypatch.setattr(process, "run", lambda argv, **kw: seen.append(argv))
    userfs.as_user("nobody", ["tar", "-x"])
    userfs.as_user("root", ["tar", "-x"])
    assert seen == [["tar", "-x"], ["runuser", "-u", "root", "--", "tar", "-x"]]


def test_a_skipped_systemd_host_answers_every_command_in_one_line(as_learner, monkeypatch):
    monkeypatch.setattr(process, "run", lambda *a, **k: pytest.fail("nothing may run"))
    host = SystemdHost.start(env={})
    assert host.skipped.startswith("skipped: ") and "you are nobody" in host.skipped
    for result in (host("systemctl is-system-running"), host.sh("echo hi", user="webadmin"),
                   host.write("/etc/x.conf", "x\n", user="webadmin"), host.started):
        assert result.is_skipped and not result.ok
        assert result.to_text() == host.skipped and "\n" not in result.to_text()
        assert "skipped:" in result._repr_html_()
    host.remove()  # nothing to remove, nothing run
    assert repr(host) == host.skipped


def test_waiting_on_a_skipped_command_returns_at_once(as_learner):
    skipped = CommandResult.skipped("podman", ["exec", "h", "true"], "skipped: needs root")
    calls = []

    def ask():
        calls.append(1)
        return skipped

    assert lesson.wait_until(ask, until=lambda r: r.ok, timeout=30) is skipped
    assert calls == [1]


def test_a_lab_that_needs_the_systemd_host_says_so_at_start(as_learner):
    lab = loader.get("07-user-unit")
    refused = lifecycle.needs_root(lab)
    assert refused is not None and "\n" not in refused.to_text()
    assert refused.to_text().startswith("skipped: ") and "07-user-unit needs root" in refused.to_text()
    assert not refused.passed
    assert lifecycle.needs_root(loader.get("04-rootless-port")) is None


def test_root_mode_labs_need_nothing_more(monkeypatch):
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    assert lifecycle.needs_root(loader.get("07-root-unit")) is None


def test_user_mode_removes_container_files_inside_the_user_namespace(monkeypatch, tmp_path):
    (tmp_path / "a").mkdir()
    calls = []
    monkeypatch.setattr(process, "run", lambda argv, **kw: calls.append(argv)
                        or process.Completed(argv, 0, "", ""))
    assert userfs.remove_as_learner([tmp_path / "a", tmp_path / "gone"]) is None
    assert calls == [["unshare", "--map-auto", "--map-root-user", "rm", "-rf", "--", str(tmp_path / "a")]]
    monkeypatch.setattr(process, "run", lambda argv, **kw: process.Completed(argv, 1, "", "rm: denied"))
    assert "unshare rm failed" in userfs.remove_as_learner([tmp_path / "a"])
    assert userfs.remove_as_learner([tmp_path / "gone"]) is None


def test_root_step_is_silent_as_root_and_one_line_for_the_learner(monkeypatch, capsys, as_learner):
    assert lesson.root_step("packet-filters") is False
    line = capsys.readouterr().out
    assert line.startswith("skipped: ") and line.count("\n") == 1
    assert lesson.root_step("root-containers") is False
    assert capsys.readouterr().out.startswith("rootless-equivalent: ")
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    assert lesson.root_step("packet-filters") is True and capsys.readouterr().out == ""


def test_each_user_mode_sandbox_has_its_own_runtime_folder_and_pause_process(as_learner):
    sandbox = Sandbox.for_id("kernel-42-abcdef")
    run = sandbox.world.runroot.parent
    assert sandbox.env["XDG_RUNTIME_DIR"] == str(run)  # rootless podman's run root and pause
    assert sandbox.world.runroot == run / "containers" and sandbox.world.tmp_dir == run / "tmp"
    assert sandbox.env[paths.RUNTIME_ENV] == "/tmp/pcr"  # the kit's own folder does not move


def test_root_mode_sandboxes_keep_their_run_root(monkeypatch, tmp_path):
    monkeypatch.setenv(paths.STATE_ENV, str(tmp_path))  # root's default state is not ours to read
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    sandbox = Sandbox.for_id("kernel-42-abcdef")
    assert "XDG_RUNTIME_DIR" not in sandbox.env and sandbox.world.runroot.name == "run"


def test_a_privileged_port_an_ordinary_user_cannot_bind_is_free_unless_one_listens(tmp_path, monkeypatch):
    from kernel_helpers import ports
    (tmp_path / "net").mkdir()
    (tmp_path / "net" / "tcp").write_text(
        "  sl  local_address rem_address   st tx_queue:rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
        "   0: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4101\n"
        "   1: 0100007F:01BB 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 4102\n"
        "   2: 0A00020F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4103\n")
    # port 80 LISTEN on all addresses; 443 ESTABLISHED only; 8080 LISTEN on 10.0.2.15 (no loopback)
    assert ports.listening(80, tmp_path) and not ports.listening(443, tmp_path)
    assert ports.listening(8080, tmp_path)

    class Refused:
        def __init__(self, *a):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *a):
            return False

        def setsockopt(self, *a):
            pass

        def bind(self, address):
            raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(ports.socket, "socket", Refused)
    monkeypatch.setattr(ports, "listening", lambda port: port == 80)
    assert ports.is_bindable(81) and not ports.is_bindable(80)


def test_commands_naming_a_skipped_systemd_host_say_why_in_one_line(as_learner, monkeypatch):
    from kernel_helpers import commands, systemd_host
    monkeypatch.setattr(systemd_host, "_SKIPPED", {})
    assert lifecycle.needs_root(loader.get("07-root-unit")) is not None
    result = commands.run_args("podman", ["exec", "-i", "lab-systemd-host", "bash"],
                               "systemctl daemon-reload\n")
    assert result.is_skipped and "07-root-unit needs root" in result.to_text()
    assert systemd_host.skipped_reason(["ps", "-a"]) is None
