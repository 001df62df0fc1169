"""A non-editable install of the kit carries every subpackage (parsers, widgets...) and declares
what the kit imports."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_the_wheel_holds_every_subpackage_of_the_kit(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    # build from a copy of the tracked files: no build/ or egg-info of the checkout leaks in
    src = tmp_path / "src"
    files = subprocess.run(["git", "ls-files", "kernel_helpers", "pyproject.toml", "README.md"],
                           cwd=ROOT, capture_output=True, text=True, timeout=60, check=True).stdout.split()
    for name in files:
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, src / name)
    # what a non-editable install copies: setuptools' build_py, from pyproject.toml alone (offline;
    # the venv has no `wheel`, so no bdist_wheel), and the metadata it declares (egg_info)
    out = tmp_path / "lib"
    proc = subprocess.run([sys.executable, "-c", "import setuptools; setuptools.setup()",
                           "-q", "build_py", "-d", str(out), "egg_info", "-e", str(tmp_path)],
                          cwd=src, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    inside = {p.relative_to(out).as_posix() for p in out.rglob("*.py")}
    packages = {p.parent.relative_to(src).as_posix() for p in (src / "kernel_helpers").rglob("__init__.py")}
    assert {"kernel_helpers", "kernel_helpers/parsers", "kernel_helpers/widgets"} <= packages
    modules = {p.relative_to(src).as_posix() for p in (src / "kernel_helpers").rglob("*.py")}
    assert modules <= inside, f"left out of an install: {sorted(modules - inside)}"
    requires = next(tmp_path.glob("*.egg-info")) / "requires.txt"
    assert "ipywidgets" in requires.read_text().split()
