"""Kit-owned podman config files: what they say, and the worlds that select them."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
import tomllib

from kernel_helpers import engine
from kernel_helpers.errors import KitError


@pytest.fixture(autouse=True)
def private_state(monkeypatch, tmp_path):
    monkeypatch.setenv("PODMAN_COURSE_STATE", str(tmp_path / "state"))
    monkeypatch.setenv("PODMAN_COURSE_RUNTIME", str(tmp_path / "run"))


LIMITS = {"log_driver": "k8s-file", "log_size_max": 1048576, "pids_limit": 2048}


def test_workarounds_appear_only_when_decided():
    assert tomllib.loads(engine.containers_conf_text({})) == {"containers": LIMITS}
    conf = tomllib.loads(engine.containers_conf_text(
        {"runtime": "runc", "ulimits": ["nofile=1024:1024"]}, tmp_dir="/t"))
    assert conf == {"containers": {**LIMITS, "default_ulimits": ["nofile=1024:1024"]},
                    "engine": {"runtime": "runc", "tmp_dir": "/t"}}


def test_every_world_caps_container_logs_and_pids(tmp_path, short_tmp):
    engine.World(conf_dir=tmp_path / "c", graphroot=tmp_path / "g",
                 runroot=short_tmp / "r", tmp_dir=tmp_path / "t").write(registries_text="")
    conf = tomllib.loads((tmp_path / "c" / "containers.conf").read_text())["containers"]
    assert conf["log_driver"] == "k8s-file"  # journald would ignore log_size_max
    assert conf["log_size_max"] == 1024 * 1024
    assert 0 < conf["pids_limit"] <= 4096


def test_storage_conf_shares_the_image_store():
    conf = tomllib.loads(engine.storage_conf_text("/g", "/r", "overlay", ["/images"]))
    assert conf["storage"] == {"driver": "overlay", "graphroot": "/g", "runroot": "/r",
                               "rootless_storage_path": "/g",
                               "options": {"additionalimagestores": ["/images"]}}


@pytest.fixture
def short_tmp():
    """Run roots must stay short (see engine.MAX_RUNROOT); pytest's tmp_path is too long."""
    path = Path(tempfile.mkdtemp(prefix="kh-", dir="/tmp"))
    yield path
    shutil.rmtree(path)


def test_a_world_is_only_environment(tmp_path, short_tmp):
    world = engine.World(conf_dir=tmp_path / "c", graphroot=tmp_path / "g",
                         runroot=short_tmp / "r", tmp_dir=tmp_path / "t").write(registries_text="# x\n")
    env = world.env
    assert set(env) == {"CONTAINERS_CONF", "CONTAINERS_STORAGE_CONF", "CONTAINERS_REGISTRIES_CONF",
                        "REGISTRY_AUTH_FILE"}
    assert json.loads((tmp_path / "c" / "auth.json").read_text()) == {}
    assert (tmp_path / "c" / "auth.json").stat().st_mode & 0o077 == 0
    assert "kit-owned" in (tmp_path / "c" / "containers.conf").read_text().lower()


def test_doctor_decisions_reach_new_worlds(tmp_path, short_tmp):
    state = tmp_path / "state"
    state.mkdir()
    (state / "doctor.json").write_text(json.dumps({"decisions": {"runtime": "runc"}}))
    engine.World(conf_dir=tmp_path / "c", graphroot=tmp_path / "g",
                 runroot=short_tmp / "r", tmp_dir=tmp_path / "t").write(registries_text="")
    assert tomllib.loads((tmp_path / "c" / "containers.conf").read_text())["engine"]["runtime"] == "runc"


def test_long_run_roots_are_refused_with_the_reason(tmp_path):
    world = engine.World(conf_dir=tmp_path / "c", graphroot=tmp_path / "g",
                         runroot=tmp_path / ("x" * 60), tmp_dir=tmp_path / "t")
    with pytest.raises(KitError, match="20 s"):
        world.write()
