"""requirements.txt resolves, as pinned and complete, for Debian 12's own python3 (3.11.2).

pip resolves the whole file against the package index for an interpreter it is not
running on (``--python-version 3.11.2``), wheels only, as ``make`` would install it on a
stock Debian 12 machine. The newer interpreters of the dev machines hid a pin that needed
Python >= 3.11.5 (soupsieve 4.x). Takes about a minute: every wheel's metadata is read.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from kernel_helpers import paths

from ..unit.test_packages import normalize, pins

DEBIAN_12_PYTHON = "3.11.2"
# Debian 12's glibc is 2.36: every manylinux tag up to it, and the legacy aliases.
PLATFORMS = [f"manylinux_2_{minor}_x86_64" for minor in range(36, 4, -1)] + [
    "manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64"]


def index_reachable() -> str | None:
    """Why the package index cannot be reached in 5 s, or None when it answers."""
    index = (os.environ.get("PIP_INDEX_URL") or "https://pypi.org/simple").rstrip("/")
    try:
        with urllib.request.urlopen(f"{index}/pip/", timeout=5):
            return None
    except (OSError, urllib.error.URLError) as exc:
        return f"the package index {index} cannot be reached ({exc}): nothing to resolve against"


@pytest.mark.parametrize("python_version", [DEBIAN_12_PYTHON])
def test_requirements_resolve_for_debian_python(python_version, tmp_path):
    reason = index_reachable()
    if reason:
        pytest.skip(reason)
    report = tmp_path / "report.json"
    argv = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed",
            "--disable-pip-version-check", "--timeout", "30", "--retries", "2",
            "--only-binary=:all:", "--python-version", python_version, "--implementation", "cp",
            "--abi", "cp311", *[arg for plat in PLATFORMS for arg in ("--platform", plat)],
            "--target", str(tmp_path / "target"), "--report", str(report),
            "-r", str(paths.repo_root() / "requirements.txt")]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=600, check=False)
    errors = [line for line in proc.stderr.splitlines() if line.startswith("ERROR")]
    assert proc.returncode == 0, "\n".join(errors) or proc.stderr[-3000:]
    # a yanked release installs with a warning only: soupsieve 3.0.1 was yanked for 3.11 < 3.11.5
    assert "yanked" not in proc.stderr, [ln for ln in proc.stderr.splitlines() if "yanked" in ln]

    wanted = pins()
    chosen = {normalize(item["metadata"]["name"]): item["metadata"]["version"]
              for item in json.loads(report.read_text())["install"]}
    unpinned = sorted(set(chosen) - set(wanted))
    assert not unpinned, f"dependencies not pinned in requirements.txt: {unpinned}"
    assert chosen == wanted
