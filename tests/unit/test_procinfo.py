"""procinfo's readers of /proc/PID: start time (pid reuse) and command line."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from kernel_helpers import procinfo


def test_start_time_is_field_22_even_with_a_paren_in_the_name(tmp_path):
    (tmp_path / "7").mkdir()
    rest = " ".join(str(n) for n in range(4, 22))  # fields 4..21, then starttime, then more
    (tmp_path / "7" / "stat").write_text(f"7 (a) b) S {rest} 98765 1 2 3\n")
    assert procinfo.start_time(7, tmp_path) == "98765"
    assert procinfo.start_time(8, tmp_path) is None


def test_start_time_of_this_process_is_stable():
    first = procinfo.start_time(os.getpid())
    assert first is not None and first.isdigit() and procinfo.start_time(os.getpid()) == first


def test_argv_splits_on_nul_and_keeps_empty_arguments(tmp_path):
    (tmp_path / "7").mkdir()
    (tmp_path / "7" / "cmdline").write_bytes(b"/usr/bin/docker-registry\0serve\0\0/etc/r \xff.yml\0")
    assert procinfo.argv(7, tmp_path) == ["/usr/bin/docker-registry", "serve", "", "/etc/r \ufffd.yml"]
    (tmp_path / "8").mkdir()
    (tmp_path / "8" / "cmdline").write_bytes(b"")  # a kernel thread, or just after exec
    assert procinfo.argv(8, tmp_path) == [] and procinfo.argv(9, tmp_path) == []
    (tmp_path / "8" / "cmdline").write_bytes(b"retitled by setproctitle")  # no final NUL
    assert procinfo.argv(8, tmp_path) == ["retitled by setproctitle"]


def test_argv_reads_at_most_the_limit(tmp_path, monkeypatch):
    (tmp_path / "7").mkdir()
    (tmp_path / "7" / "cmdline").write_bytes(b"sleep\0" + b"x" * 100 + b"\0")
    monkeypatch.setattr(procinfo, "ARGV_LIMIT", 10)
    assert procinfo.argv(7, tmp_path) == ["sleep", "xxxx"]


def test_argv_and_executable_of_a_real_process():
    wanted = [sys.executable, "-c", "import time; time.sleep(30)", "a b"]
    proc = subprocess.Popen(wanted)
    try:
        deadline = time.monotonic() + 10  # before its exec the child still shows pytest's argv
        while procinfo.argv(proc.pid) != wanted and time.monotonic() < deadline:
            time.sleep(0.02)
        assert procinfo.argv(proc.pid) == wanted
        assert procinfo.executable(proc.pid) == os.path.realpath(sys.executable)
    finally:
        proc.kill()
        proc.wait(timeout=10)
    assert procinfo.argv(proc.pid) == []
