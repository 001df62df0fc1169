"""The classroom trusts only itself: who listens on a port (/proc), squatters, pid records."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import pytest

from kernel_helpers import classroom, locks, procinfo
from kernel_helpers.errors import KitError

# /proc/net/tcp as a little-endian host writes it: 127.0.0.1:5000 listening (inode 111),
# 0.0.0.0:5001 listening (222), 10.0.0.5:5000 listening (333, unreachable via localhost),
# 127.0.0.1:5000 established (444, not a listener).
TCP = """\
  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1388 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 111 1
   1: 00000000:1389 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 222 1
   2: 0500000A:1388 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 333 1
   3: 0100007F:1388 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 444 1
"""
# tcp6: [::1]:5000 (555), [::]:5002 (666), [::ffff:127.0.0.1]:5002 (777), [fe80::1]:5000 (888)
TCP6 = """\
  sl  local_address                         remote_address                        st ... inode
   0: 00000000000000000000000001000000:1388 00000000000000000000000000000000:0000 0A 0:0 0:0 0 0 0 555 1
   1: 00000000000000000000000000000000:138A 00000000000000000000000000000000:0000 0A 0:0 0:0 0 0 0 666 1
   2: 0000000000000000FFFF00000100007F:138A 00000000000000000000000000000000:0000 0A 0:0 0:0 0 0 0 777 1
   3: 000080FE000000000000000001000000:1388 00000000000000000000000000000000:0000 0A 0:0 0:0 0 0 0 888 1
"""


@pytest.fixture
def fake_proc(tmp_path):
    if sys.byteorder != "little":
        pytest.skip("the fake /proc/net/tcp is written for a little-endian host")
    proc = tmp_path / "proc"
    (proc / "net").mkdir(parents=True)
    (proc / "net" / "tcp").write_text(TCP)
    (proc / "net" / "tcp6").write_text(TCP6)
    for pid, inodes, exe in ((40, [111, 555], "/usr/bin/docker-registry (deleted)"),
                             (41, [222], "/usr/bin/python3"), (42, [], "/bin/sleep")):
        fd = proc / str(pid) / "fd"
        fd.mkdir(parents=True)
        for n, inode in enumerate(inodes, start=3):
            os.symlink(f"socket:[{inode}]", fd / str(n))
        os.symlink("/dev/null", fd / "0")
        os.symlink(exe, proc / str(pid) / "exe")
    (proc / "self").mkdir()
    return proc


def test_listeners_reachable_from_localhost_only(fake_proc):
    assert procinfo.listening_inodes(5000, fake_proc) == {111, 555}
    assert procinfo.listening_inodes(5001, fake_proc) == {222}
    assert procinfo.listening_inodes(5002, fake_proc) == {666, 777}
    assert procinfo.listening_inodes(5003, fake_proc) == set()


def test_holders_and_executables(fake_proc):
    assert procinfo.socket_inodes(40, fake_proc) == {111, 555}
    assert procinfo.holders({111, 222, 999}, fake_proc) == {111: 40, 222: 41}
    assert procinfo.executable(40, fake_proc) == "/usr/bin/docker-registry"
    assert procinfo.executable(41, fake_proc) == "/usr/bin/python3"
    assert procinfo.executable(4242, fake_proc) == "?"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def squatter(tmp_path):
    """``python -m http.server`` on a free loopback port (it answers ``GET /v2/`` 404)."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "http.server", "-b", "127.0.0.1", str(port)],
                            cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while not procinfo.listening_inodes(port) and time.monotonic() < deadline:
            time.sleep(0.05)
        yield port, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("PODMAN_COURSE_STATE", str(tmp_path / "state"))
    monkeypatch.setenv("PODMAN_COURSE_RUNTIME", str(tmp_path / "rt"))
    return tmp_path


def test_real_squatter_is_found_by_pid_and_executable(squatter):
    port, pid = squatter
    inodes = procinfo.listening_inodes(port)
    assert inodes and set(procinfo.holders(inodes).values()) == {pid}
    assert procinfo.executable(pid) == os.path.realpath(sys.executable)


