"""Bounded output: head and tail kept, the rest counted, runaway commands stopped (no podman)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kernel_helpers import output, process, runner

HEAD, TAIL = output.HEAD_BYTES, output.TAIL_BYTES
KEPT = HEAD + TAIL


def left_out(text: str) -> int:
    """The N of the one ``… N bytes left out …`` line in ``text``."""
    lines = [line for line in text.splitlines() if line.startswith("… ") and "left out" in line]
    assert len(lines) == 1, lines
    return int(lines[0].split()[1])


def test_kept_stream_is_exact_below_the_limit():
    kept = output.Kept(head_max=4, tail_max=4)
    kept.add(b"abc\n")
    kept.add(b"de\n")
    assert kept.text() == "abc\nde\n" and kept.left_out == 0


def test_kept_stream_keeps_head_and_tail_and_counts_the_rest():
    kept = output.Kept(head_max=4, tail_max=4)
    for chunk in (b"012", b"3456", b"789abcdef"):
        kept.add(chunk)
    assert (bytes(kept.head), bytes(kept.tail), kept.total) == (b"0123", b"cdef", 16)
    assert kept.text() == "0123\n… 8 bytes left out …\ncdef"


def test_a_character_split_at_the_cut_is_left_out_whole():
    kept = output.Kept(head_max=3, tail_max=3)
    kept.add("aé".encode() + b"x" * 10 + "é".encode() + b"b")  # é is 2 bytes
    text = kept.text()
    assert "\ufffd" not in text
    assert text.startswith("aé\n") and text.endswith("\néb")


def test_yes_is_capped_and_stopped():
    start = time.monotonic()
    got = process.run(["yes"], timeout=60)
    seconds = time.monotonic() - start
    assert seconds < 10, f"took {seconds:.1f} s to stop yes"
    assert got.capped == "stdout" and not got.timed_out
    assert got.returncode != 0  # stopped by a signal
    assert got.left_out["stdout"] > output.HARD_CAP - KEPT
    assert left_out(got.stdout) == got.left_out["stdout"]
    assert len(got.stdout.encode()) < KEPT + 100
    assert got.stdout.startswith("y\ny\n") and got.stdout.endswith("y\n")
    assert "stopped after more than 64 MiB of output on stdout" in got.note


def test_stderr_is_capped_too():
    got = process.run(["sh", "-c", "yes >&2"], timeout=60)
    assert got.capped == "stderr" and got.stdout == ""
    assert left_out(got.stderr) == got.left_out["stderr"]


def test_big_output_keeps_head_and_tail_and_counts_the_left_out_bytes_exactly():
    got = process.run(["sh", "-c", "head -c 3000000 /dev/zero | tr '\\0' x; printf END"], timeout=60)
    assert got.returncode == 0 and not got.timed_out and got.stderr == ""
    head, line, tail = got.stdout.split("\n")
    assert head == "x" * HEAD
    assert tail == "x" * (TAIL - 3) + "END"
    assert line == f"… {3000003 - KEPT} bytes left out …"


def test_output_under_the_limit_is_unchanged():
    text = "".join(f"line {i}\r\n" for i in range(50000))  # ~600 kB: under head + tail
    got = process.run(["cat"], stdin=text, timeout=60)
    assert got.stdout == text.replace("\r\n", "\n")  # as Popen(text=True) gave it
    assert got.note is None and got.left_out == {}


def test_large_input_is_fed_while_output_is_read():
    text = "0123456789abcde\n" * 200_000  # 3.2 MB in, 3.2 MB out: would deadlock if written first
    got = process.run(["cat"], stdin=text, timeout=60)
    assert got.returncode == 0 and not got.timed_out
    assert left_out(got.stdout) == len(text) - KEPT
    assert "only the first 512 KiB and the last 512 KiB are kept" in got.note


def test_a_child_that_does_not_read_its_input_is_not_a_deadlock():
    got = process.run(["true"], stdin="x" * 5_000_000, timeout=20)
    assert got.returncode == 0 and not got.timed_out


def test_timeout_still_stops_a_quiet_command():
    start = time.monotonic()
    got = process.run(["sh", "-c", "echo hi; exec sleep 30"], timeout=0.5)
    assert got.timed_out and got.stdout == "hi\n" and got.capped is None
    assert time.monotonic() - start < 10


def test_a_command_that_closes_its_outputs_still_times_out():
    got = process.run(["sh", "-c", "exec >&- 2>&-; sleep 30"], timeout=0.5)
    assert got.timed_out


CHILD = """
import json, resource, sys
sys.path.insert(0, sys.argv[1])
from kernel_helpers import process
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
got = process.run(["yes"], timeout=60)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"growth_kb": after - before, "seconds": got.seconds, "kept": len(got.stdout.encode())}))
"""


def test_yes_leaves_the_callers_memory_flat():
    """The kernel's peak RSS grows by well under 100 MB while ``yes`` writes 64 MiB."""
    root = str(Path(__file__).resolve().parents[2])
    done = subprocess.run([sys.executable, "-c", CHILD, root], capture_output=True, text=True,
                          timeout=120, check=True)
    figures = json.loads(done.stdout)
    assert figures["growth_kb"] < 100 * 1024, figures
    assert figures["kept"] < KEPT + 100, figures


