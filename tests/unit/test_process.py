"""process: the kit's one way to run a command (timeouts, groups, caps, stdin, live output)."""

from __future__ import annotations

import locale
import os
import signal
import subprocess
import threading
import time

import pytest

from kernel_helpers import output, process, runner
from kernel_helpers.errors import CommandFailed, CommandTimeout, KitError, ToolMissing
from kernel_helpers.results import CommandResult

UTF8 = locale.getpreferredencoding(False).lower().replace("-", "") == "utf8"


def gone(marker: str, wait: float = 5.0) -> bool:
    """True once no process has MARKER in its command line."""
    deadline = time.monotonic() + wait
    while subprocess.run(["pgrep", "-f", marker], capture_output=True).returncode == 0:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


class Recorder:
    """A watch that keeps what it was told, with the time since it was made."""

    def __init__(self, fail_on_output: bool = False):
        self.start = time.monotonic()
        self.outputs: list[tuple[float, str, str]] = []
        self.ticks: list[float] = []
        self.fail_on_output = fail_on_output

    def output(self, stream: str, text: str) -> None:
        self.outputs.append((time.monotonic() - self.start, stream, text))
        if self.fail_on_output:
            raise RuntimeError("the display broke")

    def tick(self, elapsed: float) -> None:
        self.ticks.append(elapsed)

    def text(self, stream: str = "stdout") -> str:
        return "".join(text for _, name, text in self.outputs if name == stream)


def test_a_plain_run_gives_a_completed():
    done = process.run(["sh", "-c", "echo out; echo err >&2"], timeout=20)
    assert (done.argv, done.returncode, done.stdout, done.stderr) == (
        ["sh", "-c", "echo out; echo err >&2"], 0, "out\n", "err\n")
    assert done.ok and not done.timed_out and done.note is None and done.timeout == 20
    assert done.check() is done and done.error() is None


def test_paths_in_argv_become_strings(tmp_path):
    (tmp_path / "f").write_text("x")
    done = process.run(["cat", tmp_path / "f"], timeout=20)
    assert done.argv == ["cat", str(tmp_path / "f")] and done.stdout == "x"


def test_timeout_stops_the_whole_process_group():
    marker = f"sleep 30.{os.getpid()}1"
    start = time.monotonic()
    done = process.run(["sh", "-c", f"echo started; {marker} & sleep 30"], timeout=0.5)
    assert done.timed_out and not done.ok and "started" in done.stdout
    assert time.monotonic() - start < 10
    assert gone(marker), "the background child outlived the timeout"


def test_hard_cap_stops_yes():
    done = process.run(["yes"], timeout=60, hard_cap=2**20)
    assert done.capped == "stdout" and not done.timed_out and not done.ok
    assert done.left_out["stdout"] > 0
    assert "stopped after more than 1 MiB of output on stdout" in done.note


@pytest.mark.parametrize("given", ["hello\nwörld\n", "hello\nwörld\n".encode()])
def test_stdin_text_or_bytes(given):
    done = process.run(["cat"], stdin=given, timeout=20)
    assert done.stdout == "hello\nwörld\n"


def test_without_stdin_the_child_reads_nothing():
    assert process.run(["cat"], timeout=20).stdout == ""


def test_cwd_and_env():
    done = process.run(["sh", "-c", 'pwd; echo "$KH_X"'], cwd="/", env={"KH_X": "1", "PATH": "/usr/bin:/bin"},
                       timeout=20)
    assert done.stdout == "/\n1\n"


def test_check_raises_command_failed_with_stderr_in_one_line():
    with pytest.raises(CommandFailed) as info:
        process.run(["sh", "-c", "echo first >&2; echo 'no such thing' >&2; exit 3"], timeout=20,
                    check=True)
    exc = info.value
    assert isinstance(exc, KitError)
    assert exc.argv[0] == "sh" and exc.returncode == 3 and "first" in exc.stderr
    assert str(exc) == "sh exited 3: no such thing" and "\n" not in str(exc)


def test_check_raises_command_timeout():
    with pytest.raises(CommandTimeout) as info:
        process.run(["sleep", "30"], timeout=0.3, check=True)
    assert info.value.timeout == 0.3
    assert str(info.value) == "sleep 30 did not finish within 0.3 s and was stopped"


def test_a_missing_program_is_tool_missing_with_a_hint():
    with pytest.raises(ToolMissing) as info:
        process.run(["definitely-not-podman-here"], timeout=20)
    assert info.value.tool == "definitely-not-podman-here"
    env = {"PATH": "/nonexistent"}
    with pytest.raises(ToolMissing, match="make lab"):
        process.run(["podman", "ps"], env=env, timeout=20)


def test_a_missing_folder_is_not_a_missing_tool(tmp_path):
    with pytest.raises(FileNotFoundError):
        process.run(["true"], cwd=tmp_path / "nowhere", timeout=20)


def test_interrupt_stops_the_child_and_reraises(interruptible):
    marker = f"sleep 31.{os.getpid()}"
    threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT)).start()
    with pytest.raises(KeyboardInterrupt):
        process.run(["sh", "-c", f"exec {marker}"], timeout=20)
    assert gone(marker, wait=0), "the child survived the interrupt"


def test_watch_sees_output_before_the_process_ends():
    watch = Recorder()
    done = process.run(["sh", "-c", "echo a; sleep 2; echo b"], timeout=20, watch=watch)
    first = [(at, text) for at, stream, text in watch.outputs if "a" in text]
    last = [(at, text) for at, stream, text in watch.outputs if "b" in text]
    assert first and last
    assert first[0][0] < 1.5 <= last[0][0], watch.outputs
    assert watch.text() == done.stdout == "a\nb\n"


