"""images: pushes go to the kit endpoint with an auth file only; every step has a timeout."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from kernel_helpers import classroom, images, locks
from kernel_helpers.errors import CommandTimeout, KitError


class FakeRunner:
    def __init__(self):
        self.argvs = []

    def run(self, argv, step, timeout, stdout_path=None):
        assert timeout == images.TIMEOUTS["push"] and step
        self.argvs.append(argv)


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("PODMAN_COURSE_STATE", str(tmp_path / "state"))
    monkeypatch.setenv("PODMAN_COURSE_RUNTIME", str(tmp_path / "rt"))
    monkeypatch.setenv(classroom.PORT_ENV, "25000")
    return tmp_path


def test_push_uses_the_kit_endpoint_and_the_auth_file(env, monkeypatch):
    asked = []
    monkeypatch.setattr(images.registry_api, "config_digest",
                        lambda port, tag, login=None: asked.append((port, login)))
    runner = FakeRunner()
    recipe = images.Recipe("ubi", Path("/x"), ("ubi8/ubi:latest", "ubi7/ubi:latest"))
    assert images._push(recipe, "abc", runner, force=False)
    auth = str(classroom.kit_auth_file())
    assert runner.argvs == [
        ["podman", "push", "--tls-verify=false", "--authfile", auth,
         f"localhost:25000/{tag}", f"docker://localhost:25002/{tag}"]
        for tag in recipe.tags]
    assert asked == [(25000, None), (25000, None)]  # read back where learners pull
    assert not any("--creds" in a or "redhat123" in " ".join(a) for a in runner.argvs)


def test_learner_seed_is_pushed_to_the_learners_endpoint_too(env, monkeypatch):
    have = {(25000, "busybox:latest"): "sha256:abc"}  # the course storage already has it
    monkeypatch.setattr(images.registry_api, "config_digest",
                        lambda port, tag, login=None: have.get((port, tag)))
    runner = FakeRunner()
    seed = next(r for r in images.RECIPES if r.learner_seed)
    assert seed.name == "busybox" and seed.tags == ("busybox:latest",)
    assert images._push(seed, "abc", runner, force=False)
    assert [a[-1] for a in runner.argvs] == ["docker://localhost:25001/busybox:latest"]
    have[(25001, "busybox:latest")] = "sha256:abc"
    assert not images._push(seed, "abc", FakeRunner(), force=False)


def test_unpushed_recipes_push_nothing(env):
    runner = FakeRunner()
    infra = next(r for r in images.RECIPES if not r.push)
    assert not images._push(infra, "abc", runner, force=True) and runner.argvs == []


class _World:
    def full_env(self):
        return dict(os.environ)


def test_a_step_that_runs_out_of_time_is_stopped_with_its_children(tmp_path):
    log = tmp_path / "build.log"
    log.write_text("")
    runner = images._Runner(_World(), log)
    child_pid = tmp_path / "child.pid"
    script = f"sleep 60 & echo $! > {child_pid}; wait"
    start = time.monotonic()
    with pytest.raises(images.StepTimeout) as err:
        runner.run(["sh", "-c", script], "ubi: mmdebstrap (root file system)", 0.5)
    assert time.monotonic() - start < 15
    assert isinstance(err.value, CommandTimeout) and isinstance(err.value, KitError)
    assert str(err.value) == ("ubi: mmdebstrap (root file system) did not finish within 0.5 s "
                              f"and was stopped; see {log}")
    pid = int(child_pid.read_text())
    deadline = time.monotonic() + 5
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(f"/proc/{pid}").exists(), "the grandchild outlived the timeout"
    assert "$ sh -c" in log.read_text()
    assert "# ubi: mmdebstrap (root file system): stopped after 0.5 s (timeout)" in log.read_text()


def test_every_step_has_a_timeout():
    assert set(images.TIMEOUTS) == {"mmdebstrap", "import", "build", "push", "inspect", "rmi"}
    assert images.TIMEOUTS["build"] >= 1800 and images.TIMEOUTS["inspect"] <= 60
    source = Path(images.__file__).read_text()
    assert "subprocess.run(" not in source  # every command goes through _Runner.call


def test_build_holds_the_images_lock(env, monkeypatch):
    seen = []
    monkeypatch.setattr(images.shutil, "which", lambda name: "/usr/bin/" + name)
    monkeypatch.setattr(images, "_build_locked",
                        lambda names, force, log: seen.append(dict(locks._held())) or [])
    assert images.build(log=lambda line: None) == []
    assert seen == [{"images": 1}] and "images" not in locks._held()
