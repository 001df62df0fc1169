"""The hub classroom without a hub: roster rules, the generated config, the test passwords."""

from __future__ import annotations

import ast
import json
import os
import pwd
import stat
from pathlib import Path

import pytest

from kernel_helpers import hostchanges, paths
from kernel_helpers.errors import KitError
from kernel_helpers.hub import GRADES_PATH, GRADES_URL_ENV, accounts, config, venv
from kernel_helpers.hub.accounts import Learner, RosterError, parse_roster


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.STATE_ENV, str(tmp_path / "st"))
    monkeypatch.setenv(paths.RUNTIME_ENV, str(tmp_path / "rt"))
    monkeypatch.setenv(config.PORT_ENV, "18390")
    monkeypatch.delenv(config.FIRST_PORT_ENV, raising=False)


def test_a_roster_with_roles_and_blank_lines():
    got = parse_roster("login,name,role\npch-a,Ada Lovelace,\n\npch-t,Teach Er,teacher\n")
    assert got == [Learner("pch-a", "Ada Lovelace", "learner", 0), Learner("pch-t", "Teach Er", "teacher", 1)]
    assert [x.teacher for x in got] == [False, True]


@pytest.mark.parametrize("text, message", [
    ("", "roster: empty file"),
    ("user,name\nx,y\n", "roster line 1: header must be"),
    ("login,name\nAda,A\n", "roster line 2: bad login 'Ada'"),
    ("login,name\n1ab,A\n", "roster line 2: bad login '1ab'"),
    ("login,name\nab,A\nab,B\n", "roster line 3: login 'ab' already on line 2"),
    ("login,name,role\nab,A,boss\n", "roster line 2: role 'boss' is not one of learner, teacher"),
    ("login,name\nab\n", "roster line 2: 1 fields, expected 2"),
    ("login,name\nab,a:b\n", "roster line 2: name of 'ab' is empty or holds ':'"),
    ("login,name\n", "roster: no learner below the header"),
])
def test_a_bad_roster_names_the_line(text, message):
    with pytest.raises(RosterError) as err:
        parse_roster(text)
    assert str(err.value).startswith(message)
    assert "\n" not in str(err.value)


def test_an_account_the_kit_did_not_make_stops_the_roster(tmp_path):
    root = pwd.getpwuid(0).pw_name
    roster = tmp_path / "r.csv"
    roster.write_text(f"login,name\n{root},The Admin\n")
    with pytest.raises(RosterError, match=rf"r.csv line 2: account '{root}' exists and was not made"):
        accounts.read_roster(roster)
    refusal = "not made by the kit" if os.geteuid() == 0 else "only root can create the learners' accounts"
    with pytest.raises(KitError, match=refusal):
        accounts.ensure_account(Learner(root, "x"))
    assert hostchanges.load() == {}  # nothing recorded for an account we do not touch


def test_missing_roster_file_is_one_line(tmp_path):
    with pytest.raises(RosterError, match="cannot read the roster .*nope.csv: No such file"):
        accounts.read_roster(tmp_path / "nope.csv")


def test_recorded_logins_come_from_the_record():
    hostchanges.record("learner:pch-b", {})
    hostchanges.record("user:podman-student", {})
    hostchanges.record("learner:pch-a", {})
    assert accounts.recorded_logins() == ["pch-a", "pch-b"]


def test_port_blocks_can_start_elsewhere(monkeypatch):
    from kernel_helpers.hub import resources
    assert config.block_offset() == 0
    monkeypatch.setenv(config.FIRST_PORT_ENV, str(resources.FIRST + 20 * resources.BLOCK))
    assert config.block_offset() == 20
    user = pwd.getpwuid(os.getuid())
    env = config.learner_env(Learner("pch-a", "A", index=1), user, {"PATH": "/x"})
    low = resources.FIRST + 21 * resources.BLOCK
    assert env["PODMAN_COURSE_PORT_POOL"] == f"{low}-{low + resources.BLOCK - 1}"
    assert env[GRADES_URL_ENV] == "http://127.0.0.1:18390" + GRADES_PATH
    assert env["PYTHONPATH"] == f"{user.pw_dir}/podman-course" and env["PATH"] == "/x"
    assert env["PODMAN_COURSE_CLASSROOM"] == "shared"  # root's registry: the learner's kit only uses it
    monkeypatch.setenv(config.FIRST_PORT_ENV, str(resources.FIRST + 1))
    with pytest.raises(KitError, match="must be"):
        config.block_offset()


