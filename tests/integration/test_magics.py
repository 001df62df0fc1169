"""The magics on the real engine, in an IPython shell, inside a test sandbox."""

from __future__ import annotations

import time
import urllib.request

from kernel_helpers import classroom, session

BUSYBOX = f"{classroom.pull_host()}/busybox:latest"
HTTPD = "registry.redhat.io/rhel8/httpd-24:1-105"


def podman(shell, line, cell=None):
    if cell is None:
        return shell.run_line_magic("podman", line)
    return shell.run_cell_magic("podman", line, cell)


def test_ps_is_a_table_while_showing_what_was_typed(shell):
    podman(shell, f"run -d --name web {BUSYBOX} sleep 300").check()
    result = podman(shell, "ps -a")
    assert result.shown_argv == ["podman", "ps", "-a"]
    assert "json" in result.argv
    assert list(result.df["Names"]) == ["web"]
    assert "$ podman ps -a" in result._repr_html_()


def test_a_failure_is_a_result_with_podmans_words_and_a_hint(shell):
    podman(shell, f"run -d --name twin {BUSYBOX} sleep 300").check()
    again = podman(shell, f"run -d --name twin {BUSYBOX} sleep 300")
    assert again.returncode == 125
    assert 'the container name "twin" is already in use' in again.stderr
    assert again.hint
    assert "exit status 125" in again._repr_html_()


def test_cell_body_is_the_standard_input_of_run_i(shell):
    result = podman(shell, f"run -i --rm {BUSYBOX} sh", "echo first\nhostname >/dev/null && echo second\n")
    assert result.ok and result.stdout.split() == ["first", "second"]


def test_it_runs_without_a_terminal_and_says_so(shell):
    result = podman(shell, f"run -it --rm {BUSYBOX} sh", "echo from-cell\n")
    assert result.ok and "from-cell" in result.stdout
    assert "-t dropped" in result.note


def test_streaming_command_shows_what_arrived_and_stops(shell):
    start = time.monotonic()
    result = podman(shell, "events --format {{.Status}}")
    assert time.monotonic() - start < 15
    assert result.returncode == 0 and "streaming command" in result.note


def test_a_command_that_never_returns_is_stopped_at_its_timeout(shell):
    start = time.monotonic()
    result = podman(shell, f"--timeout 2 run --rm --name forever {BUSYBOX} sleep 600")
    assert result.timed_out and "did not finish within 2 s" in result.note
    assert time.monotonic() - start < 15


def test_notes_names_resolve_to_the_classroom(shell):
    result = podman(shell, "pull -q registry.access.redhat.com/ubi8/ubi:latest")
    assert result.ok, result.stderr
    images = podman(shell, "images")
    assert "registry.access.redhat.com/ubi8/ubi" in set(images.df["Repository"])


def test_published_port_is_leased_and_served(shell, make_sandbox):
    port = make_sandbox().lease_ports(1)[0]  # someone else's lease...
    refused = podman(shell, f"run -d --name web -p {port}:8080 {HTTPD}")
    assert refused.returncode == -1 and "already taken by sandbox" in refused.stderr
    free = session.kernel_sandbox().lease_ports(1)[0]
    podman(shell, f"run -d --name web -p {free}:8080 {HTTPD}").check()
    deadline, body = time.monotonic() + 20, ""
    while time.monotonic() < deadline and not body:
        try:
            body = urllib.request.urlopen(f"http://127.0.0.1:{free}/", timeout=2).read().decode()
        except OSError:
            time.sleep(0.3)
    assert "stand-in" in body.lower()
    table = podman(shell, "port web")
    assert table.df is not None and str(free) in table.df.to_string()
