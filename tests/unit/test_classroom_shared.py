"""A shared classroom ($PODMAN_COURSE_CLASSROOM=shared, a hub learner's kit): used, never run.

The host's registry is stood in for by a tiny HTTP server on three loopback ports that answers
``/v2/`` as the real endpoints do (pull 200, push and kit 401 without a login).
"""

from __future__ import annotations

import http.server
import os
import socket
import threading

import pytest

from kernel_helpers import __main__ as cli
from kernel_helpers import classroom, doctor, images, paths, uninstall
from kernel_helpers.errors import KitError


def _handler(code: int):
    class Registry(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the http.server name)
            self.send_response(code if self.path == "/v2/" else 404)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass
    return Registry


def _three_free_ports() -> int:
    """P such that P, P+1 and P+2 are free on loopback now."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = probe.getsockname()[1]
        if base > 65530:
            continue
        try:
            for port in (base + 1, base + 2):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", port))
        except OSError:
            continue
        return base
    raise RuntimeError("no three free consecutive loopback ports")


@pytest.fixture
def host_registry(tmp_path, monkeypatch):
    """Start the host's (fake) endpoints: ``start("pull", "push", ...)``; the shared mode on,
    the port set, the kit's state and runtime in TMP_PATH."""
    base = _three_free_ports()
    monkeypatch.setenv(classroom.PORT_ENV, str(base))
    monkeypatch.setenv(classroom.MODE_ENV, classroom.SHARED)
    monkeypatch.setenv(paths.STATE_ENV, str(tmp_path / "st"))
    monkeypatch.setenv(paths.RUNTIME_ENV, str(tmp_path / "rt"))
    servers = []

    def start(*endpoints: str) -> None:
        for endpoint in endpoints:
            code = 200 if endpoint == "pull" else 401
            server = http.server.ThreadingHTTPServer(
                ("127.0.0.1", base + classroom._OFFSET[endpoint]), _handler(code))
            threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
            servers.append(server)

    yield start, base
    for server in servers:
        server.shutdown()
        server.server_close()


def test_the_mode_is_unset_shared_or_refused(monkeypatch):
    assert not classroom.shared()
    monkeypatch.setenv(classroom.MODE_ENV, "shared")
    assert classroom.shared()
    monkeypatch.setenv(classroom.MODE_ENV, "yes")
    with pytest.raises(KitError, match="PODMAN_COURSE_CLASSROOM='yes': use 'shared'"):
        classroom.shared()


def test_status_is_up_when_the_hosts_registry_answers(host_registry, tmp_path):
    start, base = host_registry
    start("pull", "push", "kit")
    now = classroom.status()
    assert now.running and now.shared and now.pids == {"pull": None, "push": None, "kit": None}
    assert now.problems == {} and now.data_dir == ""
    text = now.describe()
    assert text.splitlines()[0] == "classroom registry: running, shared (the hub's)"
    assert f"http://localhost:{base + 1} [up]" in text and "run by the hub" in text
    assert "course images:" not in text and "pids:" not in text
    assert not (tmp_path / "st").exists() and not (tmp_path / "rt").exists()  # wrote nothing


def test_status_names_each_endpoint_that_does_not_answer(host_registry):
    start, base = host_registry
    start("pull")
    now = classroom.status()
    assert not now.running and now.pull_up and not now.push_up and not now.kit_up
    assert now.problems["push"] == f"push endpoint (localhost:{base + 1}, the hub's) does not answer"
    assert now.describe().startswith("classroom registry: partly running, shared (the hub's)")


def test_a_learner_needs_only_pull_and_push(host_registry):
    start, base = host_registry
    start("pull", "push")  # a pod forwards these two; the kit endpoint is the host's alone
    now = classroom.status()
    assert now.running and not now.kit_up
    assert classroom.up().running


def test_up_starts_nothing_and_says_who_to_ask(host_registry, tmp_path):
    start, base = host_registry
    with pytest.raises(KitError) as raised:
        classroom.up()
    assert str(raised.value) == (f"the classroom registry on localhost:{base} is the hub's and "
                                 "does not answer: ask your teacher")
    assert classroom.status().describe().startswith("classroom registry: not answering, shared")
    start("pull", "push", "kit")
    assert classroom.up().running
    assert paths.registries_conf().read_text().count(f"localhost:{base}") > 1  # the learner's own
    assert not paths.registry_dir().exists() and not (tmp_path / "rt" / "registry").exists()


def test_down_stops_nothing_in_one_line(host_registry, capsys):
    start, base = host_registry
    start("pull", "push", "kit")
    assert classroom.down().running  # still answers
    line = (f"classroom registry: shared (the hub's, localhost:{base}-{base + 2}): not stopped, "
            "only its host stops it")
    for argv in (["classroom", "down"], ["classroom", "down", "--if-unused"]):
        assert cli.main(argv) == 0
        assert capsys.readouterr().out == line + "\n"
    assert classroom.status().running
    assert uninstall.stop_classroom() == [line]


def test_the_doctor_row_says_shared(host_registry):
    start, base = host_registry
    report = doctor.Report()
    doctor.check_classroom(report)
    row = report.checks[-1]
    assert (row.status, row.fix) == ("warn", "ask your teacher: the hub runs it")
    assert row.finding.startswith("shared (the hub's), down; pull endpoint")
    start("pull", "push", "kit")
    doctor.check_classroom(report)
    row = report.checks[-1]
    assert row.status == "ok" and row.fix == ""
    assert row.finding == (f"shared (the hub's), up at http://localhost:{base} (pull) and "
                           f"http://localhost:{base + 1} (push, login)")


def test_images_are_the_hosts_to_build(host_registry):
    with pytest.raises(KitError, match="the hub builds and pushes the course images"):
        images.build()


def test_own_mode_keeps_its_text(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.STATE_ENV, str(tmp_path / "st"))
    monkeypatch.setenv(paths.RUNTIME_ENV, str(tmp_path / "rt"))
    monkeypatch.setenv(classroom.PORT_ENV, str(_three_free_ports()))
    now = classroom.status()
    assert not now.shared and now.describe().splitlines()[0] == "classroom registry: stopped"
    assert "shared" not in now.describe() and "course images:" in now.describe()


def test_setup_builds_no_images_for_a_shared_classroom(host_registry, monkeypatch, capsys):
    from types import SimpleNamespace

    from kernel_helpers import rootless, sandbox, setup
    start, base = host_registry
    start("pull", "push", "kit")
    done = []
    monkeypatch.setattr(sandbox, "reclaim", lambda: [])
    monkeypatch.setattr(doctor, "run", lambda: SimpleNamespace(text=lambda: "", healthy=True))
    monkeypatch.setattr(images, "build", lambda **kw: done.append("images"))
    monkeypatch.setattr(rootless, "prepare_store", lambda **kw: done.append("store"))
    assert setup.main() == 0
    assert done == ["store"]  # the learner's own store is still pulled from the hub's registry
    out = capsys.readouterr().out
    assert "classroom registry: running, shared (the hub's)" in out
    assert "images: the hub's classroom serves the course images: nothing to build" in out


@pytest.mark.skipif(os.geteuid() != 0, reason="hub up checks for root first")
def test_hub_up_runs_its_own_classroom(monkeypatch, tmp_path):
    from kernel_helpers.hub import cli as hub_cli
    monkeypatch.setenv(classroom.MODE_ENV, classroom.SHARED)
    with pytest.raises(KitError, match="unset PODMAN_COURSE_CLASSROOM here"):
        hub_cli.up(tmp_path / "no-roster.csv")
