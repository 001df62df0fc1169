"""scripts/install-jupyter-config.sh: the kernels and JupyterLab's classroom settings, in the venv."""

from __future__ import annotations

import json
import shutil
import site
import subprocess
import sys
from pathlib import Path

import pytest

from kernel_helpers import paths

ROOT = paths.repo_root()
SCRIPT = ROOT / "scripts" / "install-jupyter-config.sh"
SCHEMAS = Path(sys.prefix) / "share" / "jupyter" / "lab" / "schemas"


@pytest.fixture(scope="module")
def prefix(tmp_path_factory) -> Path:
    """A fresh venv (no pip) that sees this one's packages, with the script run twice in it."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    lib = venv / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" / "site-packages"
    (lib / "course.pth").write_text("".join(f"import site; site.addsitedir({p!r})\n"
                                            for p in site.getsitepackages()))
    config = venv / "etc" / "jupyter" / "jupyter_server_config.json"
    config.parent.mkdir(parents=True)
    config.write_text(json.dumps({"ServerApp": {"shutdown_no_activity_timeout": 600}}))
    for _ in range(2):  # again: the same files, nothing added twice
        done = subprocess.run(["bash", str(SCRIPT), str(venv / "bin" / "python")], capture_output=True,
                              text=True, timeout=180)
        assert done.returncode == 0, done.stderr
    return venv


def kernel(prefix: Path, name: str) -> dict:
    return json.loads((prefix / "share" / "jupyter" / "kernels" / name / "kernel.json").read_text())


def test_the_english_and_the_chinese_kernel(prefix):
    english, chinese = kernel(prefix, "podman-course"), kernel(prefix, "podman-course-zh-cn")
    assert english["display_name"] == "Podman course" and "env" not in english
    assert chinese["display_name"] == "Podman 课程（中文）"
    assert chinese["env"] == {"PODMAN_COURSE_LANG": "zh-CN"}
    assert chinese["argv"][0] == english["argv"][0] == str(prefix / "bin" / "python")
    assert sorted(p.name for p in (prefix / "share" / "jupyter" / "kernels").iterdir()) == [
        "podman-course", "podman-course-zh-cn"]


def test_lab_settings_turn_off_the_news_and_are_valid(prefix):
    jsonschema = pytest.importorskip("jsonschema")
    settings = prefix / "share" / "jupyter" / "lab" / "settings"
    assert [p.name for p in settings.rglob("*") if p.is_file()] == ["podman-course.json"]
    overrides = json.loads((settings / "overrides.d" / "podman-course.json").read_text())
    assert overrides == {"@jupyterlab/apputils-extension:notification":
                         {"fetchNews": "false", "checkForUpdates": False}}
    for plugin, values in overrides.items():
        package, name = plugin.split(":")
        schema_file = SCHEMAS / package / f"{name}.json"
        if not schema_file.exists():
            pytest.skip(f"JupyterLab's schemas are not in {SCHEMAS}")
        jsonschema.validate(values, json.loads(schema_file.read_text()))


def test_the_course_kernel_is_the_servers_default_and_other_keys_stay(prefix):
    config = json.loads((prefix / "etc" / "jupyter" / "jupyter_server_config.json").read_text())
    assert config == {"ServerApp": {"shutdown_no_activity_timeout": 600},
                      "MappingKernelManager": {"default_kernel_name": "podman-course"}}
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

    assert "default_kernel_name" in AsyncMappingKernelManager.class_trait_names(config=True)


def test_jupyterlab_reads_the_overrides_folder(prefix):
    settings_utils = pytest.importorskip("jupyterlab_server.settings_utils")
    found, error = settings_utils._get_overrides(str(prefix / "share" / "jupyter" / "lab" / "settings"))
    assert not error
    assert found["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_venv_runs_the_script_when_it_changes():
    proc = subprocess.run(["make", "-n", "-C", str(ROOT), "-o", ".venv/.installed",
                           "-W", "jupyter/lab-overrides.json", "venv"],
                          capture_output=True, text=True, timeout=30, check=True)
    assert "bash scripts/install-jupyter-config.sh .venv/bin/python" in proc.stdout
