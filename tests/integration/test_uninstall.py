"""Rootless safety and undo on the real host, with a throw-away course user and isolated state.

Each test makes its own user (``pc-t...``), state and runtime folders, and its own
registry port (no classroom needed), and removes them all, also when it fails.
``/dev/net/tun`` is shared with every other run: its mode must be the same at the end.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from kernel_helpers import hostchanges, paths, rootless, rootless_account, uninstall, userfs, userprocs

pytestmark = [
    pytest.mark.needs_root("creating the course user and undoing the kit's host changes"),
    pytest.mark.skipif(not all(shutil.which(t) for t in ("useradd", "runuser", "newuidmap")),
                       reason="needs useradd, runuser and newuidmap")]


def _tun_mode() -> int | None:
    return stat.S_IMODE(rootless_account.TUN.stat().st_mode) if rootless_account.TUN.exists() else None


def _lines(path: str, name: str) -> list[str]:
    return [line for line in Path(path).read_text().splitlines() if line.split(":", 1)[0] == name]


@pytest.fixture
def throwaway(monkeypatch):
    """Env for an isolated kit with user pc-tNNNN; everything removed afterwards."""
    tag = secrets.token_hex(3)
    name = f"pc-t{tag}"
    state, runtime = Path(f"/tmp/pcu-{tag}-st"), Path(f"/tmp/pcu-{tag}-rt")
    for key, value in ((paths.STATE_ENV, state), (paths.RUNTIME_ENV, runtime),
                       ("PODMAN_COURSE_REGISTRY_PORT", "5300"), (rootless_account.USER_ENV, name)):
        monkeypatch.setenv(key, str(value))
    monkeypatch.delenv(rootless_account.ROOTLESS_ENV, raising=False)
    tun_before = _tun_mode()
    yield name
    user = rootless_account.account()
    if user is not None and user.pw_gecos == rootless_account.MARKER:  # the test failed before uninstall
        userprocs.kill_uid(user.pw_uid)
        subprocess.run(["userdel", "--remove", "--force", name], capture_output=True, timeout=60)
    for path in ("/etc/subuid", "/etc/subgid"):
        uninstall._drop_subid_lines(path, name)
    for folder in (state, runtime):
        shutil.rmtree(folder, ignore_errors=True)
    assert _tun_mode() == tun_before, "/dev/net/tun's mode changed"


@pytest.fixture
def victim():
    """A root-owned folder the learner must not be able to steer root into."""
    top = Path(f"/tmp/pcu-victim-{secrets.token_hex(3)}")
    (top / "keep").mkdir(parents=True)
    (top / "keep" / "file").write_text("precious\n")
    os.chmod(top, 0o755)
    yield top
    shutil.rmtree(top, ignore_errors=True)


def _intact(victim: Path) -> None:
    assert (victim / "keep" / "file").read_text() == "precious\n"
    assert sorted(p.name for p in victim.iterdir()) == ["keep"]
    for p in (victim, victim / "keep", victim / "keep" / "file"):
        assert os.lstat(p).st_uid == 0, p
    assert stat.S_IMODE(os.stat(victim).st_mode) == 0o755


def test_ensure_user_then_uninstall_puts_the_host_back(throwaway):
    tun_before = _tun_mode()
    changes = rootless_account.ensure_user()
    user = rootless_account.account()
    assert changes[0] == f"created user {throwaway}" and user.pw_gecos == rootless_account.MARKER
    assert _lines("/etc/subuid", throwaway) and _lines("/etc/subgid", throwaway)
    assert f"user:{throwaway}" in hostchanges.load()
    assert stat.S_IMODE(hostchanges.path().stat().st_mode) == 0o600
    assert rootless_account.unavailable_reason() is None
    out: list[str] = []
    assert uninstall.run(out.append) == 0, out
    assert out[-1].startswith("uninstall: all ") and " steps done; the host is back" in out[-1], out
    assert f"course user: removed user {throwaway} and its home {user.pw_dir}" in out
    with pytest.raises(KeyError):
        pwd.getpwnam(throwaway)
    assert not _lines("/etc/subuid", throwaway) and not _lines("/etc/subgid", throwaway)
    assert not os.path.lexists(user.pw_dir) and not os.path.lexists(f"/run/user/{user.pw_uid}")
    assert not paths.state_dir().exists() and not paths.runtime_dir().exists()
    assert _tun_mode() == tun_before


def test_a_world_with_planted_symlinks_is_removed_without_following_them(throwaway, victim):
    rootless_account.ensure_user()
    sid = f"test-1-{secrets.token_hex(3)}"
    world = rootless.world_for(sid)
    assert os.stat(world.world.conf_dir / "storage.conf").st_uid == world.uid
    info = subprocess.run([*world.prefix(), "podman", "info", "--format", "{{.Host.Security.Rootless}}"],
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert info.stdout.strip() == "true", info.stderr
    pause_pid = int((world.world.tmp_dir / "pause.pid").read_text())
    pause = userprocs.info(pause_pid)
    assert userprocs.is_pause(pause, world.uid, world.world.runroot.parent), pause
    # the learner plants symlinks to a root-owned folder, in the world and in its runtime folder
    for link in (world.files / "evil", world.world.graphroot / "evil", world.world.tmp_dir / "evil"):
        userfs.as_user(world.user, ["ln", "-s", str(victim), str(link)])
    done = rootless.remove_world(sid)
    assert any("processes of the rootless world" in line for line in done), done
    assert userprocs.info(pause_pid) is None or userprocs.info(pause_pid).state == "Z"
    assert not os.path.lexists(world.base) and not os.path.lexists(world.world.runroot.parent)
    _intact(victim)
    # a world folder that is a symlink to the victim: the user's tar cannot write there, root does not
    userfs.as_user(world.user, ["mkdir", "-p", str(world.base.parent)])
    userfs.as_user(world.user, ["ln", "-s", str(victim), str(world.base)])
    with pytest.raises(Exception, match="tar"):
        rootless.world_for(sid)
    rootless.remove_world(sid)
    assert not os.path.lexists(world.base)
    _intact(victim)
    assert uninstall.run(lambda line: None) == 0
