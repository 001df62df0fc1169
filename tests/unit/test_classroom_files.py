"""The classroom's configs, secrets and accounts: storages, auth, modes 0600, no argv leaks."""

from __future__ import annotations

import base64
import json
import os
import shutil
import stat

import pytest

from kernel_helpers import classroom
from kernel_helpers import registry_files as files


@pytest.fixture
def state(tmp_path, monkeypatch):
    monkeypatch.setenv("PODMAN_COURSE_STATE", str(tmp_path / "state"))
    monkeypatch.setenv("PODMAN_COURSE_RUNTIME", str(tmp_path / "rt"))
    monkeypatch.setenv(classroom.PORT_ENV, "25000")
    monkeypatch.setattr(files, "htpasswd_line", lambda user, pw: f"{user}:hash-of-{len(pw)}")
    old = os.umask(0)  # the most permissive umask: modes must still come out 0600
    try:
        yield tmp_path / "state" / "registry"
    finally:
        os.umask(old)


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def config(reg, endpoint) -> dict:
    text = (reg / f"{endpoint}-config.yml").read_text()
    return json.loads(text[text.index("{"):])


def test_three_configs_two_storages(state):
    classroom._write_configs()
    pull, push, kit = (config(state, e) for e in ("pull", "push", "kit"))
    course, learner = str(state / "data"), str(state / "learner-data")
    assert pull["storage"]["filesystem"]["rootdirectory"] == course
    assert kit["storage"]["filesystem"]["rootdirectory"] == course
    assert push["storage"]["filesystem"]["rootdirectory"] == learner
    assert pull["storage"]["maintenance"]["readonly"] == {"enabled": True}
    assert "auth" not in pull and "delete" not in pull["storage"]
    assert push["storage"]["delete"] == {"enabled": True}
    assert push["auth"]["htpasswd"]["path"] == str(state / "htpasswd")
    assert kit["auth"]["htpasswd"]["path"] == str(state / "kit-htpasswd")
    assert "readonly" not in kit["storage"]["maintenance"] and "delete" not in kit["storage"]
    assert [c["http"]["addr"] for c in (pull, push, kit)] == [
        "127.0.0.1:25000", "127.0.0.1:25001", "127.0.0.1:25002"]
    assert len({c["http"]["secret"] for c in (pull, push, kit)}) == 1


def test_every_secret_file_is_0600(state):
    classroom._write_configs()
    secret_files = ["http-secret", "htpasswd", "kit-htpasswd", "kit-password", "kit-auth.json",
                    "pull-config.yml", "push-config.yml", "kit-config.yml"]
    assert {name: mode(state / name) for name in secret_files} == dict.fromkeys(secret_files,
                                                                                 0o600)
    assert not list(state.glob(".*.tmp"))


def test_files_of_an_older_kit_become_0600_and_data_is_kept(state):
    (state / "data" / "docker").mkdir(parents=True)
    (state / "data" / "docker" / "blob").write_text("course image")
    (state / "htpasswd").write_text("student:$2y$05$old\n")
    (state / "htpasswd").chmod(0o640)
    (state / "push-config.yml").write_text("old")
    (state / "push-config.yml").chmod(0o644)
    (state / "http-secret").write_text("oldsecret\n")
    (state / "http-secret").chmod(0o644)
    classroom._write_configs()
    assert (state / "htpasswd").read_text() == "student:$2y$05$old\n"  # kept, not re-hashed
    assert mode(state / "htpasswd") == mode(state / "http-secret") == 0o600
    assert mode(state / "push-config.yml") == 0o600
    assert config(state, "pull")["http"]["secret"] == "oldsecret"
    assert (state / "data" / "docker" / "blob").read_text() == "course image"
    assert (state / "learner-data").is_dir()


def test_write_private_is_never_readable_by_others(tmp_path, monkeypatch):
    seen = []
    real_replace = os.replace

    def spy(src, dst):
        seen.append(mode(tmp_path / os.path.basename(src)))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    target = tmp_path / "secret.yml"
    target.write_text("old")
    target.chmod(0o644)
    old = os.umask(0)
    try:
        assert files.write_private(target, "new")
        assert not files.write_private(target, "new")  # unchanged: not rewritten
    finally:
        os.umask(old)
    assert seen == [0o600] and mode(target) == 0o600 and target.read_text() == "new"


def test_kit_password_is_random_kept_and_in_the_auth_file(state):
    classroom._write_configs()
    password = (state / "kit-password").read_text().strip()
    assert len(password) >= 32
    classroom._write_configs()
    assert (state / "kit-password").read_text().strip() == password
    auths = json.loads(classroom.kit_auth_file().read_text())["auths"]
    decoded = {h: base64.b64decode(a["auth"]).decode() for h, a in auths.items()}
    assert decoded == {"localhost:25002": f"{classroom.KIT_USER}:{password}",
                       "localhost:25001": "student:redhat123"}
    assert (state / "kit-htpasswd").read_text().startswith(f"{classroom.KIT_USER}:")


def test_a_lost_kit_password_renews_its_htpasswd(state, monkeypatch):
    classroom._write_configs()
    (state / "kit-password").unlink()
    monkeypatch.setattr(files, "htpasswd_line", lambda user, pw: f"{user}:renewed")
    classroom._write_configs()
    assert (state / "kit-htpasswd").read_text() == f"{classroom.KIT_USER}:renewed\n"
    assert (state / "htpasswd").read_text() != "student:renewed\n"


@pytest.mark.skipif(shutil.which("htpasswd") is None, reason="htpasswd is not installed")
def test_htpasswd_gets_the_password_on_stdin_never_in_argv(monkeypatch):
    calls = []
    real_run = files.process.run

    def spy(argv, **kwargs):
        calls.append((argv, kwargs))
        return real_run(argv, **kwargs)

    monkeypatch.setattr(files.process, "run", spy)
    line = files.htpasswd_line("course-kit", "s3cret-not-in-argv")
    assert line.startswith("course-kit:$2y$")
    (argv, kwargs), = calls
    assert "s3cret-not-in-argv" not in " ".join(argv)
    assert kwargs["stdin"] == "s3cret-not-in-argv\n" and kwargs["timeout"] > 0
