"""CommandResult views, and the fake podman that replays real recordings."""

from __future__ import annotations

import json
import subprocess

import pytest

from kernel_helpers.errors import CommandFailed
from kernel_helpers.hints import hint_for
from kernel_helpers.parsers import plan, to_frame
from kernel_helpers.results import CommandResult, tidy_stderr


def result_from(recording, name, shown, kind=None, **extra) -> CommandResult:
    """A CommandResult as the runner would build it from a recorded command."""
    rec = recording(name)
    argv = [rec.get("tool", "podman"), *rec["argv"]]
    ok = rec["returncode"] == 0
    return CommandResult(
        argv=argv, shown_argv=shown, returncode=rec["returncode"], stdout=rec["stdout"],
        stderr=rec["stderr"], df=to_frame(kind, rec["stdout"]) if kind and ok else None,
        hint=None if ok else hint_for(rec["stderr"], argv), **extra)


def test_table_result_html(recording):
    res = result_from(recording, "ps-all-three", ["podman", "ps", "-a"], "ps", duration=0.3)
    assert res.ok and res.check() is res
    html = res._repr_html_()
    assert html.startswith('<div class="kh-result">')
    assert "$ podman ps -a</div>" in html and "font-family:monospace" in html
    assert "<table" in html and "<th>Ports</th>" in html and "0.0.0.0:8000-&gt;8080/tcp" in html
    assert "<tbody>" in html and "<th>0</th>" not in html  # index hidden
    assert "kh-error" not in html and "(no rows)" not in html


def test_empty_table_says_no_rows(recording):
    res = result_from(recording, "ps-empty", ["podman", "ps", "-a"], "ps")
    assert "(no rows)" in res._repr_html_() and "$ podman ps -a" in res._repr_html_()
    text = repr(res)
    assert text.splitlines()[0] == "$ podman ps -a" and text.splitlines()[-1] == "(no rows)"
    assert "Empty DataFrame" not in text


def test_failure_shows_stderr_status_and_hint(recording):
    res = result_from(recording, "rm-no-such-container", ["podman", "rm", "nosuch"])
    assert not res.ok
    html = res._repr_html_()
    assert 'class="kh-error"' in html
    assert "no container with name or ID &quot;nosuch&quot; found" in html
    assert "exit status 1" in html and "hint:" in html and "podman ps -a" in html
    text = repr(res)
    assert text.splitlines() == [
        "$ podman rm nosuch",
        'Error: no container with name or ID "nosuch" found: no such container',
        "exit status 1",
        f"hint: {res.hint}",
    ]


def test_check_raises_command_failed_with_fields(recording):
    res = result_from(recording, "run-name-in-use", ["podman", "run", "-d", "--name", "web", "bb"])
    with pytest.raises(CommandFailed) as info:
        res.check()
    exc = info.value
    assert exc.argv == res.argv and exc.returncode == 125
    assert "already in use" in exc.stderr and "already in use" in str(exc)


def test_timed_out_is_not_ok():
    res = CommandResult(["podman", "logs", "-f", "web"], ["podman", "logs", "-f", "web"], -15,
                        stdout="line\n", timed_out=True, note="streaming command stopped after 5 s")
    assert not res.ok
    assert "<em>streaming command stopped after 5 s</em>" in res._repr_html_()
    assert repr(res).endswith("note: streaming command stopped after 5 s")
    with pytest.raises(CommandFailed):
        res.check()


def test_plain_text_output_is_escaped_pre():
    res = CommandResult(["podman", "ps", "--format", "{{.Names}} <x>"],
                        ["podman", "ps", "--format", "{{.Names}} <x>"], 0, stdout="web <x>\n")
    html = res._repr_html_()
    assert "$ podman ps --format &#x27;{{.Names}} &lt;x&gt;&#x27;" in html
    assert '<pre class="kh-stdout">web &lt;x&gt;</pre>' in html
    assert repr(res) == "$ podman ps --format '{{.Names}} <x>'\nweb <x>"


def test_text_is_deterministic_and_has_no_duration(recording):
    a = result_from(recording, "images-two-tags", ["podman", "images"], "images", duration=0.1)
    b = result_from(recording, "images-two-tags", ["podman", "images"], "images", duration=9.9)
    assert repr(a) == repr(b) and a._repr_html_() == b._repr_html_()
    assert "0.1" not in repr(a) and "9.9" not in repr(b)
    assert "localhost/bb" in repr(a) and "Read-only" in repr(a)


def test_pretty_printer_uses_text(recording):
    from IPython.lib.pretty import pretty
    res = result_from(recording, "port-web", ["podman", "port", "web"], "port")
    assert pretty(res) == repr(res)
    assert "8080/tcp" in pretty(res)


def test_shown_argv_without_tool_gets_it_from_argv():
    res = CommandResult(["skopeo", "inspect", "docker://x"], ["inspect", "docker://x"], 0)
    assert res.command_line == "skopeo inspect docker://x"


def test_warnings_lose_their_timestamps(recording):
    rec = recording("run-not-a-tty")
    assert rec["stderr"].startswith('time="')
    tidy = tidy_stderr(rec["stderr"])
    assert tidy.startswith("Warning: The input device is not a TTY.") and "time=" not in tidy
    res = result_from(recording, "run-not-a-tty", ["podman", "run", "-it", "bb", "echo", "hi"])
    assert res.ok and "kh-stderr" in res._repr_html_() and "Warning:" in repr(res)


# -- the fake podman ----------------------------------------------------------------------
def test_fake_podman_replays_and_logs(fake_podman):
    fake_podman.use("ps-two-running")
    p = plan(["ps", "-a"])
    proc = subprocess.run(["podman", *p.run_argv], capture_output=True, text=True)
    assert proc.returncode == 0
    assert proc.stdout == fake_podman.recording("ps-two-running")["stdout"]
    assert fake_podman.calls() == [["podman", "ps", "--format", "json", "-a"]]
    assert len(to_frame(p.kind, proc.stdout)) == 2


def test_fake_podman_picks_most_specific_recording(fake_podman):
    proc = subprocess.run(["podman", "rm", "nosuch"], capture_output=True, text=True)
    assert proc.returncode == 1 and "no such container" in proc.stderr
    proc = subprocess.run(["podman", "--root", "/x", "inspect", "web"], capture_output=True, text=True)
    assert json.loads(proc.stdout)[0]["Name"] == "web"
    assert fake_podman.calls()[1][:3] == ["podman", "--root", "/x"]


def test_fake_podman_without_match(fake_podman):
    proc = subprocess.run(["podman", "frobnicate"], capture_output=True, text=True)
    assert proc.returncode == 125 and "no recording matches" in proc.stderr
    assert fake_podman.calls() == [["podman", "frobnicate"]]