def test_the_config_is_private_loopback_and_python(monkeypatch):
    me = pwd.getpwuid(os.getuid()).pw_name
    monkeypatch.setattr(venv, "learner_python", lambda state=None: venv.LearnerPython(Path("/py"), {}))
    monkeypatch.setattr(config, "learner_python", lambda state=None: venv.LearnerPython(Path("/py"), {}))
    target = config.write([Learner(me, "Me", "teacher", 0)])
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700
    text = target.read_text()
    ast.parse(text)  # valid Python
    assert "c.JupyterHub.ip = '127.0.0.1'" in text and "c.JupyterHub.port = 18390" in text
    assert "c.JupyterHub.authenticator_class = 'pam'" in text
    assert f"c.Authenticator.admin_users = set({[me]!r})" in text
    assert "c.Spawner.cmd = ['/py', '-m', 'jupyterhub.singleuser']" in text
    assert "TestAuthenticator" not in text
    for name in ("admin-token", "proxy-token", "roster.json"):
        assert stat.S_IMODE((target.parent / name).stat().st_mode) == 0o600
    token = config.admin_token_file().read_text().strip()
    assert token in text and config.write([Learner(me, "Me", "teacher", 0)]).read_text() == text  # stable


def test_test_auth_needs_the_environment_too(monkeypatch):
    pytest.importorskip("jupyterhub")
    me = pwd.getpwuid(os.getuid()).pw_name
    monkeypatch.setattr(config, "learner_python", lambda state=None: venv.LearnerPython(Path("/py"), {}))
    monkeypatch.delenv(config.TEST_AUTH_ENV, raising=False)
    with pytest.raises(KitError, match="for tests only"):
        config.write([Learner(me, "Me")], test_auth=True)
    monkeypatch.setenv(config.TEST_AUTH_ENV, "1")
    text = config.write([Learner(me, "Me")], test_auth=True).read_text()
    assert "kernel_helpers.hub.testauth.TestAuthenticator" in text
    first = json.loads(config.passwords_file().read_text())
    assert set(first) == {me} and len(first[me]) >= 20
    assert stat.S_IMODE(config.passwords_file().stat().st_mode) == 0o600
    config.write([Learner(me, "Me")], test_auth=True)
    assert json.loads(config.passwords_file().read_text()) == first  # kept across `up`s


def test_the_test_authenticator_checks_the_password(tmp_path):
    pytest.importorskip("jupyterhub")
    import asyncio
    import concurrent.futures

    from kernel_helpers.hub.testauth import TestAuthenticator, write_passwords
    pw = write_passwords(tmp_path / "p.json", ["pch-a"])
    auth = TestAuthenticator(passwords_file=str(tmp_path / "p.json"))
    def check(user, password):  # in a thread of its own: an earlier test may leave this one's loop running
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            data = {"username": user, "password": password}
            return pool.submit(asyncio.run, auth.authenticate(None, data)).result()
    assert check("pch-a", pw["pch-a"]) == "pch-a"
    assert check("pch-a", "wrong") is None and check("pch-b", pw["pch-a"]) is None


def test_others_can_run_sees_a_closed_folder(tmp_path):
    closed = tmp_path / "closed"
    closed.mkdir()
    tool = closed / "tool"
    tool.write_text("")
    tool.chmod(0o755)
    closed.chmod(0o755)
    tmp_path.chmod(0o755)
    assert venv.others_can_run(tool) == all(os.stat(p).st_mode & 0o001 for p in tmp_path.parents)
    closed.chmod(0o700)
    assert not venv.others_can_run(tool)
    closed.chmod(0o755)


def test_a_pid_file_naming_another_process_is_not_the_hub():
    from kernel_helpers.hub import server
    from kernel_helpers.procinfo import start_time
    paths.ensure(config.hub_dir())
    server.pid_file().write_text(f"{os.getpid()} {start_time(os.getpid())}\n")  # pytest, not jupyterhub
    assert server.hub_pid() is None
    server.pid_file().write_text("garbage\n")
    assert server.hub_pid() is None
    assert server.stop() == ["the hub was not running"]
    assert not server.pid_file().exists()
