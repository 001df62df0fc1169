"""The pure parts of ``%podman_terminal``: names, the request, finding the server, the output."""

from __future__ import annotations

import json
import os
import re
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import pytest
from IPython.core.error import UsageError as IPythonUsageError
from IPython.core.interactiveshell import InteractiveShell

from kernel_helpers import magics, paths, session, terminal
from kernel_helpers.errors import UsageError

SANDBOX = "kernel-123-a1b2c3"
KERNEL = "0f6e2a9c-1111-4222-8333-944455556666"
TOKEN = "s3cr3t-token-value"


def test_the_terminal_name_is_made_of_word_characters_only():
    name = terminal.terminal_name(SANDBOX)
    assert name == "sandbox_kernel_123_a1b2c3"
    assert re.fullmatch(r"\w+", name)  # jupyter_server_terminals' routes: terminals/(\w+)


def test_the_request_runs_the_kits_shell_with_the_kernels_python_and_kit(monkeypatch):
    body = terminal.terminal_request(SANDBOX, "/work", pythonpath="/elsewhere")
    assert body["name"] == terminal.terminal_name(SANDBOX)
    assert body["cwd"] == "/work"
    assert body["shell_command"] == [sys.executable, "-m", "kernel_helpers", "sandbox", "shell", SANDBOX]
    assert body["extra_env"]["PYTHONPATH"].split(os.pathsep) == [str(paths.repo_root()), "/elsewhere"]
    assert terminal.terminal_request(SANDBOX, "/w")["extra_env"]["PYTHONPATH"] == str(paths.repo_root())


@pytest.mark.parametrize("name, expected", [
    (f"/run/jupyter/kernel-{KERNEL}.json", KERNEL),
    (f"kernel-{KERNEL}.json", KERNEL),
    ("/tmp/tmpnucvzu8f.json", None),  # papermill's own connection file
    ("kernel-x.json", None),
])
def test_the_kernel_id_comes_from_the_connection_files_name(name, expected):
    assert terminal.kernel_id(name) == expected


def test_without_a_kernel_app_there_is_no_kernel_id():
    assert terminal.kernel_id() is None  # pytest is no kernel


def _write(path: Path, info: dict, mode: int = 0o600) -> Path:
    path.write_text(json.dumps(info))
    path.chmod(mode)
    return path


def test_a_server_file_is_read_only_when_this_user_owns_it_alone(tmp_path):
    good = _write(tmp_path / "jpserver-1.json", {"url": "http://127.0.0.1:1/", "token": "t"})
    assert terminal._owned_json(good)["token"] == "t"
    assert terminal._owned_json(_write(tmp_path / "jpserver-2.json", {"url": "u"}, 0o620)) is None
    link = tmp_path / "jpserver-3.json"
    link.symlink_to(good)
    assert terminal._owned_json(link) is None  # never followed
    (tmp_path / "jpserver-4.json").write_text("not json")
    assert terminal._owned_json(tmp_path / "jpserver-4.json") is None
    if os.geteuid() == 0:
        other = _write(tmp_path / "jpserver-5.json", {"url": "http://127.0.0.1:1/"})
        os.chown(other, 4242, 4242)
        assert terminal._owned_json(other) is None  # a learner's file: root does not trust it


def test_the_parent_processes_server_file_comes_first(tmp_path):
    for pid in (10, 20, 30):
        _write(tmp_path / f"jpserver-{pid}.json", {})
    (tmp_path / "jpserver-40.json").mkdir()
    files = terminal.server_files([tmp_path, tmp_path], parent_pid=20)
    assert [p.name for p in files] == ["jpserver-20.json", "jpserver-10.json", "jpserver-30.json"]


class _FakeJupyter(BaseHTTPRequestHandler):
    """GET /api/kernels/ID, GET and POST /api/terminals, with token auth, recorded."""

    kernels: set = set()
    terminals: set = set()
    seen: list = []

    def _answer(self, status: int, body=None):
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _route(self, method: str):
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length)) if length else None
        self.seen.append((method, self.path, body, self.headers.get("Authorization")))
        if self.headers.get("Authorization") != f"token {TOKEN}":
            return self._answer(403)
        kind, _, name = self.path.removeprefix("/api/").partition("/")
        if method == "GET" and kind == "kernels":
            return self._answer(200 if name in self.kernels else 404, {"id": name})
        if method == "GET" and kind == "terminals":
            return self._answer(200 if name in self.terminals else 404, {"name": name})
        if method == "POST" and kind == "terminals":
            self.terminals.add(body["name"])
            return self._answer(200, {"name": body["name"]})
        return self._answer(404)

    def do_GET(self):  # noqa: N802
        self._route("GET")

    def do_POST(self):  # noqa: N802
        self._route("POST")

    def log_message(self, *args):
        pass


@pytest.fixture
def jupyter():
    _FakeJupyter.kernels, _FakeJupyter.terminals, _FakeJupyter.seen = {KERNEL}, set(), []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeJupyter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield SimpleNamespace(url=f"http://127.0.0.1:{server.server_port}/", handler=_FakeJupyter)
    server.shutdown()
    server.server_close()