def test_status_reports_a_squatter_as_not_running(squatter, isolated, monkeypatch):
    port, pid = squatter
    monkeypatch.setenv(classroom.PORT_ENV, str(port))
    # even a recorded pid file naming the squatter does not make it ours
    pid_file = isolated / "rt" / "registry" / "pull.pid"
    pid_file.parent.mkdir(parents=True)
    pid_file.write_text(f"{pid}\n")
    now = classroom.status()
    assert not now.running and not now.pull_up and now.pids["pull"] is None
    expected = (f"port {port} is answered by a process the kit did not start "
                f"(pid {pid}, {os.path.realpath(sys.executable)}): stop it, or set "
                f"{classroom.PORT_ENV} to another port")
    assert now.problems == {"pull": expected}
    assert f"! {expected}" in now.describe()


def test_up_refuses_a_squatter_in_one_line(squatter, isolated, monkeypatch):
    port, pid = squatter
    monkeypatch.setenv(classroom.PORT_ENV, str(port - 2))  # squatting on the kit endpoint
    monkeypatch.setattr(classroom, "REGISTRY_BIN", "true")  # refused before anything starts
    monkeypatch.setattr(classroom.files, "htpasswd_line", lambda user, pw: f"{user}:hash")
    with pytest.raises(KitError) as err:
        classroom.up()
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith(f"port {port} is answered by a process the kit did not start "
                              f"(pid {pid}, ")
    assert not (isolated / "rt" / "registry" / "kit.pid").exists()  # nothing was started


def test_an_unreachable_port_is_down_and_has_no_problem(isolated, monkeypatch):
    monkeypatch.setenv(classroom.PORT_ENV, str(free_port()))
    probe = classroom._probe("pull")
    assert probe.state == "down" and not probe.reason


def test_is_ours_needs_the_registry_binary_and_our_config(isolated, squatter):
    _, pid = squatter  # a live process, recorded, but python: not ours
    assert not classroom._is_ours(pid, "pull")
    assert not classroom._is_ours(os.getpid(), "pull")
    assert not classroom._is_ours(2 ** 22 + 7, "pull")  # no such pid


def test_pid_record_carries_the_config_digest(isolated):
    classroom._pid_dir().mkdir(parents=True)
    classroom._pid_file("push").write_text("123\n")  # an older kit's record
    assert classroom._read_pid("push") == (123, "")
    classroom._pid_file("push").write_text("123 abcd\n")
    assert classroom._read_pid("push") == (123, "abcd")
    cfg = classroom._config_file("push")
    cfg.parent.mkdir(parents=True)
    cfg.write_text("a")
    first = classroom._config_digest("push")
    cfg.write_text("b")
    second = classroom._config_digest("push")
    assert second != first
    classroom._htpasswd_file("push").write_text("student:new-hash\n")  # a renewed account
    assert classroom._config_digest("push") != second


def test_up_and_down_hold_the_classroom_lock(isolated, monkeypatch):
    seen = []

    def probe_lock():
        seen.append(dict(locks._held()))
        raise KitError("stop here")

    monkeypatch.setattr(classroom, "REGISTRY_BIN", "true")
    monkeypatch.setattr(classroom, "_write_configs", probe_lock)
    with pytest.raises(KitError, match="stop here"):
        classroom.up()
    monkeypatch.setattr(classroom, "_read_pid", lambda e: probe_lock())
    with pytest.raises(KitError, match="stop here"):
        classroom.down()
    assert [s.get("classroom") for s in seen] == [1, 1]
    assert "classroom" not in locks._held()




def test_describe_names_three_endpoints(monkeypatch):
    monkeypatch.setenv(classroom.PORT_ENV, "25000")
    text = classroom.Status(running=False, pull_url="http://localhost:25000",
                            push_url="http://localhost:25001", kit_url="http://localhost:25002",
                            pull_up=True, problems={"push": "port 25001 is answered by ..."}
                            ).describe()
    assert text.splitlines()[0] == "classroom registry: partly running"
    assert "http://localhost:25000 [up]" in text and "http://localhost:25002 [down]" in text
    assert "podman login localhost:25001 -u student -p redhat123" in text
    assert "  ! port 25001 is answered by ..." in text
    assert classroom.kit_host() == "localhost:25002"


def test_bad_port_values_are_refused(monkeypatch):
    for value in ("x", "0", "65534"):
        monkeypatch.setenv(classroom.PORT_ENV, value)
        with pytest.raises(KitError):
            classroom.pull_port()
