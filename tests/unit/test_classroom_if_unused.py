"""`classroom down --if-unused`: stop the classroom only when nobody else uses it."""

from __future__ import annotations

import fcntl
import os

import pytest

from kernel_helpers import __main__ as cli
from kernel_helpers import classroom, locks, sandbox


@pytest.fixture
def stops(monkeypatch, tmp_path):
    """Private lock folder; records calls of classroom.down; no live sandbox by default."""
    monkeypatch.setenv("PODMAN_COURSE_STATE", str(tmp_path))
    calls = []

    def down():
        calls.append("down")
        return classroom.Status(running=False, pull_url="http://x", push_url="http://y")

    monkeypatch.setattr(classroom, "down", down)
    monkeypatch.setattr(sandbox, "live_ids", lambda: [])
    return calls


def other_process_holds(name: str, flags: int = fcntl.LOCK_SH) -> int:
    """Take lock NAME on a separate open file, as another process would (flock is per open file)."""
    fd = os.open(locks.lock_file(name), os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, flags | fcntl.LOCK_NB)
    return fd


def test_nobody_else_stops_it(stops, capsys):
    assert cli.main(["classroom", "down", "--if-unused"]) == 0
    assert stops == ["down"]
    assert "classroom registry: stopped" in capsys.readouterr().out


def test_another_make_test_run_keeps_it_running(stops, capsys):
    fd = other_process_holds("classroom-users")
    try:
        assert cli.main(["classroom", "down", "--if-unused"]) == 0
    finally:
        os.close(fd)
    assert stops == []
    assert "left running: another `make test` run is using it" in capsys.readouterr().out
    assert not locks.held_by_others("classroom-users")  # the check gave its attempt back


def test_a_running_setup_keeps_it_running(stops, capsys):
    fd = other_process_holds("setup", fcntl.LOCK_EX)
    try:
        assert cli.main(["classroom", "down", "--if-unused"]) == 0
    finally:
        os.close(fd)
    assert stops == []
    assert "left running: a set-up is running" in capsys.readouterr().out
    assert not locks.held_by_others("classroom-users") and not locks.held_by_others("setup")


def test_a_live_sandbox_keeps_it_running(stops, monkeypatch, capsys):
    monkeypatch.setattr(sandbox, "live_ids", lambda: ["kernel-1-aaaaaa", "shell-2-bbbbbb"])
    assert cli.main(["classroom", "down", "--if-unused"]) == 0
    assert stops == []
    assert "2 live sandbox(es) use it (kernel-1-aaaaaa, shell-2-bbbbbb)" in capsys.readouterr().out


def test_it_holds_the_locks_while_stopping(stops, monkeypatch):
    seen = {}

    def down():
        seen["users"] = locks.held_by_others("classroom-users")  # held by us: another fd conflicts
        seen["setup"] = locks.held_by_others("setup")
        return classroom.Status(running=False, pull_url="http://x", push_url="http://y")

    monkeypatch.setattr(classroom, "down", down)
    cli.main(["classroom", "down", "--if-unused"])
    assert seen == {"users": True, "setup": True}


def test_plain_down_and_misuse(stops, capsys):
    fd = other_process_holds("classroom-users")
    try:
        assert cli.main(["classroom", "down"]) == 0  # without the flag: stops regardless
        assert stops == ["down"]
        assert cli.main(["classroom", "up", "--if-unused"]) == 2
    finally:
        os.close(fd)
    assert "--if-unused goes with 'classroom down' only" in capsys.readouterr().err