def test_the_server_is_the_one_that_lists_this_kernel(tmp_path, jupyter):
    other = _write(tmp_path / "jpserver-1.json", {"url": jupyter.url, "token": "wrong"})
    dead = _write(tmp_path / "jpserver-2.json", {"url": "http://127.0.0.1:9/", "token": TOKEN})
    odd = _write(tmp_path / "jpserver-3.json", {"url": "file:///etc/passwd", "token": TOKEN})
    ours = _write(tmp_path / "jpserver-4.json", {"url": jupyter.url.rstrip("/"), "token": TOKEN})
    found = terminal.find_server(KERNEL, [other, dead, odd, ours])
    assert found == terminal.Server(jupyter.url, TOKEN)
    assert TOKEN not in repr(found)
    assert terminal.find_server("another-kernel", [ours]) is None
    assert all("token=" not in path for _, path, _, _ in jupyter.handler.seen)  # in a header only


def test_open_asks_the_server_for_the_sandboxs_terminal_once(jupyter):
    server = terminal.Server(jupyter.url, TOKEN)
    sandbox = SimpleNamespace(id=SANDBOX)
    first = terminal.open_terminal(sandbox, cwd="/nb", kernel=KERNEL, server=server)
    again = terminal.open_terminal(sandbox, cwd="/nb", kernel=KERNEL, server=server)
    assert first.opened and again.opened and first.name == terminal.terminal_name(SANDBOX)
    posts = [body for method, _, body, _ in jupyter.handler.seen if method == "POST"]
    assert posts == [terminal.terminal_request(SANDBOX, "/nb", os.environ.get("PYTHONPATH"))]
    bundle = first._repr_mimebundle_()
    assert f"sandbox {SANDBOX}" in bundle["text/plain"]
    script = bundle["application/javascript"]
    assert json.dumps(first.name) in script and "terminal:open" in script
    assert TOKEN not in json.dumps(bundle)


def test_a_refusal_is_one_line_and_opens_nothing(jupyter):
    server = terminal.Server(jupyter.url, "bad")
    shown = terminal.open_terminal(SimpleNamespace(id=SANDBOX), cwd="/", kernel=KERNEL, server=server)
    assert not shown.opened
    assert shown._repr_mimebundle_() == {"text/plain": shown.message}
    assert "HTTP 403" in shown.message and "\n" not in shown.message


def test_without_a_server_the_magic_says_so_in_one_deterministic_line(monkeypatch):
    monkeypatch.setattr(session, "_current", SimpleNamespace(id=SANDBOX, exists=lambda: True))
    ip = InteractiveShell.instance()
    ip.register_magics(magics.PodmanMagics)
    shown = ip.run_line_magic("podman_terminal", "")
    assert not shown.opened and repr(shown) == terminal.NO_SERVER
    assert shown._repr_mimebundle_() == {"text/plain": terminal.NO_SERVER}
    with pytest.raises(IPythonUsageError, match="takes no arguments"):
        ip.run_line_magic("podman_terminal", "bash")
    assert "sandbox" in ip.find_line_magic("podman_terminal").__doc__


def test_the_shell_refuses_a_bad_or_dead_sandbox(monkeypatch):
    with pytest.raises(UsageError, match="not a sandbox id"):
        terminal.live_sandbox("../../etc")
    monkeypatch.setattr(terminal, "is_alive", lambda sandbox_id: False)
    with pytest.raises(UsageError, match="is gone"):
        terminal.live_sandbox(SANDBOX)
    with pytest.raises(UsageError, match="usage"):
        terminal.shell([])


def test_the_rc_file_puts_the_kernels_python_first_and_the_sandbox_in_the_prompt():
    text = terminal.rcfile_text("/opt/my venv/bin/python")
    assert "PATH='/opt/my venv/bin':\"$PATH\"" in text
    assert 'PS1="(sandbox $PODMAN_COURSE_SANDBOX) ${PS1:-' in text
    assert text.index(".bashrc") < text.index("PS1=")  # the learner's rc cannot drop the mark


def _fake_proc(root: Path, table: dict[int, int]) -> Path:
    for pid, sid in table.items():
        (root / str(pid)).mkdir()
        (root / str(pid) / "stat").write_text(f"{pid} (ba sh) S 1 {pid} {sid} 0 -1\n")
    (root / "self").mkdir()
    return root


def test_the_session_members_are_found_by_session_id(tmp_path):
    proc = _fake_proc(tmp_path, {100: 100, 101: 100, 102: 100, 200: 200})
    assert sorted(terminal.session_members(100, proc)) == [100, 101, 102]


def test_the_watcher_hangs_up_once_the_sandbox_goes(monkeypatch):
    looks = iter([True, True, False])
    hung = []
    monkeypatch.setattr(terminal.procinfo, "start_time", lambda pid: "77")
    monkeypatch.setattr(terminal, "is_alive", lambda sandbox_id: next(looks))
    monkeypatch.setattr(terminal, "hang_up", lambda pid, start: hung.append((pid, start)))
    terminal.watch(SANDBOX, 4242, "77", interval=0)
    assert hung == [(4242, "77")]


def test_the_watcher_ends_quietly_with_its_shell(monkeypatch):
    monkeypatch.setattr(terminal.procinfo, "start_time", lambda pid: None)  # the shell exited
    monkeypatch.setattr(terminal, "hang_up", lambda pid, start: pytest.fail("nothing to hang up"))
    terminal.watch(SANDBOX, 4242, "77", interval=0)
