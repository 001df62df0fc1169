"""The lesson API (``kernel_helpers.lesson``), without podman; and the notebooks that use it."""

from __future__ import annotations

import http.server
import re
import socket
import threading
import time
from types import SimpleNamespace

import jupytext
import pandas as pd
import pytest

from kernel_helpers import commands, lesson, paths, rootless_account, runner
from kernel_helpers.errors import CommandFailed, KitError, UsageError
from kernel_helpers.results import CommandResult

SOURCES = sorted((paths.repo_root() / "notebooks" / "src").glob("[0-9][0-9]_*.py"))
MAX_HELPER_CELL_LINES = 12


# -- wait_until ----------------------------------------------------------------------------
def test_wait_until_returns_the_first_truthy_value():
    answers = iter([None, 0, "", "ready", "later"])
    assert lesson.wait_until(lambda: next(answers), timeout=5, interval=0.01) == "ready"


def test_wait_until_names_what_it_waited_for_and_how_long():
    calls = []
    start = time.monotonic()
    with pytest.raises(KitError) as caught:
        lesson.wait_until(lambda: calls.append(1), timeout=0.2, interval=0.05, what="the web server")
    assert str(caught.value) == "gave up waiting for the web server after 0.2 s; last: None"
    assert len(calls) >= 3 and time.monotonic() - start < 2


def test_wait_until_with_until_returns_the_accepted_answer_and_shows_the_last_one():
    answers = iter(["starting", "still starting", "ready", "later"])
    assert lesson.wait_until(lambda: next(answers), until=lambda a: a == "ready", interval=0.01) == "ready"
    long_answer = "line one\nline two " + "x" * 300
    with pytest.raises(KitError) as caught:
        lesson.wait_until(lambda: long_answer, until=lambda a: False, timeout=0.05, interval=0.01, what="it")
    message = str(caught.value)
    assert message.startswith("gave up waiting for it after 0.05 s; last: 'line one\\nline two xxx")
    assert message.endswith("...") and "\n" not in message
    assert len(message.split("; last: ", 1)[1]) == 200


@pytest.mark.parametrize(("returncode", "stderr", "last"), [
    (7, "", "exit 7, no output"),
    (1, "wget: can't connect to remote host\n", "exit 1, said \"wget: can't connect to remote host\"")])
def test_wait_until_shows_what_the_last_command_printed(returncode, stderr, last):
    answer = CommandResult(argv=["curl"], shown_argv=["curl"], returncode=returncode, stderr=stderr)
    with pytest.raises(KitError) as caught:
        lesson.wait_until(lambda: answer, until=lambda r: r.ok, timeout=0.02, interval=0.01, what="web")
    assert str(caught.value) == f"gave up waiting for web after 0.02 s; last: {last}"


def test_wait_until_lets_other_errors_through():
    with pytest.raises(ZeroDivisionError):
        lesson.wait_until(lambda: 1 / 0, timeout=1)


