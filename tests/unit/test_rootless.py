"""The rootless course user's worlds: paths, environment and argv (no podman, no root)."""

from __future__ import annotations

import pwd
from pathlib import Path

import pytest

from kernel_helpers import engine, rootless, rootless_account
from kernel_helpers.errors import KitError


def test_each_world_has_a_short_runtime_folder_of_its_own(monkeypatch, root_mode):
    monkeypatch.setenv("PODMAN_COURSE_RUNTIME", "/run/pc")
    world = rootless._world_paths("kernel-42-abcdef", Path("/home/u"))
    assert world.runroot == Path("/run/pc/u/abcdef/containers")
    assert world.env["XDG_RUNTIME_DIR"] == "/run/pc/u/abcdef"
    assert len(str(world.runroot)) <= engine.MAX_RUNROOT
    assert world.graphroot == Path("/home/u/.local/share/podman-course/sandboxes/kernel-42-abcdef/storage")


def test_prefix_runs_as_the_user_with_only_the_world_environment(monkeypatch, root_mode):
    monkeypatch.setenv("PODMAN_COURSE_RUNTIME", "/run/pc")
    world = rootless._world_paths("kernel-42-abcdef", Path("/home/u"))
    rw = rootless.RootlessWorld("kernel-42-abcdef", world, "u", 1234, Path("/home/u"))
    argv = rw.prefix()
    assert argv[:6] == ["runuser", "-u", "u", "--", "env", "-i"]
    assert argv[6:8] == ["-C", str(rw.files)]
    pairs = dict(a.split("=", 1) for a in argv[8:])
    assert pairs["HOME"] == "/home/u" and pairs["USER"] == "u"
    assert pairs["CONTAINERS_STORAGE_CONF"].startswith("/home/u/.local/share/podman-course/")
    assert pairs["XDG_RUNTIME_DIR"] == "/run/pc/u/abcdef"


def test_a_foreign_account_is_never_used(monkeypatch, root_mode):
    root = pwd.getpwuid(0).pw_name
    monkeypatch.setenv(rootless_account.USER_ENV, root)
    assert "was not made by the kit" in rootless_account.unavailable_reason()
    with pytest.raises(KitError, match="not made by the kit"):
        rootless_account.ensure_user()
    with pytest.raises(KitError, match="cannot run here"):
        rootless.world_for("kernel-1-abcdef")


def test_a_missing_account_is_explained(monkeypatch, root_mode):
    monkeypatch.setenv(rootless_account.USER_ENV, "no-such-user-kh")
    assert "there is no user no-such-user-kh" in rootless_account.unavailable_reason()
    assert rootless.remove_world("kernel-1-abcdef") == []
