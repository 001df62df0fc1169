"""What gets installed: Python packages all pinned; Debian packages split course / tests."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from kernel_helpers import paths

ROOT = paths.repo_root()
SCRIPT = ROOT / "scripts" / "install-system-packages.sh"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([0-9][A-Za-z0-9.+!-]*)$")
TEST_ONLY = {"chromium", "libatomic1"}


def normalize(name: str) -> str:
    """A distribution name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pins() -> dict[str, str]:
    """requirements.txt as {normalized name: version}; every line must be NAME==VERSION."""
    found: dict[str, str] = {}
    for number, line in enumerate((ROOT / "requirements.txt").read_text().splitlines(), 1):
        match = PIN.match(line.strip())
        assert match, f"requirements.txt line {number} is not pinned with ==: {line!r}"
        name = normalize(match.group(1))
        assert name not in found, f"requirements.txt pins {name} twice"
        found[name] = match.group(2)
    return found


def test_every_requirement_is_pinned():
    assert len(pins()) > 50


def test_soupsieve_installs_on_debian_12_python():
    """soupsieve >= 3.0.2 needs Python >= 3.11.5; Debian 12's python3 is 3.11.2."""
    major = int(pins()["soupsieve"].split(".")[0])
    assert major < 3


def listed(*flags: str) -> list[str]:
    proc = subprocess.run(["bash", str(SCRIPT), "--list", *flags], capture_output=True,
                          text=True, timeout=30, check=True)
    return proc.stdout.split()


def test_course_packages_have_no_browser():
    course = listed()
    assert {"podman", "skopeo", "docker-registry", "python3-venv", "systemd"} <= set(course)
    assert "fonts-noto-cjk" in course  # Chinese text in the browser and in plots (issue 13)
    assert not TEST_ONLY & set(course)


def test_test_packages_add_chromium_and_libatomic():
    course, everything = listed(), listed("--tests")
    assert everything[:len(course)] == course
    assert set(everything[len(course):]) == TEST_ONLY


def test_bad_option_is_refused():
    proc = subprocess.run(["bash", str(SCRIPT), "--browser"], capture_output=True, text=True,
                          timeout=30, check=False)
    assert proc.returncode == 2 and "usage" in proc.stderr


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize("target, tests_too", [("lab", False), ("setup", False), ("test", True)])
def test_make_targets_install_the_right_packages(target, tests_too):
    proc = subprocess.run(["make", "-n", "-C", str(ROOT), target], capture_output=True, text=True,
                          timeout=30, check=True)
    calls = [ln for ln in proc.stdout.splitlines() if "install-system-packages.sh" in ln]
    assert calls
    assert any("--tests" in ln for ln in calls) is tests_too
