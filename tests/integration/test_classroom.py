"""The classroom registry and the course images, on the real engine.

Uses the ``classroom_up`` session fixture from conftest.py; everything else is
local to this file: a throwaway podman world in a temporary directory (with its
own REGISTRY_AUTH_FILE) that pulls from the classroom like a learner would.
"""

from __future__ import annotations

import random
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from kernel_helpers import classroom, engine, images, registries

pytestmark = [
    pytest.mark.skipif(shutil.which("podman") is None, reason="podman is not installed"),
    pytest.mark.skipif(shutil.which("docker-registry") is None,
                       reason="docker-registry (the classroom) is not installed"),
]

COURSE_REPOS = {
    "busybox": {"latest"},
    "ubi8/ubi": {"latest"},
    "ubi7/ubi": {"latest"},
    "rhel8/httpd-24": {"1-105", "latest"},
    "rhel8/mariadb-103": {"latest"},
}


@pytest.fixture(scope="module")
def course_images(classroom_up):
    """Every course image built (or reused) and pushed to the classroom."""
    return images.build(log=lambda line: None)


@pytest.fixture(scope="module")
def learner(tmp_path_factory):
    """A throwaway podman world: its own store, registries.conf copy and auth file."""
    base = tmp_path_factory.mktemp("learner")
    registries.write_registries_conf()
    world = engine.World(conf_dir=base / "conf", graphroot=base / "graph",
                         runroot=base / "run", tmp_dir=base / "tmp").write()
    yield world
    for argv in (["rm", "-af", "-t", "0"], ["rmi", "-af"]):
        subprocess.run(["podman", *argv], env=world.full_env(), capture_output=True, check=False)


def podman(world: engine.World, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(["podman", *args], env=world.full_env(), capture_output=True,
                          text=True, timeout=timeout, check=False)


def free_port() -> int:
    """A loopback port >= 20000 that nothing is bound to right now."""
    for _ in range(200):
        port = random.randint(20000, 29999)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 20000-29999")


def test_up_and_status_are_idempotent(classroom_up):
    again = classroom.up()
    assert again.running and again.pids == classroom_up.pids
    now = classroom.status()
    assert now.running and now.pull_up and now.push_up
    assert classroom.pull_host() in now.pull_url and classroom.push_host() in now.push_url
    assert classroom.COURSE_PASSWORD in now.describe()


def test_catalog_lists_the_course_repositories(course_images):
    rows = {row["repository"]: set(row["tags"]) for row in classroom.catalog()}
    for repo, tags in COURSE_REPOS.items():
        assert tags <= rows.get(repo, set()), repo
    assert [r["repository"] for r in classroom.catalog()] == sorted(rows)


def test_warm_build_reuses_everything(course_images):
    again = images.build(log=lambda line: None)
    assert [r.action for r in again] == ["reused"] * len(images.RECIPES)
    assert not any(r.pushed for r in again)


def test_wrong_password_is_refused_course_login_accepted(classroom_up, learner):
    host = classroom.push_host()
    wrong = podman(learner, "login", "-u", classroom.COURSE_USER, "-p", "not-the-password", host)
    assert wrong.returncode != 0
    assert "invalid username/password" in wrong.stderr
    right = podman(learner, "login", "-u", classroom.COURSE_USER,
                   "-p", classroom.COURSE_PASSWORD, host)
    assert right.returncode == 0, right.stderr
    assert host in Path(learner.env["REGISTRY_AUTH_FILE"]).read_text()
    assert podman(learner, "logout", host).returncode == 0


def test_anonymous_pull_and_refused_push(course_images, learner):
    image = f"{classroom.pull_host()}/busybox:latest"
    pulled = podman(learner, "pull", "-q", image)
    assert pulled.returncode == 0, pulled.stderr
    mine = f"{classroom.pull_host()}/test/refused:1"
    assert podman(learner, "tag", image, mine).returncode == 0
    pushed = podman(learner, "push", mine)
    assert pushed.returncode != 0
    assert "405" in pushed.stderr or "denied" in pushed.stderr.lower()


def test_remaps_alias_and_block(course_images, learner):
    alias = podman(learner, "pull", "-q", "ubi")
    assert alias.returncode == 0, alias.stderr
    remapped = podman(learner, "pull", "-q", "registry.redhat.io/rhel8/httpd-24:1-105")
    assert remapped.returncode == 0, remapped.stderr
    names = podman(learner, "images", "--format", "{{.Repository}}:{{.Tag}}").stdout.split()
    assert "registry.access.redhat.com/ubi8/ubi:latest" in names
    assert "registry.redhat.io/rhel8/httpd-24:1-105" in names
    blocked = podman(learner, "pull", "blocked.example.com/course/anything")
    assert blocked.returncode != 0
    assert "registry blocked.example.com is blocked" in blocked.stderr


def test_httpd_tags_are_different_builds_sharing_layers(course_images, learner):
    tags = [f"registry.redhat.io/rhel8/httpd-24:{t}" for t in ("1-105", "latest")]
    for tag in tags:
        assert podman(learner, "pull", "-q", tag).returncode == 0
    inspected = [podman(learner, "image", "inspect", "--format",
                        "{{.Id}} {{range .RootFS.Layers}}{{.}} {{end}}", t).stdout.split()
                 for t in tags]
    assert inspected[0][0] != inspected[1][0]
    assert len(set(inspected[0][1:]) & set(inspected[1][1:])) >= 2  # ubi + apache layers


def wait_for(check, timeout: float):
    deadline, last = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        try:
            return check()
        except Exception as exc:  # noqa: BLE001 - keep polling until the deadline
            last = exc
            time.sleep(0.3)
    raise AssertionError(f"not ready after {timeout} s: {last}")


def test_httpd_serves_on_8080(course_images, learner):
    port = free_port()
    run = podman(learner, "run", "-d", "--name", "kit-test-httpd", "-p", f"{port}:8080",
                 "registry.redhat.io/rhel8/httpd-24:1-105")
    try:
        assert run.returncode == 0, run.stderr
        page = wait_for(lambda: urllib.request.urlopen(
            f"http://127.0.0.1:{port}/", timeout=2).read().decode(), 20)
        assert "httpd-24 1-105" in page
        assert "GET / " in podman(learner, "logs", "kit-test-httpd").stdout
    finally:
        podman(learner, "rm", "-f", "-t", "0", "kit-test-httpd")


def test_mariadb_is_configured_by_environment(course_images, learner):
    pymysql = pytest.importorskip("pymysql")
    port = free_port()
    run = podman(learner, "run", "-d", "--name", "kit-test-mariadb",
                 "-e", "MYSQL_USER=user1", "-e", "MYSQL_PASSWORD=mypa55",
                 "-e", "MYSQL_DATABASE=items", "-e", "MYSQL_ROOT_PASSWORD=r00tpa55",
                 "-p", f"{port}:3306", "registry.redhat.io/rhel8/mariadb-103")
    try:
        assert run.returncode == 0, run.stderr
        conn = wait_for(lambda: pymysql.connect(host="127.0.0.1", port=port, user="user1",
                                                password="mypa55", connect_timeout=2), 60)
        with conn, conn.cursor() as cur:
            cur.execute("show databases;")
            assert "items" in {row[0] for row in cur.fetchall()}
    finally:
        podman(learner, "rm", "-f", "-t", "0", "kit-test-mariadb")
