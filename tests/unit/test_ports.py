"""Port leases: two owners never get one port; dead owners' leases are taken over."""

from __future__ import annotations

import multiprocessing
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


# --- many processes at once ------------------------------------------------------------

def _racer(owner: str, what: str, go, results) -> None:
    """One process of ``race``: wait for the common start, then lease or claim."""
    go.wait()
    try:
        if what == "lease":
            got = ports.lease(owner, 2, alive=lambda o: True)
        else:
            got = [ports.claim(int(what), owner, alive=lambda o: o != "dead")]
    except PortBusy:
        got = []
    results.put((owner, got))


def race(what: str, count: int = 20) -> dict[str, list[int]]:
    """COUNT separate processes (forked) run ``_racer`` at once; owner -> ports it got."""
    ctx = multiprocessing.get_context("fork")
    go, results = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_racer, args=(f"owner-{i}", what, go, results)) for i in range(count)]
    for proc in procs:
        proc.start()
    go.set()
    got = dict(results.get(timeout=60) for _ in procs)
    for proc in procs:
        proc.join(timeout=10)
        assert proc.exitcode == 0
    return got


def test_twenty_processes_leasing_at_once_never_share_a_port(tmp_path, monkeypatch):
    monkeypatch.setenv("PODMAN_COURSE_PORT_POOL", "38100-38149")  # 40 of 50 ports get taken
    got = race("lease")
    handed = [port for mine in got.values() for port in mine]
    assert all(len(mine) == 2 for mine in got.values())
    assert len(handed) == len(set(handed)) == 40
    assert ports.leases() == {port: owner for owner, mine in got.items() for port in mine}
    assert not [p for p in (tmp_path / "ports").iterdir() if not p.name.isdigit()]  # no temp files


def test_twenty_processes_taking_over_one_stale_lease_make_one_winner():
    ports.claim(38110, "dead", always(True))
    got = race("38110")
    winners = [owner for owner, mine in got.items() if mine == [38110]]
    assert len(winners) == 1
    assert ports.holder(38110) == winners[0]


def test_a_stale_lease_whose_port_is_still_bound_is_not_taken_over():
    with socket.socket() as sock:
        sock.bind(("0.0.0.0", 38112))
        sock.listen()
        (ports.paths.ensure(ports.paths.ports_dir()) / "38112").write_text("dead\n")
        with pytest.raises(PortBusy, match="still bound"):
            ports.claim(38112, "b", always(False))
    assert ports.holder(38112) == "dead"


def _free_port() -> int:
    """A port nothing holds now (fixed ones here lie in the ephemeral range, open to anyone)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_lease_of_a_sandbox_that_could_not_be_removed_stays_with_it(tmp_path):
    from kernel_helpers import sandbox

    port = _free_port()

    ports.claim(port, "kernel-1-abc", always(True))
    kept = tmp_path / "sandboxes" / "kernel-1-abc"
    kept.mkdir(parents=True)
    (kept / sandbox.KEPT_FILE).write_text("containers still there: 0123\n")
    with pytest.raises(PortBusy):
        ports.claim(port, "kernel-2-def")  # the default test: owner dead but sandbox kept
    (kept / sandbox.KEPT_FILE).unlink()
    assert ports.claim(port, "kernel-2-def") == port