def test_run_says_why_the_output_was_cut(tmp_path, monkeypatch):
    fake = tmp_path / "podman"
    fake.write_text("#!/bin/sh\nexec yes\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    result = runner.run("podman", ["run", "--rm", "img", "yes"], timeout=60)
    assert not result.ok and result.df is None
    assert "bytes left out" in result.to_text()
    assert "note: stopped after more than 64 MiB" in result.to_text()
    assert "bytes left out" in result._repr_html_()


@pytest.mark.parametrize("stdin", [None, "hello\n"])
def test_small_outputs_are_what_popen_gives(stdin):
    argv = ["sh", "-c", "cat 2>/dev/null; printf 'a\\r\\nb\\rc'; echo oops >&2"]
    got = process.run(argv, stdin=stdin, timeout=20)
    plain = subprocess.run(argv, input=stdin, capture_output=True, text=True, errors="replace",
                           stdin=subprocess.DEVNULL if stdin is None else None)
    assert (got.stdout, got.stderr, got.returncode) == (plain.stdout, plain.stderr, plain.returncode)


@pytest.fixture
def stubborn_podman(tmp_path, monkeypatch):
    """A podman whose ``run`` never ends (like ``yes`` as PID 1, deaf to SIGINT); ``ps`` lists
    one container created now and one from long ago."""
    log = tmp_path / "calls"
    fake = tmp_path / "podman"
    fake.write_text(f"""#!/bin/sh
echo "$@" >> {log}
case "$1" in
  run) exec sleep 30 ;;
  ps) echo "new1 $(date +%s%N) $NEW_AUTO_REMOVE"; echo "old1 1000 false" ;;
esac
""")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    return log


@pytest.mark.parametrize("auto_remove, verb, said", [("true", "rm -f -t 0 new1", "removed it (--rm)"),
                                                     ("false", "stop -t 0 new1", "stopped it")])
def test_a_stopped_run_does_not_leave_its_container_running(stubborn_podman, monkeypatch,
                                                            auto_remove, verb, said):
    monkeypatch.setenv("NEW_AUTO_REMOVE", auto_remove)
    result = runner.run("podman", ["run", "--rm", "img", "yes"], timeout=0.5)
    assert result.timed_out and f"its container was still running: the kit {said}" in result.note
    calls = stubborn_podman.read_text().splitlines()
    assert calls[-1] == verb  # only the container this cell created
    assert runner.run("podman", ["run", "-d", "img"], timeout=0.5).timed_out
    assert stubborn_podman.read_text().splitlines()[-1] == "run -d img"  # detached: left alone


def test_an_interrupted_run_does_not_leave_its_container_running(stubborn_podman, monkeypatch, interruptible):
    monkeypatch.setenv("NEW_AUTO_REMOVE", "true")
    threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT)).start()
    with pytest.raises(KeyboardInterrupt):
        runner.run("podman", ["run", "--rm", "img", "yes"], timeout=20)
    assert stubborn_podman.read_text().splitlines()[-1] == "rm -f -t 0 new1"
