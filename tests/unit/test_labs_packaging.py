"""The labs are package data: an install carries every lab file of the catalogue."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from kernel_helpers.labs import loader

ROOT = Path(__file__).resolve().parents[2]


def test_an_install_carries_the_lab_files(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(ROOT / "kernel_helpers", src / "kernel_helpers",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    out = tmp_path / "lib"
    proc = subprocess.run([sys.executable, "-c", "import setuptools; setuptools.setup()", "-q",
                           "build_py", "-d", str(out)], cwd=src, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    installed = sorted(p.name for p in (out / "kernel_helpers" / "labs" / "catalog").glob("*.toml"))
    assert installed == sorted(p.name for p in loader.CATALOG.glob("*.toml")) != []
    # and the kit's message catalogue (kernel_helpers.i18n): the .po, compiled at first use
    assert (out / "kernel_helpers" / "locale" / "zh_CN" / "LC_MESSAGES" / "kernel_helpers.po").exists()