def test_ticks_arrive_while_the_process_is_silent():
    watch = Recorder()
    process.run(["sleep", "1.2"], timeout=20, watch=watch)
    gaps = [b - a for a, b in zip([0.0, *watch.ticks[:-1]], watch.ticks, strict=True)]
    assert len(watch.ticks) >= 4, watch.ticks
    assert max(gaps) <= 0.25 + 0.2, gaps  # promised 0.25; some slack for a busy machine


def test_ticks_go_on_after_the_child_closed_its_outputs():
    watch = Recorder()
    done = process.run(["sh", "-c", "exec >&- 2>&-; sleep 0.8"], timeout=20, watch=watch)
    assert done.ok and len(watch.ticks) >= 2, watch.ticks


@pytest.mark.skipif(not UTF8, reason="the locale's encoding is not UTF-8")
def test_a_character_split_across_reads_arrives_whole():
    watch = Recorder()
    done = process.run(["sh", "-c", r"printf '\303'; sleep 0.4; printf '\251\n'"], timeout=20,
                       watch=watch)
    assert done.stdout == "é\n"
    assert [text for _, _, text in watch.outputs] == ["é\n"]


def test_a_crlf_split_across_reads_is_one_newline():
    watch = Recorder()
    done = process.run(["sh", "-c", r"printf 'a\r'; sleep 0.4; printf '\nb\rc'"], timeout=20,
                       watch=watch)
    assert watch.text() == done.stdout == "a\nb\nc"


def test_stderr_is_watched_too():
    watch = Recorder()
    process.run(["sh", "-c", "echo oops >&2"], timeout=20, watch=watch)
    assert watch.text("stderr") == "oops\n" and watch.text("stdout") == ""


def test_a_failing_watch_stops_the_child():
    marker = f"sleep 32.{os.getpid()}"
    start = time.monotonic()
    with pytest.raises(RuntimeError, match="the display broke"):
        process.run(["sh", "-c", f"echo a; exec {marker}"], timeout=20,
                    watch=Recorder(fail_on_output=True))
    assert time.monotonic() - start < 10
    assert gone(marker, wait=0), "the child survived the failing watch"


def test_runner_run_passes_the_watch_down(tmp_path, monkeypatch):
    fake = tmp_path / "podman"
    fake.write_text("#!/bin/sh\necho hello from podman\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    watch = Recorder()
    result = runner.run("podman", ["version"], watch=watch)
    assert watch.text() == result.stdout == "hello from podman\n"
    assert result.shown_argv == ["podman", "version"] and result.ok


def test_command_result_from_completed():
    done = output.Completed(["podman", "--root", "/x", "ps"], 2, "out", "err", timed_out=True,
                            seconds=1.5)
    res = CommandResult.from_completed(done, shown_argv=["podman", "ps"], note="a note")
    assert (res.argv, res.shown_argv, res.returncode, res.stdout, res.stderr) == (
        ["podman", "--root", "/x", "ps"], ["podman", "ps"], 2, "out", "err")
    assert res.duration == 1.5 and res.timed_out and res.note == "a note"
    assert CommandResult.from_completed(done, timed_out=False).shown_argv == done.argv


def test_run_logged_writes_to_files_and_stops_the_group_on_timeout(tmp_path):
    log_path, data_path = tmp_path / "build.log", tmp_path / "data"
    with open(log_path, "a") as log, open(data_path, "wb") as data:
        done = process.run_logged(["sh", "-c", "echo data; echo progress >&2"], log=log, stdout=data,
                                  timeout=20)
    assert done.ok and done.stdout == "" and data_path.read_text() == "data\n"
    assert log_path.read_text() == "progress\n"
    marker = f"sleep 33.{os.getpid()}"
    with open(log_path, "a") as log:
        done = process.run_logged(["sh", "-c", f"{marker} & wait"], log=log, timeout=0.3)
    assert done.timed_out and gone(marker)
    with open(log_path, "a") as log, pytest.raises(CommandFailed):
        process.run_logged(["false"], log=log, timeout=20, check=True)


def test_spawn_starts_a_daemon_in_its_own_session_and_keeps_its_log_small(tmp_path, monkeypatch):
    monkeypatch.setattr(process, "LOG_CAP", 1000)
    monkeypatch.setattr(process, "LOG_KEEP", 100)
    log = tmp_path / "daemon.log"
    log.write_text("".join(f"old line {i}\n" for i in range(200)))
    proc = process.spawn(["sh", "-c", "echo started; exec sleep 30"], log=log)
    try:
        assert os.getsid(proc.pid) == proc.pid
        deadline = time.monotonic() + 5
        while "started" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.05)
        text = log.read_text()
        assert text.startswith("… ") and "bytes left out" in text.splitlines()[0]
        assert text.splitlines()[1].startswith("old line ") and text.endswith("old line 199\nstarted\n")
        assert len(text) < 200
    finally:
        output.stop_group(proc)
    assert proc.poll() is not None


def test_spawn_without_a_log_discards_the_output():
    proc = process.spawn(["sh", "-c", "echo nobody reads this"])
    assert proc.wait(10) == 0 and proc.stdout is None


def test_interactive_gives_the_exit_status_and_a_typed_missing_tool():
    assert process.interactive(["sh", "-c", "exit 7"]) == 7
    with pytest.raises(ToolMissing):
        process.interactive(["definitely-not-here"])
