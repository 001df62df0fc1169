"""The runner's decisions (stdin, -t, streaming, timeouts), without podman."""

from __future__ import annotations

import os

import pytest

from kernel_helpers import runner
from kernel_helpers.errors import KitError


def test_it_becomes_i_with_the_cell_as_input():
    prepared = runner.prepare("podman", ["run", "-it", "--name", "x", "img", "ls", "-t"], "ps -ef\n")
    assert prepared.run_argv == ["podman", "run", "-i", "--name", "x", "img", "ls", "-t"]
    assert prepared.stdin == "ps -ef\n"
    assert any("-t dropped" in note for note in prepared.notes)


def test_tty_alone_is_kept_and_stdin_is_closed():
    prepared = runner.prepare("podman", ["run", "-t", "img", "uname"], None)
    assert prepared.run_argv == ["podman", "run", "-t", "img", "uname"]
    assert prepared.stdin is None and not prepared.notes


def test_interactive_without_cell_gets_empty_input_and_a_note():
    prepared = runner.prepare("podman", ["exec", "-it", "web", "bash"], None)
    assert prepared.run_argv == ["podman", "exec", "-i", "web", "bash"]
    assert prepared.stdin == ""
    assert any("%%podman" in note for note in prepared.notes)


def test_start_attach_interactive():
    prepared = runner.prepare("podman", ["start", "-ai", "rhel7"], "exit\n")
    assert prepared.stdin == "exit\n"


@pytest.mark.parametrize("args, streaming", [
    (["events"], True), (["events", "--stream=false"], False), (["stats"], True),
    (["stats", "--no-stream"], False), (["logs", "-f", "web"], True), (["logs", "web"], False),
    (["attach", "web"], True), (["ps"], False), (["container", "stats"], True),
])
def test_streaming_commands(args, streaming):
    assert runner.is_streaming("podman", args) is streaming


@pytest.mark.parametrize("args", [["network", "prune", "-f"], ["system", "prune", "-af"],
                                  ["system", "reset"]])
def test_commands_that_touch_shared_networks_are_refused(args):
    assert "shared by every sandbox" in runner.refusal("podman", args)


def test_ordinary_prunes_are_allowed():
    assert runner.refusal("podman", ["container", "prune", "-f"]) is None
    assert runner.refusal("podman", ["image", "prune", "-af"]) is None


def test_skopeo_gets_the_sandbox_registries_conf(fake_podman):
    env = dict(os.environ, CONTAINERS_REGISTRIES_CONF="/sb/registries.conf")
    result = runner.run("skopeo", ["--version"], env=env)
    assert result.argv[:3] == ["skopeo", "--registries-conf", "/sb/registries.conf"]
    assert result.shown_argv == ["skopeo", "--version"]


def test_start_i_without_attach_says_the_cell_is_not_read():
    prepared = runner.prepare("podman", ["start", "-i", "rhel7"], "exit\n")
    assert any("does not attach" in note for note in prepared.notes)


@pytest.fixture
def floor_state(monkeypatch, tmp_path):
    """A state folder that does not exist yet, and an absurdly high disk floor."""
    monkeypatch.setenv("PODMAN_COURSE_STATE", str(tmp_path / "not" / "yet"))
    monkeypatch.setenv(runner.MIN_FREE_ENV, str(10**12))
    return tmp_path


@pytest.mark.parametrize("args", [
    ["run", "--rm", "img", "true"], ["create", "img"], ["start", "web"], ["build", "."],
    ["pull", "img"], ["restart", "web"], ["commit", "web", "x"], ["import", "t.tar"],
    ["load", "-i", "t.tar"], ["container", "run", "img"], ["image", "pull", "img"],
    ["--log-level", "debug", "run", "img"],
])
def test_commands_that_fill_the_disk_are_refused_below_the_floor(floor_state, args):
    message = runner.refusal("podman", args)
    assert message.startswith("only ") and f"MiB free under {floor_state} " in message
    assert "(the kit needs at least 1000000000000 MiB)" in message
    assert "\n" not in message


@pytest.mark.parametrize("args", [["ps", "-a"], ["images"], ["rm", "-f", "web"], ["logs", "web"],
                                  ["network", "create", "n"], ["volume", "create", "v"]])
def test_other_commands_run_below_the_floor(floor_state, args):
    assert runner.refusal("podman", args) is None
    assert runner.refusal("skopeo", ["copy", "a", "b"]) is None


def test_the_floor_defaults_to_1_gib_and_can_be_lowered(monkeypatch, tmp_path):
    monkeypatch.setenv("PODMAN_COURSE_STATE", str(tmp_path))
    monkeypatch.delenv(runner.MIN_FREE_ENV, raising=False)
    assert runner.min_free_mb() == 1024
    monkeypatch.setenv(runner.MIN_FREE_ENV, "0")
    assert runner.refusal("podman", ["run", "img"]) is None


def test_a_bad_floor_is_a_clear_error(monkeypatch):
    monkeypatch.setenv(runner.MIN_FREE_ENV, "lots")
    with pytest.raises(KitError, match="PODMAN_COURSE_MIN_FREE_MB='lots' is not a whole number"):
        runner.min_free_mb()


def test_the_magic_refuses_in_one_line_without_running_podman(floor_state, fake_podman):
    from kernel_helpers.magics import PodmanMagics

    result = PodmanMagics(shell=None)._run("podman", "run --rm img true", None)
    assert result.returncode == -1 and not result.ok
    assert result.stderr.startswith("not run: only ") and "\n" not in result.stderr
    assert fake_podman.calls() == []
