"""Port leases: two owners never get one port; dead owners' leases are taken over."""

from __future__ import annotations

import socket

import pytest

from kernel_helpers import ports
from kernel_helpers.errors import PortBusy


@pytest.fixture(autouse=True)
def private_state(monkeypatch, tmp_path):
    monkeypatch.setenv("PODMAN_COURSE_STATE", str(tmp_path))
    monkeypatch.setenv("PODMAN_COURSE_PORT_POOL", "38100-38119")


def always(value):
    return lambda owner: value


def test_claim_is_exclusive_between_live_owners():
    assert ports.claim(38100, "a", always(True)) == 38100
    assert ports.claim(38100, "a", always(True)) == 38100  # idempotent for its holder
    with pytest.raises(PortBusy) as info:
        ports.claim(38100, "b", always(True))
    assert info.value.port == 38100 and "a" in info.value.holder


def test_lease_of_a_dead_owner_is_taken_over():
    ports.claim(38101, "dead", always(True))
    assert ports.claim(38101, "b", always(False)) == 38101
    assert ports.holder(38101) == "b"


def test_a_port_bound_outside_the_kit_is_refused():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        with pytest.raises(PortBusy, match="outside the kit"):
            ports.claim(port, "a", always(True))
    assert ports.holder(port) is None


def test_lease_hands_out_distinct_ports_and_release_all_frees_them():
    first = ports.lease("a", 3, always(True))
    second = ports.lease("b", 2, always(True))
    assert len(set(first + second)) == 5
    assert sorted(ports.leases("a")) == sorted(first)
    assert ports.release_all("a") == sorted(first)
    assert ports.leases("a") == {}


def test_pool_exhaustion_is_a_clear_error_and_leaks_nothing(monkeypatch):
    monkeypatch.setenv("PODMAN_COURSE_PORT_POOL", "38120-38121")
    with pytest.raises(Exception, match="no 3 free ports"):
        ports.lease("a", 3, always(True))
    assert ports.leases() == {}


def test_bad_pool_setting_is_reported(monkeypatch):
    monkeypatch.setenv("PODMAN_COURSE_PORT_POOL", "lots")
    with pytest.raises(Exception, match="PODMAN_COURSE_PORT_POOL"):
        ports.pool()


def test_a_granted_lease_is_taken_over_by_the_notebook_kernel(monkeypatch):
    ports.claim(38101, "test-runner", always(True))
    monkeypatch.setenv(ports.GRANT_ENV, "test-runner")
    assert ports.claim(38101, "kernel-1", always(True)) == 38101
    assert ports.holder(38101) == "kernel-1"
    monkeypatch.setenv(ports.GRANT_ENV, "someone-else")
    with pytest.raises(PortBusy):
        ports.claim(38101, "kernel-2", always(True))


def test_each_lease_call_gives_new_ports():
    first = ports.lease("runner", 2, always(True))
    second = ports.lease("runner", 2, always(True))
    assert not set(first) & set(second)
