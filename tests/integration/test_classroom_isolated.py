"""The classroom on a state of its own (ports 5500-5502): squatters, the kit account, two storages.

Everything here runs against PODMAN_COURSE_STATE=/tmp/cl-state,
PODMAN_COURSE_RUNTIME=/tmp/cl-rt and PODMAN_COURSE_REGISTRY_PORT=5500 (an ordinary user's:
/tmp/cl-state-UID and /tmp/cl-rt-UID; the port from $PODMAN_COURSE_ISOLATED_PORT), never against
the shared classroom. The module's fixture stops the registries it started and removes
that state, also when a test fails. Only the ``busybox`` recipe is built (seconds).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import pytest

from kernel_helpers import classroom, engine, images, paths, procinfo, registries, registry_api
from kernel_helpers.errors import KitError

_ME = "" if os.geteuid() == 0 else f"-{os.geteuid()}"
STATE, RUNTIME = Path(f"/tmp/cl-state{_ME}"), Path(f"/tmp/cl-rt{_ME}")
PORT = int(os.environ.get("PODMAN_COURSE_ISOLATED_PORT") or 5500)
SHARED_DOCTOR = paths.state_dir() / "doctor.json"  # read only: the host's workarounds

pytestmark = [
    pytest.mark.skipif(shutil.which("podman") is None, reason="podman is not installed"),
    pytest.mark.skipif(shutil.which("docker-registry") is None,
                       reason="docker-registry (the classroom) is not installed"),
    pytest.mark.skipif(shutil.which("skopeo") is None, reason="skopeo is not installed"),
    pytest.mark.skipif(not Path("/bin/busybox").exists(), reason="busybox-static is missing"),
]


def _reset() -> None:
    """Stop what this state recorded (kit-verified pids only) and remove the state."""
    classroom.down()
    store = engine.image_store_world()
    if store.conf_dir.exists():
        subprocess.run(["podman", "rmi", "-af"], env=store.full_env(), capture_output=True,
                       timeout=120, check=False)
    for folder in (STATE, RUNTIME):
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def isolated():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PODMAN_COURSE_STATE", str(STATE))
        mp.setenv("PODMAN_COURSE_RUNTIME", str(RUNTIME))
        mp.setenv(classroom.PORT_ENV, str(PORT))
        _reset()
        STATE.mkdir(parents=True)
        if SHARED_DOCTOR.exists():
            shutil.copy(SHARED_DOCTOR, STATE / "doctor.json")
        try:
            yield
        finally:
            _reset()
            for port in (PORT, PORT + 1, PORT + 2):
                assert not procinfo.listening_inodes(port), f"port {port} still bound"


def test_a_squatter_gets_a_clear_refusal(isolated, tmp_path):
    squatter = subprocess.Popen([sys.executable, "-m", "http.server", "-b", "127.0.0.1",
                                 str(PORT)], cwd=tmp_path, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while not procinfo.listening_inodes(PORT) and time.monotonic() < deadline:
            time.sleep(0.05)
        expected = (f"port {PORT} is answered by a process the kit did not start "
                    f"(pid {squatter.pid}, {os.path.realpath(sys.executable)}): stop it, "
                    f"or set {classroom.PORT_ENV} to another port")
        with pytest.raises(KitError) as err:
            classroom.up()
        assert str(err.value) == expected
        now = classroom.status()
        assert not now.running and not now.pull_up and now.problems["pull"] == expected
        cli = subprocess.run([sys.executable, "-m", "kernel_helpers", "classroom", "up"],
                             capture_output=True, text=True, timeout=60, check=False,
                             cwd=Path(classroom.__file__).parents[1])
        assert cli.returncode != 0 and expected in cli.stderr
    finally:
        squatter.terminate()
        squatter.wait(timeout=10)
    assert not any((RUNTIME / "registry" / f"{e}.pid").exists() for e in classroom.ENDPOINTS)


@pytest.fixture(scope="module")
def built(isolated):
    """busybox built and pushed by images.build; every argv (and env) it ran, recorded."""
    seen: list[tuple[list[str], dict]] = []
    real = subprocess.Popen

    def spy(argv, *args, **kwargs):
        seen.append(([str(a) for a in argv], dict(kwargs.get("env") or {})))
        return real(argv, *args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(subprocess, "Popen", spy)
        results = images.build(names=["busybox"], log=lambda line: None)
    return results, seen


def test_images_push_with_the_kit_account_and_never_show_its_password(built):
    results, seen = built
    assert [(r.recipe, r.action, r.pushed) for r in results] == [("busybox", "built", True)]
    password = (STATE / "registry" / "kit-password").read_text().strip()
    assert len(password) >= 32
    pushes = [argv for argv, _ in seen if argv[:2] == ["podman", "push"]]
    assert {argv[-1] for argv in pushes} == {f"docker://localhost:{PORT + 2}/busybox:latest",
                                             f"docker://localhost:{PORT + 1}/busybox:latest"}
    assert all("--authfile" in argv and "--creds" not in argv for argv in pushes)
    for argv, env in seen:
        assert password not in " ".join(argv) and password not in " ".join(env.values())
    assert password not in (STATE / "images" / "build.log").read_text()
    for pid in classroom.status().pids.values():
        assert password.encode() not in Path(f"/proc/{pid}/cmdline").read_bytes()


def test_three_endpoints_run_and_are_ours(built):
    now = classroom.status()
    assert now.running and now.pull_up and now.push_up and now.kit_up and not now.problems
    assert now.kit_url == f"http://localhost:{PORT + 2}" and all(now.pids.values())
    for endpoint, pid in now.pids.items():
        assert procinfo.executable(pid) == os.path.realpath(shutil.which("docker-registry"))
        assert classroom._probe(endpoint).state == "up"
    again = classroom.up()
    assert again.pids == now.pids  # idempotent: nothing restarted


@pytest.fixture
def learner(built, tmp_path):
    """A throwaway podman world with the isolated registries.conf and its own auth file."""
    runroot = Path(tempfile.mkdtemp(prefix="l", dir=RUNTIME))  # short: podman 4.3 needs it
    world = engine.World(conf_dir=tmp_path / "conf", graphroot=tmp_path / "g",
                         runroot=runroot, tmp_dir=tmp_path / "t").write(
        registries.registries_conf_text())
    yield world
    subprocess.run(["podman", "rmi", "-af"], env=world.full_env(), capture_output=True,
                   timeout=120, check=False)


def run(world: engine.World, *argv: str) -> subprocess.CompletedProcess:
    argv = list(argv)
    if argv[0] == "skopeo":  # skopeo 1.9 ignores CONTAINERS_REGISTRIES_CONF (as the magic does)
        argv[1:1] = ["--registries-conf", world.env["CONTAINERS_REGISTRIES_CONF"]]
    return subprocess.run(argv, env=world.full_env(), capture_output=True, text=True,
                          timeout=300, check=False)


def tiny_image(world: engine.World, tmp_path: Path, name: str) -> str:
    """``podman import`` of a tar holding /bin/busybox and a file of its own."""
    marker = tmp_path / "learner.txt"
    marker.write_text(f"pushed by a learner test {time.time()}\n")
    tar = tmp_path / "tiny.tar"
    with tarfile.open(tar, "w") as archive:
        archive.add("/bin/busybox", arcname="bin/busybox")
        archive.add(marker, arcname="learner.txt")
    imported = run(world, "podman", "import", str(tar), name)
    assert imported.returncode == 0, imported.stderr
    return run(world, "podman", "image", "inspect", "--format", "{{.Id}}", name).stdout.strip()


def test_a_learner_push_never_changes_what_the_pull_endpoint_serves(learner, tmp_path):
    course = registry_api.config_digest(PORT, "busybox:latest")
    assert course and course.startswith("sha256:")
    catalog_before = classroom.catalog()
    mine = tiny_image(learner, tmp_path, f"localhost:{PORT + 1}/busybox:latest")
    login = run(learner, "podman", "login", "-u", "student", "-p", "redhat123", f"localhost:{PORT + 1}")
    assert login.returncode == 0, login.stderr
    for name in (f"localhost:{PORT + 1}/busybox:latest", f"localhost:{PORT + 1}/student/mine:1"):
        if name != f"localhost:{PORT + 1}/busybox:latest":
            assert run(learner, "podman", "tag", f"localhost:{PORT + 1}/busybox:latest",
                       name).returncode == 0
        pushed = run(learner, "podman", "push", name)
        assert pushed.returncode == 0, pushed.stderr
    student = ("student", "redhat123")
    assert registry_api.config_digest(PORT + 1, "busybox:latest", student) == f"sha256:{mine}"
    assert registry_api.config_digest(PORT, "busybox:latest") == course  # unchanged
    assert classroom.catalog() == catalog_before  # student/mine is not on PORT
    assert registry_api.config_digest(PORT, "student/mine:1") is None
    images.build(names=["busybox"], log=lambda line: None)  # the seed is put back
    assert registry_api.config_digest(PORT + 1, "busybox:latest", student) == course


def test_the_student_login_cannot_reach_the_course_storage(learner, tmp_path):
    kit = run(learner, "podman", "login", "--tls-verify=false", "-u", "student", "-p", "redhat123",
              f"localhost:{PORT + 2}")  # not in registries.conf: learners are not shown it
    assert kit.returncode != 0 and "invalid username/password" in kit.stderr
    tiny_image(learner, tmp_path, f"localhost:{PORT}/busybox:latest")
    refused = run(learner, "podman", "push", f"localhost:{PORT}/busybox:latest")
    assert refused.returncode != 0
    assert "405" in refused.stderr or "denied" in refused.stderr.lower()


def test_the_notebook_copy_flow_on_the_learner_endpoint(learner):
    """Notebook 02: skopeo copy 5000 -> 5001 (new tag), list-tags, delete, latest stays."""
    assert run(learner, "podman", "login", "-u", "student", "-p", "redhat123",
               f"localhost:{PORT + 1}").returncode == 0
    src, dst = f"docker://localhost:{PORT}/busybox:latest", f"docker://localhost:{PORT + 1}/busybox:copy-t"
    copied = run(learner, "skopeo", "copy", "--format", "v2s2", src, dst)
    assert copied.returncode == 0, copied.stderr
    tags = json.loads(run(learner, "skopeo", "list-tags", f"docker://localhost:{PORT + 1}/busybox")
                      .stdout)["Tags"]
    assert {"copy-t", "latest"} <= set(tags)
    assert run(learner, "skopeo", "delete", dst).returncode == 0
    after = json.loads(run(learner, "skopeo", "list-tags", f"docker://localhost:{PORT + 1}/busybox")
                       .stdout)["Tags"]
    assert "copy-t" not in after and "latest" in after
    assert run(learner, "podman", "logout", f"localhost:{PORT + 1}").returncode == 0


def test_up_restarts_only_a_registry_started_with_an_older_config(built):
    before = classroom.status().pids
    (RUNTIME / "registry" / "push.pid").write_text(f"{before['push']}\n")  # an older kit's record
    after = classroom.up().pids
    assert after["pull"] == before["pull"] and after["kit"] == before["kit"]
    assert after["push"] != before["push"] and not procinfo.alive(before["push"])


def test_down_stops_all_three(built):
    pids = classroom.status().pids
    stopped = classroom.down()
    assert not stopped.running and not any(stopped.pids.values())
    assert not any(procinfo.alive(pid) for pid in pids.values())
    classroom.up()  # later tests (and the finalizer) find it as they expect