# -- fetch ---------------------------------------------------------------------------------
class Page(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        body = b"missing" if self.path == "/nothing" else b"<h1>It works!</h1>"
        self.send_response(404 if self.path == "/nothing" else 200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def serve():
    """serve(port, after=seconds): a local HTTP server on PORT, started AFTER seconds."""
    servers, timers = [], []

    def start(port: int, after: float = 0.0):
        def run():
            server = http.server.HTTPServer(("127.0.0.1", port), Page)
            servers.append(server)
            threading.Thread(target=server.serve_forever, daemon=True).start()
        timer = threading.Timer(after, run)
        timers.append(timer)
        timer.start()
        if not after:
            timer.join()

    yield start
    for timer in timers:
        timer.cancel()
        timer.join()
    for server in servers:
        server.shutdown()
        server.server_close()


def test_fetch_a_port_gets_its_home_page(serve):
    port = free_port()
    serve(port)
    status, body = lesson.fetch(port)
    assert (status, body) == (200, "<h1>It works!</h1>")


def test_fetch_retries_until_the_server_listens(serve):
    port = free_port()
    serve(port, after=0.8)
    start = time.monotonic()
    page = lesson.fetch(port, wait=10)
    assert page.status == 200 and "It works!" in page.body
    assert time.monotonic() - start >= 0.7


def test_an_error_status_is_an_answer(serve):
    port = free_port()
    serve(port)
    assert lesson.fetch(f"http://127.0.0.1:{port}/nothing", wait=1) == (404, "missing")


def test_fetch_says_in_one_line_who_never_answered_and_why():
    port = free_port()
    with pytest.raises(KitError) as caught:
        lesson.fetch(port, wait=0.3)
    message = str(caught.value)
    assert message.startswith(f"no answer from http://127.0.0.1:{port}/ after 0.3 s: ")
    assert "Connection refused" in message and "\n" not in message


# -- podman and skopeo: what %podman and %skopeo do ---------------------------------------
@pytest.fixture
def recorded(monkeypatch):
    """commands.run_line and run_args replaced by recorders; the calls, and what they return."""
    calls = []
    answer = CommandResult(argv=["podman", "ps"], shown_argv=["podman", "ps"], returncode=0)

    def fake(name):
        def record(*args, **kwargs):
            calls.append((name, args, kwargs))
            return answer
        return record

    monkeypatch.setattr(commands, "run_line", fake("run_line"))
    monkeypatch.setattr(commands, "run_args", fake("run_args"))
    monkeypatch.setattr(lesson, "get_ipython", lambda: None)
    return SimpleNamespace(calls=calls, answer=answer)


def test_a_string_is_a_magic_line(recorded):
    assert lesson.podman("ps -a") is recorded.answer
    assert recorded.calls == [("run_line", ("podman", "ps -a", None), {
        "namespace": {}, "default_timeout": runner.DEFAULT_TIMEOUT,
        "stream_window": runner.STREAM_WINDOW})]


def test_keywords_are_the_kits_options(recorded):
    lesson.podman("run -i --rm ubi8/ubi bash", "echo hi\n", rootless=True, raw=True, timeout=5)
    name, args, _ = recorded.calls[0]
    assert (name, args) == ("run_line", ("podman", "--rootless --raw --timeout=5 run -i --rm ubi8/ubi bash",
                                         "echo hi\n"))
    options, argv = commands.split_kit_options(args[1])
    assert (options.rootless, options.raw, options.timeout) == (True, True, 5.0)
    assert argv == ["run", "-i", "--rm", "ubi8/ubi", "bash"]


def test_a_list_is_used_as_it_is(recorded):
    lesson.podman(["inspect", "my {NAME}"], rootless=True, timeout=9, raw=True)
    lesson.skopeo(["inspect", "docker://localhost:5000/busybox"])
    assert recorded.calls[0] == ("run_args", ("podman", ["inspect", "my {NAME}"], None), {
        "rootless_user": True, "timeout": 9, "table": False,
        "default_timeout": runner.DEFAULT_TIMEOUT, "stream_window": runner.STREAM_WINDOW})
    assert recorded.calls[1][:2] == ("run_args", ("skopeo", ["inspect", "docker://localhost:5000/busybox"],
                                                  None))
    assert recorded.calls[1][2]["rootless_user"] is False


def test_the_notebooks_variables_and_config_are_the_magics(recorded, monkeypatch):
    magics = SimpleNamespace(timeout=42.0, stream_window=3.0)
    shell = SimpleNamespace(user_ns={"NAME": "web"},
                            magics_manager=SimpleNamespace(registry={"PodmanMagics": magics}))
    monkeypatch.setattr(lesson, "get_ipython", lambda: shell)
    lesson.skopeo("--version")
    assert recorded.calls[0][2] == {"namespace": {"NAME": "web"}, "default_timeout": 42.0,
                                    "stream_window": 3.0}


def test_in_a_real_shell_the_magics_config_applies(recorded, monkeypatch, tmp_path):
    from IPython import get_ipython
    from IPython.core.interactiveshell import InteractiveShell

    from kernel_helpers.magics import PodmanMagics

    monkeypatch.setenv("IPYTHONDIR", str(tmp_path))
    monkeypatch.setattr(lesson, "get_ipython", get_ipython)
    shell = InteractiveShell.instance()
    try:
        shell.register_magics(PodmanMagics)  # what %load_ext does, without making a sandbox
        shell.run_line_magic("config", "PodmanMagics.timeout = 7")
        lesson.podman("ps")
    finally:
        InteractiveShell.clear_instance()
    kwargs = recorded.calls[0][2]
    assert kwargs["default_timeout"] == 7.0 and kwargs["namespace"] is shell.user_ns


def test_check_raises_the_kits_command_failed(recorded):
    recorded.answer.returncode = 125
    recorded.answer.stderr = "Error: no container with name or ID \"web\" found"
    assert lesson.podman("rm web").returncode == 125  # no check: a result, as from %podman
    with pytest.raises(CommandFailed, match="podman exited 125: Error: no container"):
        lesson.podman("rm web", check=True)


def test_the_real_code_path_refuses_and_checks_like_the_magic():
    refused = lesson.podman("system prune -af")
    assert refused.returncode == -1 and refused.stderr.startswith("not run: ")
    assert refused.command_line == "podman system prune -af"
    with pytest.raises(CommandFailed):
        lesson.podman(["system", "prune", "-af"], check=True)
    with pytest.raises(UsageError, match="--timeout needs a positive number"):
        lesson.podman("ps", timeout=0)


# -- containers ----------------------------------------------------------------------------
def ps_result(df, prompt="$"):
    return CommandResult(argv=["podman", "ps", "-a"], shown_argv=["podman", "ps", "-a"], returncode=0,
                         df=df, prompt=prompt)


@pytest.fixture
def ps(monkeypatch):
    asked = []

    def answer(result):
        monkeypatch.setattr(lesson, "podman", lambda line, **kw: asked.append((line, kw)) or result)
    answer.asked = asked
    return answer


def test_containers_prints_names_and_states_sorted(ps, capsys):
    ps(ps_result(pd.DataFrame({"ID": ["1", "2", "3"], "Names": ["web", "db", "happy_turing"],
                               "State": ["running", "exited", "exited"]})))
    lesson.containers(rename=lambda n: "<random name>" if "_" in n else n)
    assert capsys.readouterr().out == (
        "$ podman ps -a   (Names and State columns)\n"
        "        Names   State\n"
        "<random name>  exited\n"
        "           db  exited\n"
        "          web running\n")
    assert ps.asked == [("ps -a", {"rootless": False})]


def test_containers_of_the_rootless_user_and_running_only(ps, capsys):
    ps(ps_result(pd.DataFrame(columns=["Names", "State", "Image"]), prompt="podman-student$"))
    lesson.containers(rootless=True, columns=("Names", "Image", "State"), running_only=True)
    assert capsys.readouterr().out == ("podman-student$ podman ps -a   (Names, Image and State columns)\n"
                                       "(no containers)\n")
    assert ps.asked == [("ps", {"rootless": True})]


def test_containers_shows_why_there_is_no_table(ps, capsys):
    ps(CommandResult.not_run("podman", ["ps", "-a"], "rootless lessons cannot run here: no user"))
    lesson.containers(rootless=True)
    assert capsys.readouterr().out.splitlines()[1] == "not run: rootless lessons cannot run here: no user"


# -- MariaDB -------------------------------------------------------------------------------
def test_mariadb_logs_in_once_the_server_accepts(monkeypatch):
    pymysql = pytest.importorskip("pymysql")
    tries = []

    def connect(**kwargs):
        tries.append(kwargs)
        if len(tries) < 3:
            raise pymysql.err.OperationalError(2003, "Can't connect to MySQL server")
        return "connection"

    monkeypatch.setattr(pymysql, "connect", connect)
    monkeypatch.setattr(lesson.time, "sleep", lambda s: None)
    assert lesson.mariadb(3306, database="db") == "connection"
    assert tries[-1] == {"host": "127.0.0.1", "port": 3306, "user": "user1", "password": "redhat123",
                         "database": "db", "connect_timeout": 5}


def test_mariadb_gives_up_with_the_last_refusal(monkeypatch):
    pymysql = pytest.importorskip("pymysql")

    def refuse(**kwargs):
        raise pymysql.err.OperationalError(1045, "Access denied for user 'student'")

    monkeypatch.setattr(pymysql, "connect", refuse)
    with pytest.raises(KitError, match=r"no MariaDB login as student on 127.0.0.1:3307 after 0.1 s: "
                                       r"\(1045, \"Access denied"):
        lesson.mariadb(3307, user="student", password="x", wait=0.1)


class Cursor:
    def __init__(self, rows, description):
        self.rows, self.description, self.ran = rows, description, []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def execute(self, sql):
        self.ran.append(sql)

    def fetchall(self):
        return self.rows


def test_query_returns_a_table_and_commits():
    cursor = Cursor((("db",), ("information_schema",)), (("Database", 253),))
    connection = SimpleNamespace(cursor=lambda: cursor, commits=[])
    connection.commit = lambda: connection.commits.append(1)
    table = lesson.query(connection, "show databases;")
    assert table.to_dict("list") == {"Database": ["db", "information_schema"]}
    assert cursor.ran == ["show databases;"] and connection.commits == [1]
    cursor.rows, cursor.description = (), None  # INSERT: no result set
    assert lesson.query(connection, "insert into t values (1)").empty


# -- rootless ------------------------------------------------------------------------------
def test_rootless_available_says_why_a_cell_is_skipped(monkeypatch, capsys):
    reason = "newuidmap is missing: apt-get install uidmap"
    monkeypatch.setattr(rootless_account, "unavailable_reason", lambda: reason)
    assert lesson.rootless_available() is False
    assert capsys.readouterr().out == f"skipped: {reason}\n"
    monkeypatch.setattr(rootless_account, "unavailable_reason", lambda: None)
    assert lesson.rootless_available() is True
    assert capsys.readouterr().out == ""


# -- the notebooks use the lesson API ------------------------------------------------------
def code_cells(src):
    return [c.source for c in jupytext.read(src).cells if c.cell_type == "code"]


@pytest.mark.parametrize("src", SOURCES, ids=[s.stem for s in SOURCES])
def test_notebooks_use_the_lesson_api_not_the_magics_internals(src):
    for source in code_cells(src):
        assert "run_line_magic" not in source, f"{src.name}: use podman(...) or a %podman line"
        assert not re.search(r"kernel_helpers\.magics|from kernel_helpers import .*\bmagics\b", source), \
            f"{src.name}: imports the magics module"


@pytest.mark.parametrize("src", SOURCES, ids=[s.stem for s in SOURCES])
def test_helper_cells_are_short(src):
    for source in code_cells(src):
        if re.search(r"^\s*def ", source, re.M):
            lines = [line for line in source.splitlines() if line.strip()]
            assert len(lines) <= MAX_HELPER_CELL_LINES, \
                f"{src.name}: a cell defining helpers has {len(lines)} lines:\n{source}"
