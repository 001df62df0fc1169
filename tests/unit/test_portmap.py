"""The notes' ports in a hub classroom: each learner's 8080 is a port of their own block."""

from __future__ import annotations

import os

import pytest

from kernel_helpers import lesson, portmap, ports, runner
from kernel_helpers.errors import KitError
from kernel_helpers.hub import resources
from kernel_helpers.parsers.tables import port_frame

CLASSROOM = "8000=10000,3306=10006,8080=10080"


@pytest.fixture
def classroom(monkeypatch):
    monkeypatch.setenv(portmap.MAP_ENV, CLASSROOM)


@pytest.fixture
def no_classroom(monkeypatch):
    monkeypatch.delenv(portmap.MAP_ENV, raising=False)


def test_outside_a_classroom_nothing_changes(no_classroom):
    args = ["run", "-d", "-p", "8080:8080", "img"]
    assert portmap.remap_publish("podman", args) == (args, None)
    assert portmap.host_port(8080) == 8080 and portmap.line(8080) is None
    assert portmap.reserved() == frozenset()
    df = port_frame("8080/tcp -> 0.0.0.0:8080\n")
    assert portmap.notes_view(df) == (df, None)
    assert lesson._reach_url("http://127.0.0.1:8080/") == "http://127.0.0.1:8080/"


def test_every_spelling_of_a_notes_port_is_published_on_the_classroom_port(classroom):
    args = ["run", "-d", "-p", "8080:8080", "-p8000:80", "--publish=127.0.0.1:3306:3306/tcp",
            "-dp", "[::1]:8080:80", "img", "-p", "8080:1"]
    out, note = portmap.remap_publish("podman", args)
    assert out == ["run", "-d", "-p", "10080:8080", "-p10000:80", "--publish=127.0.0.1:10006:3306/tcp",
                   "-dp", "[::1]:10080:80", "img", "-p", "8080:1"]  # the container's own -p kept
    assert note == ("port 8080 is 10080 in this classroom; port 8000 is 10000 in this classroom; "
                    "port 3306 is 10006 in this classroom")


@pytest.mark.parametrize("args", [
    ["run", "-p", "9000:80", "img"],           # not a notes port
    ["run", "-p", "80", "img"],                # a random host port
    ["run", "-p", "8080-8081:80-81", "img"],   # a range: left as written
    ["port", "web", "8080"],                   # not a publishing command
    ["run", "-p", "8080:x", "img"],            # podman's refusal is reported elsewhere
])
def test_what_is_not_a_single_published_notes_port_is_left_alone(classroom, args):
    assert portmap.remap_publish("podman", args) == (args, None)


def test_skopeo_is_never_remapped(classroom):
    assert portmap.remap_publish("skopeo", ["run", "-p", "8080:80"])[1] is None


def test_port_table_shows_the_notes_port_with_one_line(classroom):
    df, note = portmap.notes_view(port_frame("8080/tcp -> 0.0.0.0:10080\n8081/udp -> 0.0.0.0:12345\n"))
    assert list(df["Host port"]) == [8080, 12345]
    assert note == "port 8080 is 10080 in this classroom"


def test_fetch_reaches_the_classroom_port_and_says_so(classroom, capsys):
    assert lesson._reach(8080) == 10080
    assert lesson._reach_url("http://localhost:8080/a?b") == "http://localhost:10080/a?b"
    assert lesson._reach_url("http://example.com:8080/") == "http://example.com:8080/"
    assert capsys.readouterr().out == "port 8080 is 10080 in this classroom\n" * 2
    assert lesson._reach(9000) == 9000 and capsys.readouterr().out == ""


@pytest.mark.parametrize("raw", ["8080", "8080=x", "8080=1,3306=1"])
def test_a_bad_map_is_a_clear_error(monkeypatch, raw):
    monkeypatch.setenv(portmap.MAP_ENV, raw)
    with pytest.raises(KitError, match=portmap.MAP_ENV):
        portmap.port_map()


def test_leases_never_take_a_port_kept_for_a_notes_port(classroom, monkeypatch, tmp_path):
    monkeypatch.setenv("PODMAN_COURSE_STATE", str(tmp_path))
    monkeypatch.setenv(ports.POOL_ENV, "10005-10007")
    got = ports.lease("sb-1", count=2, alive=lambda owner: True)
    assert got == [10005, 10007]


def test_the_runner_publishes_the_classroom_port_and_shows_the_command_as_typed(
        classroom, fake_podman):
    result = runner.run("podman", ["run", "-d", "--name", "web2", "-p", "8000:8080",
                                   "localhost/bb:test", "sleep", "1"], env=dict(os.environ))
    assert fake_podman.calls()[-1][:7] == ["podman", "run", "-d", "--name", "web2", "-p", "10000:8080"]
    assert result.command_line == "podman run -d --name web2 -p 8000:8080 localhost/bb:test sleep 1"
    assert "port 8000 is 10000 in this classroom" in result.note


def test_the_runner_outside_a_classroom_publishes_as_typed(no_classroom, fake_podman):
    result = runner.run("podman", ["port", "web"], env=dict(os.environ))
    assert list(result.df["Host port"]) == [8000, 8001] and result.note is None


def test_each_learner_has_a_block_below_the_ephemeral_range_with_the_notes_ports_in_it():
    seen: set[int] = set()
    for index in range(100):
        env = resources.learner_environment(index, f"pcr-{index}")
        low, high = (int(x) for x in env[ports.POOL_ENV].split("-"))
        mapping = portmap.parse_map(env[portmap.MAP_ENV])
        assert set(mapping) == set(resources.NOTES_PORTS)
        assert all(low <= port <= high for port in mapping.values())
        assert high < 20000 and not seen & set(range(low, high + 1))  # < the kit's own pool
        seen |= set(range(low, high + 1))
    assert resources.notes_map(0) == {8000: 10000, 3306: 10006, 8080: 10080}
    with pytest.raises(ValueError, match="100 learners"):
        resources.port_block(100)
