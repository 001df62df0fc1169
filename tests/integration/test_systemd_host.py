"""The systemd host on the real engine: boots systemd, runs a unit, leaves nothing behind."""

from __future__ import annotations

import pytest

from kernel_helpers import systemd_host
from kernel_helpers.errors import KitError

pytestmark = pytest.mark.needs_root("the privileged systemd host (podman run --privileged as root)")


@pytest.fixture
def host(sandbox, classroom_up):
    try:
        started = systemd_host.SystemdHost.start(name="sdh-test", env=sandbox.full_env())
    except KitError as exc:
        pytest.fail(f"the systemd host did not start: {exc}")
    yield started
    started.remove()


def test_systemd_is_pid_1_and_runs_a_unit(host, sandbox):
    assert host("cat /proc/1/comm").stdout.strip() == "systemd"
    assert host("systemctl is-system-running").stdout.strip() == "running"
    host.write("/etc/systemd/system/hello.service",
               "[Service]\nType=oneshot\nExecStart=/bin/sh -c 'echo hi > /run/hello'\n")
    assert host("systemctl daemon-reload").ok
    assert host("systemctl start hello.service").ok
    assert host("cat /run/hello").stdout == "hi\n"


def test_podman_inside_pulls_from_the_classroom(host):
    pulled = host("podman pull -q registry.redhat.io/rhel8/httpd-24:latest", timeout=120)
    assert pulled.ok, pulled.to_text()


def test_the_dedicated_user_pulls_into_its_own_store(host):
    # its store is a volume: on a root of fuse-overlayfs (nested machines) the first rootless
    # pull failed with "open /var/lib/apt/lists/.wh.lock: invalid argument"
    host(f"loginctl enable-linger {systemd_host.USER}").check()
    manager = f"/run/user/{systemd_host.USER_UID}/systemd/private"  # the user's systemd is up
    assert host.sh(f"for i in $(seq 100); do test -S {manager} && exit 0; sleep 0.1; done; "
                   "exit 1").ok
    pulled = host("podman pull -q registry.redhat.io/rhel8/httpd-24:1-105", user=systemd_host.USER,
                  timeout=120)
    assert pulled.ok, pulled.to_text()
    owner = host(["stat", "-c", "%U", systemd_host.STORAGE_VOLUMES[1]]).stdout.strip()
    assert owner == systemd_host.USER


def test_remove_leaves_no_container(host, sandbox):
    host.remove()
    names = sandbox.podman("ps", "-a", "--format", "{{.Names}}").stdout.split()
    assert "sdh-test" not in names
