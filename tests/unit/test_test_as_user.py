"""scripts/test-as-user.sh refuses what it must not do, before it changes anything."""

from __future__ import annotations

import os
import pwd
import subprocess

import pytest

from kernel_helpers import paths

SCRIPT = paths.repo_root() / "scripts" / "test-as-user.sh"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(SCRIPT), *args], capture_output=True, text=True, timeout=30,
                          stdin=subprocess.DEVNULL)


@pytest.mark.skipif(os.geteuid() == 0, reason="as root the script would run")
def test_an_ordinary_user_is_told_to_run_it_as_root():
    done = run("--user", "pcv-never", "--", "true")
    assert done.returncode == 2 and "run as root" in done.stderr, done


@pytest.mark.needs_root("the script's own checks as root")
@pytest.mark.parametrize("name", ["9bad", "Bad", "a b", "x;rm"])
def test_a_bad_account_name_is_refused_and_no_account_is_made(name):
    done = run("--user", name, "--", "true")
    assert done.returncode == 2 and "bad account name" in done.stderr, done
    with pytest.raises(KeyError):
        pwd.getpwnam(name)


def test_the_help_names_the_default_account_and_command():
    done = run("--help")
    assert done.returncode == 0
    assert "default pc-learner" in done.stdout and "default: make test" in done.stdout
