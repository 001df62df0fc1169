"""Root in a learner's folders: no symlink, FIFO or foreign folder steers a read, write or delete."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from kernel_helpers import userfs
from kernel_helpers.errors import CommandFailed

UID = 54321  # a throw-away uid without an account: root can chown to it
needs_root = pytest.mark.needs_root("chown to another uid")


@pytest.fixture
def learner(tmp_path):
    """A home owned by UID, and a root-owned victim folder beside it."""
    home = tmp_path / "home"
    (home / "a" / "b").mkdir(parents=True)
    for folder in (home, home / "a", home / "a" / "b"):
        os.chown(folder, UID, UID)
    victim = tmp_path / "victim"
    (victim / "keep").mkdir(parents=True)
    (victim / "keep" / "file").write_text("precious\n")
    return home, victim


def _victim_intact(victim: Path) -> None:
    assert (victim / "keep" / "file").read_text() == "precious\n"
    assert os.stat(victim).st_uid == 0 and os.stat(victim / "keep").st_uid == 0


@needs_root
def test_a_walk_refuses_a_planted_symlink_and_a_foreign_folder(learner):
    home, victim = learner
    os.symlink(victim, home / "a" / "link")
    with pytest.raises(userfs.UnsafePath, match="not a plain folder"):
        with userfs.open_dir(home, "a/link/keep", UID):
            pass
    os.chown(home / "a" / "b", 4242, 4242)
    with pytest.raises(userfs.UnsafePath, match="belongs to uid 4242"):
        with userfs.open_dir(home, "a/b", UID):
            pass
    with pytest.raises(userfs.UnsafePath, match="plain relative path"):
        with userfs.open_dir(home, "a/../../victim", UID):
            pass
    with pytest.raises(FileNotFoundError):
        with userfs.open_dir(home, "a/missing", UID):
            pass


@needs_root
def test_read_small_reads_only_a_regular_file_reached_without_symlinks(learner):
    home, victim = learner
    (home / "a" / "pause.pid").write_text("123\n")
    assert userfs.read_small(home, "a/pause.pid", UID) == "123\n"
    os.symlink(victim / "keep" / "file", home / "a" / "link.pid")
    assert userfs.read_small(home, "a/link.pid", UID) is None
    os.symlink(victim / "keep", home / "a" / "dir")
    assert userfs.read_small(home, "a/dir/file", UID) is None
    os.mkfifo(home / "a" / "fifo")  # would block a plain open() forever
    assert userfs.read_small(home, "a/fifo", UID) is None
    assert userfs.read_small(home, "a/missing", UID) is None


@needs_root
def test_remove_deletes_the_tree_but_never_through_a_symlink(learner):
    home, victim = learner
    tree = home / "a" / "b"
    (tree / "sub").mkdir()
    (tree / "sub" / "f").write_text("x")
    os.symlink(victim / "keep", tree / "sub" / "to-victim")
    os.symlink(victim, home / "a" / "world")
    assert userfs.remove(home, "a/world", UID)  # a planted symlink at the top: only it goes
    assert not os.path.lexists(home / "a" / "world")
    assert userfs.remove(home, "a/b", UID)
    assert not os.path.lexists(tree)
    with pytest.raises(userfs.UnsafePath):
        os.symlink(victim, home / "a" / "hop")
        userfs.remove(home, "a/hop/keep", UID)
    assert not userfs.remove(home, "a/missing", UID)
    _victim_intact(victim)


@pytest.fixture
def nobody_home():
    """A folder of user nobody that nobody can reach (pytest's tmp_path is root-only)."""
    if shutil.which("runuser") is None:
        pytest.skip("runuser is missing (util-linux)")
    top = Path(tempfile.mkdtemp(prefix="pc-userfs-"))
    os.chmod(top, 0o755)
    home = top / "home"
    home.mkdir()
    os.chown(home, 65534, 65534)
    victim = top / "victim"
    victim.mkdir()
    (victim / "file").write_text("precious\n")
    yield home, victim
    shutil.rmtree(top)


@pytest.mark.needs_root("files of user nobody, written through runuser")
def test_install_writes_as_the_user_so_a_symlink_leads_nowhere_root_could_write(nobody_home):
    home, victim = nobody_home
    userfs.install("nobody", {home / "w" / "conf" / "a.conf": ("hello\n", 0o644),
                              home / "w" / "conf" / "auth.json": ("{}\n", 0o600)},
                   dirs={home / "w" / "storage": 0o700})
    conf = home / "w" / "conf"
    assert (conf / "a.conf").read_text() == "hello\n"
    assert os.stat(conf / "a.conf").st_uid == 65534
    assert os.stat(conf / "auth.json").st_mode & 0o777 == 0o600
    assert os.stat(home / "w" / "storage").st_mode & 0o777 == 0o700
    os.symlink(victim, home / "x")  # the learner plants x -> a root-owned folder
    with pytest.raises(CommandFailed):
        userfs.install("nobody", {home / "x" / "file": ("owned\n", 0o644),
                                  home / "x" / "new": ("new\n", 0o644)})
    assert (victim / "file").read_text() == "precious\n"
    assert not (victim / "new").exists()
    assert os.stat(victim).st_uid == 0 and os.stat(victim / "file").st_uid == 0


@needs_root
def test_make_owned_dir_wants_a_root_only_parent(tmp_path):
    made = userfs.make_owned_dir(tmp_path, "w", UID, UID)
    assert os.stat(made).st_uid == UID and os.stat(made).st_mode & 0o777 == 0o700
    os.chmod(tmp_path, 0o777)
    with pytest.raises(userfs.UnsafePath, match="only root can write"):
        userfs.make_owned_dir(tmp_path, "w2", UID, UID)
