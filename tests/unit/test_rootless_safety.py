"""A learner's planted files never steer root: worlds are removed, and processes killed, only
when they are the world's (as root, with a throw-away uid; no podman)."""

from __future__ import annotations

import os
import pwd
import subprocess
from pathlib import Path

import pytest

from kernel_helpers import paths, rootless, rootless_account, userprocs

UID = 54321
pytestmark = pytest.mark.needs_root("processes of another uid")


@pytest.fixture
def spawn():
    """spawn(uid, run_dir) -> a `sleep` running as UID with XDG_RUNTIME_DIR=RUN_DIR."""
    started = []

    def start(uid: int, run_dir: Path | None = None) -> subprocess.Popen:
        env = {"PATH": "/usr/bin:/bin", **({"XDG_RUNTIME_DIR": str(run_dir)} if run_dir else {})}
        proc = subprocess.Popen(["sleep", "60"], user=uid, group=uid, extra_groups=[], env=env,
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        started.append(proc)
        return proc

    yield start
    for proc in started:
        proc.kill()
        proc.wait(timeout=10)


def alive(proc: subprocess.Popen) -> bool:
    info = userprocs.info(proc.pid)
    return info is not None and info.state != "Z"


@pytest.fixture
def world(tmp_path, monkeypatch):
    """A fake kit user (uid UID) with a home and a runtime folder in tmp_path."""
    home = tmp_path / "home"
    home.mkdir()
    os.chown(home, UID, UID)
    monkeypatch.setenv(paths.RUNTIME_ENV, str(tmp_path / "rt"))
    monkeypatch.setenv(paths.STATE_ENV, str(tmp_path / "st"))
    user = pwd.struct_passwd(("pc-fake", "x", UID, UID, rootless_account.MARKER, str(home),
                              "/usr/sbin/nologin"))
    monkeypatch.setattr(rootless_account, "account", lambda: user)
    w = rootless._world_paths("test-1-abcdef", home)
    for folder in (w.conf_dir, w.tmp_dir):
        folder.mkdir(parents=True)
    for folder in (w.runroot.parent.parent, tmp_path / "st"):
        folder.mkdir(parents=True, exist_ok=True)
    for top in (home / ".local", w.runroot.parent):
        for root, dirs, _ in os.walk(top):
            for d in [root, *(os.path.join(root, n) for n in dirs)]:
                os.chown(d, UID, UID)
    return w, user


def test_kill_checks_the_owner_in_proc_first(spawn):
    root_sleep = spawn(0)
    assert not userprocs.kill(root_sleep.pid, lambda p: set(p.uids) == {UID})
    assert alive(root_sleep)
    theirs = spawn(UID)
    assert userprocs.kill(theirs.pid, lambda p: set(p.uids) == {UID})
    theirs.wait(timeout=5)


def test_a_world_is_its_users_processes_with_its_runtime_folder(spawn, tmp_path):
    run = tmp_path / "u" / "abc"
    mine, other_world, root_there, no_world = (spawn(UID, run), spawn(UID, tmp_path / "u" / "xyz"),
                                               spawn(0, run), spawn(UID))
    found = {p.pid for p in userprocs.world_processes(run, UID)}
    assert mine.pid in found
    assert not found & {other_world.pid, root_there.pid, no_world.pid}
    assert userprocs.kill_world(run, UID) == 1
    mine.wait(timeout=5)
    assert alive(other_world) and alive(root_there) and alive(no_world)


def test_a_planted_pause_pid_of_a_root_process_is_not_killed(world, spawn):
    w, user = world
    victim = spawn(0, w.runroot.parent)  # root, even with the world's XDG_RUNTIME_DIR
    (w.tmp_dir / "pause.pid").write_text(f"{victim.pid}\n")
    fake_pause = spawn(UID)  # the user's, but not the pause process of this world
    rootless._stop_world(w, user)
    (w.tmp_dir / "pause.pid").write_text(f"{fake_pause.pid}\n")
    rootless._stop_world(w, user)
    assert alive(victim) and alive(fake_pause)


def test_a_pause_pid_behind_a_symlinked_folder_is_not_read(world, spawn, tmp_path, monkeypatch):
    w, user = world
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.chown(elsewhere, UID, UID)
    theirs = spawn(UID)
    (elsewhere / "pause.pid").write_text(f"{theirs.pid}\n")
    libpod = w.tmp_dir.parent
    (libpod / "tmp").rmdir()
    os.symlink(elsewhere, libpod / "tmp")
    calls = []
    real = userprocs.kill_world
    monkeypatch.setattr(userprocs, "kill_world", lambda *a: calls.append(a) or real(*a))
    rootless._stop_world(w, user)
    assert calls and calls[0][3] is None  # no pause pid was read through the symlink
    assert alive(theirs)


def test_remove_world_deletes_no_folder_behind_a_planted_symlink(world, tmp_path, spawn):
    w, user = world
    victim = tmp_path / "victim"
    (victim / "storage").mkdir(parents=True)
    (victim / "storage" / "layer").write_text("root's\n")
    base = w.conf_dir.parent
    for entry in base.iterdir():
        entry.rmdir()
    base.rmdir()
    os.symlink(victim, base)  # sandboxes/ID -> a root-owned folder
    run_victim = tmp_path / "run-victim"
    run_victim.mkdir()
    (run_victim / "keep").write_text("x")
    libpod = w.tmp_dir.parent
    (libpod / "tmp").rmdir()
    os.symlink(run_victim, libpod / "tmp")
    done = rootless.remove_world("test-1-abcdef")
    assert (victim / "storage" / "layer").read_text() == "root's\n"
    assert (run_victim / "keep").exists()
    assert not os.path.lexists(base) and not os.path.lexists(w.runroot.parent)
    assert f"removed {base}" in done


def test_remove_world_stops_at_a_symlink_higher_up(world, tmp_path):
    w, user = world
    home = Path(user.pw_dir)
    victim = tmp_path / "victim2"
    (victim / "podman-course" / "sandboxes" / "test-1-abcdef").mkdir(parents=True)
    os.rename(home / ".local" / "share", tmp_path / "moved")
    os.symlink(victim, home / ".local" / "share")
    done = rootless.remove_world("test-1-abcdef")
    assert (victim / "podman-course" / "sandboxes" / "test-1-abcdef").is_dir()
    assert any("could not remove" in line and "not a plain folder" in line for line in done), done


def test_idle_processes_are_stopped_only_for_reclaimed_worlds(world, spawn, monkeypatch):
    w, user = world
    u_dir = paths.runtime_dir() / "u"
    gone, live, kept, store = (spawn(UID, u_dir / "dead01"), spawn(UID, u_dir / "live02"),
                               spawn(UID, u_dir / "kept03"), spawn(UID, u_dir / "images"))
    (paths.sandboxes_dir() / "kernel-9-kept03").mkdir(parents=True)  # not removed yet
    elsewhere = spawn(UID, Path("/tmp/another-runtime/u/dead01"))  # another kit's world
    lines = rootless.stop_idle_user_processes(["kernel-1-live02"])
    gone.wait(timeout=5)
    assert lines == ["stopped 1 leftover processes of the rootless world dead01"]
    assert all(alive(p) for p in (live, kept, store, elsewhere))


def test_nothing_is_stopped_for_a_user_the_kit_did_not_make(monkeypatch, spawn):
    other = pwd.struct_passwd(("someone", "x", UID, UID, "a person", "/nonexistent", "/bin/sh"))
    monkeypatch.setattr(rootless_account, "account", lambda: other)
    proc = spawn(UID, paths.runtime_dir() / "u" / "dead01")
    assert rootless.stop_idle_user_processes([]) == []
    assert rootless.remove_world("kernel-1-dead01") == []
    assert alive(proc)
