"""A checkout closed to learners (root's home) is published in the hub's state for them."""

from __future__ import annotations

import os
import subprocess

from kernel_helpers.hub import published


def _repo(path):
    path.mkdir(parents=True)
    git = ["git", "-C", str(path), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    (path / "a.txt").write_text("one\n")
    subprocess.run([*git, "add", "a.txt"], check=True)
    subprocess.run([*git, "commit", "-qm", "one"], check=True)
    return git


def test_a_closed_folder_above_is_seen(tmp_path):
    closed = tmp_path / "closed"
    (closed / "inside").mkdir(parents=True)
    os.chmod(closed, 0o700)
    assert not published.open_to_others(closed / "inside")
    os.chmod(closed, 0o755)
    assert published.open_to_others(closed / "inside") == all(
        os.stat(p).st_mode & 0o001 for p in tmp_path.parents)


def test_a_closed_checkout_is_mirrored_and_refreshed(tmp_path):
    home = tmp_path / "root-home"
    git = _repo(home / "project")
    os.chmod(home, 0o700)
    state = tmp_path / "state"
    state.mkdir()
    mirror = published.course_source(home / "project", state)
    assert mirror == state / "course.git"
    log = ["git", "-C", str(mirror), "log", "--format=%s", "main"]
    assert subprocess.run(log, capture_output=True, text=True).stdout.split() == ["one"]
    assert os.stat(mirror).st_mode & 0o005 == 0o005
    (home / "project" / "a.txt").write_text("two\n")
    subprocess.run([*git, "commit", "-qam", "two"], check=True)
    assert published.course_source(home / "project", state) == mirror
    assert subprocess.run(log, capture_output=True, text=True).stdout.split() == ["two", "one"]


def test_the_venv_copy_is_made_once_per_venv_change(tmp_path):
    venv = tmp_path / "venv"
    site = venv / "lib" / "site-packages"
    (site / "pkg").mkdir(parents=True)
    (site / "pkg" / "__init__.py").write_text("x = 1\n")
    (venv / "share" / "jupyter" / "lab").mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\n")
    state = tmp_path / "state"
    state.mkdir()
    copy = published.venv_copy(venv, site, state)
    assert (copy / "site-packages" / "pkg" / "__init__.py").read_text() == "x = 1\n"
    assert (copy / "share" / "jupyter" / "lab").is_dir()
    (site / "pkg" / "__init__.py").write_text("x = 2\n")
    assert published.venv_copy(venv, site, state) == copy  # the venv's stamp did not change
    assert (copy / "site-packages" / "pkg" / "__init__.py").read_text() == "x = 1\n"
    (venv / ".installed").touch()
    published.venv_copy(venv, site, state)
    assert (copy / "site-packages" / "pkg" / "__init__.py").read_text() == "x = 2\n"
