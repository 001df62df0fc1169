"""binder/ for repo2docker (issue 14): a replay-only course, with the course's own pins.

scripts/check-binder.sh installs it for real (a fresh venv, postBuild, every notebook in replay
mode, repo2docker --no-build); these checks need no network.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import tomllib

from kernel_helpers import paths

from .test_jupyter_config import SCRIPT, prefix  # noqa: F401 (prefix: a fixture)
from .test_packages import PIN, listed, normalize, pins

ROOT = paths.repo_root()
BINDER = ROOT / "binder"
# repo2docker's image ships notebook 7.4 (jupyterlab < 4.5) and starts `jupyter notebook`
BINDER_ONLY = {"notebook"}
LAUNCH = "urlpath=lab/tree/notebooks/00_setup.ipynb"


def binder_pins() -> dict[str, str]:
    """binder/requirements.txt as {normalized name: version}: comments, else NAME==VERSION only."""
    found: dict[str, str] = {}
    for number, line in enumerate((BINDER / "requirements.txt").read_text().splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = PIN.match(line)
        # no -r/-e: repo2docker installs this file before it copies the repository
        assert match, f"binder/requirements.txt line {number} is not NAME==VERSION: {line!r}"
        assert normalize(match.group(1)) not in found, f"binder pins {match.group(1)} twice"
        found[normalize(match.group(1))] = match.group(2)
    return found


def apt_packages() -> list[str]:
    lines = (BINDER / "apt.txt").read_text().splitlines()
    return [pkg for line in lines for pkg in line.split("#", 1)[0].split()]


@pytest.mark.parametrize("name", ["requirements.txt", "runtime.txt", "apt.txt", "postBuild", "start",
                                  "server-config.json"])
def test_the_binder_files_exist(name):
    assert (BINDER / name).is_file()


@pytest.mark.parametrize("name", ["postBuild", "start"])
def test_the_scripts_are_executable(name):
    assert os.access(BINDER / name, os.X_OK)
    assert (BINDER / name).read_text().startswith("#!/usr/bin/env bash\n")


def test_python_is_3_11():
    assert (BINDER / "runtime.txt").read_text().split() == ["python-3.11"]


def test_every_pin_is_the_courses():
    binder, course = binder_pins(), pins()
    assert set(binder) - set(course) == BINDER_ONLY
    differ = {name: (version, course[name]) for name, version in binder.items()
              if name in course and version != course[name]}
    assert not differ, f"binder/requirements.txt differs from requirements.txt: {differ}"


def test_the_kit_and_the_lab_are_in_and_the_hub_and_tests_are_out():
    binder = binder_pins()
    kit = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    wanted = {normalize(name) for name in kit} | {
        "jupyterlab", "jupyterlab-language-pack-zh-cn", "ipykernel", "matplotlib", "babel", "nbclient"}
    assert wanted <= set(binder), sorted(wanted - set(binder))
    assert not {"jupyterhub", "pytest", "nbval", "playwright", "ruff", "coverage"} & set(binder)


def test_apt_installs_the_fonts_and_nothing_of_podman():
    apt = apt_packages()
    assert apt == ["fonts-noto-cjk"]  # Chinese glyphs in the browser and in matplotlib
    assert set(apt) <= set(listed())  # nothing the course does not install itself


def test_start_sets_replay_mode_and_execs_its_arguments():
    env = {key: value for key, value in os.environ.items() if key != "PODMAN_COURSE_MODE"}
    code = "import os, sys; print(os.getpid(), os.environ['PODMAN_COURSE_MODE']); sys.exit(7)"
    proc = subprocess.Popen([str(BINDER / "start"), sys.executable, "-c", code],
                            stdout=subprocess.PIPE, text=True, env=env)
    out, _ = proc.communicate(timeout=30)
    pid, mode = out.split()
    assert mode == "replay"
    assert int(pid) == proc.pid  # exec: the server replaces start, it is not its child
    assert proc.returncode == 7


def test_the_server_opens_the_first_notebook():
    """`jupyter notebook` (repo2docker's command), `jupyter lab` and `jupyter server` alike: the
    app a server starts with sets the server's default_url from its own (check-binder starts them)."""
    config = json.loads((BINDER / "server-config.json").read_text())
    url = "/" + LAUNCH.split("=", 1)[1]
    assert config == {app: {"default_url": url} for app in ("ServerApp", "JupyterNotebookApp", "LabApp")}
    assert (ROOT / url.removeprefix("/lab/tree/")).is_file()


def test_postbuild_merges_the_server_config_into_the_environments(prefix):  # noqa: F811
    """postBuild's last step: the classroom's server settings, the ones there before, and binder's."""
    done = subprocess.run(["bash", str(SCRIPT), str(prefix / "bin" / "python"),
                           str(BINDER / "server-config.json")], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert "bash scripts/install-jupyter-config.sh python binder/server-config.json" in (
        BINDER / "postBuild").read_text()
    config = json.loads((prefix / "etc" / "jupyter" / "jupyter_server_config.json").read_text())
    url = "/lab/tree/notebooks/00_setup.ipynb"
    assert config == {"ServerApp": {"shutdown_no_activity_timeout": 600, "default_url": url},
                      "MappingKernelManager": {"default_kernel_name": "podman-course"},
                      "JupyterNotebookApp": {"default_url": url}, "LabApp": {"default_url": url}}


@pytest.mark.parametrize("readme", ["README.md", "README.zh-CN.md"])
def test_the_readme_has_a_binder_badge_on_the_first_notebook(readme):
    text = (ROOT / readme).read_text()
    assert "https://mybinder.org/badge_logo.svg" in text
    assert f"?{LAUNCH}" in text
