"""scripts/test-as-user.sh refuses what it must not do, before it changes anything."""

from __future__ import annotations

import os
import pwd
import subprocess

import pytest

from kernel_helpers import paths, rootless_account

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


@pytest.mark.skipif(not os.path.exists("/usr/bin/python3"), reason="no /usr/bin/python3 here")
def test_the_new_accounts_subordinate_ids_come_from_the_kit_without_a_venv():
    """top_subid, run alone (no account is made): Debian's python3 imports the kit's account
    module with the standard library only, and the start is above both files' ranges."""
    text = SCRIPT.read_text()
    function = text[text.index("top_subid() {"):]
    function = function[:function.index("\n}\n") + 3]
    done = subprocess.run(["bash", "-c", function + "top_subid"], capture_output=True, text=True,
                          timeout=30, env={"REPO": str(paths.repo_root()), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0 and done.stderr == "", done
    assert int(done.stdout) == rootless_account.free_subid_start("/etc/subuid", "/etc/subgid") >= 100000
