"""The lesson API: what the course notebooks do again and again, in one place.

A notebook imports what it needs from here, never the kit's plumbing:
- ``podman``/``skopeo``: ``%podman``/``%skopeo`` as Python functions (same code path,
  ``commands``), for loops and helpers; ``containers`` prints the steady container table;
- ``fetch``: an HTTP GET that waits for a server to start listening; ``wait_until``: any
  other "try again until it works", with a clear one-line error when it never does;
- ``mariadb``/``query``: log in to a MariaDB server (retrying while it starts) and read a table;
- ``rootless_available``: the one way a cell says it needs rootless podman, and why it is skipped;
  ``rootless_world``: the course user's folder and uid for this notebook;
  ``root_step``: the one way a cell says it shows a root-only fact (skipped in user mode).

Usage:
    from kernel_helpers.lesson import containers, fetch, mariadb, podman, query, rootless_available

    r = podman("ps -a")                       # what %podman ps -a does; r.df, r.stdout, r.ok
    podman(["inspect", name], check=True)     # a list: no splitting; check: CommandFailed if not ok
    podman("ps -a", rootless=True)            # %podman --rootless ps -a
    containers()                              # prints "$ podman ps -a" with names and states
    status, page = fetch(8080)                # GET http://127.0.0.1:8080/, retrying for 30 s
    db = mariadb(3306); query(db, "show databases;")
    if rootless_available():                  # else prints "skipped: <reason>"
        ...
"""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import pandas as pd
from IPython import get_ipython

from . import commands, portmap, privilege, replay, rootless_account, runner
from . import rootless as rootless_kit  # not `rootless`: podman() and containers() take that keyword
from .errors import KitError
from .i18n import _
from .results import CommandResult, tidy_stderr
from .session import kernel_sandbox

MARIADB_HOST = "127.0.0.1"


# -- commands ----------------------------------------------------------------------------
def _magic_settings() -> tuple[dict, float, float]:
    """The notebook's variables and the ``%config PodmanMagics`` settings (defaults outside IPython)."""
    shell = get_ipython()
    magics = shell.magics_manager.registry.get("PodmanMagics") if shell is not None else None
    namespace = shell.user_ns if shell is not None else {}
    if magics is None:
        return namespace, runner.DEFAULT_TIMEOUT, runner.STREAM_WINDOW
    return namespace, magics.timeout, magics.stream_window


def _run(tool: str, command: str | Sequence[str], cell: str | None, check: bool, rootless_user: bool,
         timeout: float | None, raw: bool) -> CommandResult:
    namespace, default_timeout, stream_window = _magic_settings()
    if isinstance(command, str):
        kit = (["--rootless"] if rootless_user else []) + (["--raw"] if raw else []) \
            + ([f"--timeout={timeout}"] if timeout is not None else [])
        result = commands.run_line(tool, " ".join([*kit, command]), cell, namespace=namespace,
                                   default_timeout=default_timeout, stream_window=stream_window)
    else:
        result = commands.run_args(tool, list(command), cell, rootless_user=rootless_user,
                                   timeout=timeout, table=not raw, default_timeout=default_timeout,
                                   stream_window=stream_window)
    return result.check() if check else result


def podman(command: str | Sequence[str], cell: str | None = None, *, check: bool = False,
           rootless: bool = False, timeout: float | None = None, raw: bool = False) -> CommandResult:
    """Run podman exactly as ``%podman`` (``%%podman`` with CELL) would, and return the result.

    COMMAND is a string as typed after ``%podman`` (kit options and ``{NAME}`` placeholders
    included, expanded from the notebook's variables), or a list of arguments, used as they
    are. ``rootless``, ``timeout`` and ``raw`` are the kit options ``--rootless``,
    ``--timeout`` and ``--raw``. The result is not shown: return it from a cell, or print it.
    ``check=True`` raises ``errors.CommandFailed`` unless the command worked; a bad kit option
    raises ``errors.UsageError``.
    """
    return _run("podman", command, cell, check, rootless, timeout, raw)


def skopeo(command: str | Sequence[str], cell: str | None = None, *, check: bool = False,
           timeout: float | None = None, raw: bool = False) -> CommandResult:
    """Run skopeo exactly as ``%skopeo`` would (see ``podman``; there is no rootless skopeo)."""
    return _run("skopeo", command, cell, check, False, timeout, raw)


def _and(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else _("{first} and {last}").format(
        first=", ".join(words[:-1]), last=words[-1])


def containers(rootless: bool = False, columns: Sequence[str] = ("Names", "State"), *,
               running_only: bool = False, rename: Callable[[str], str] | None = None) -> None:
    """Print ``podman ps -a`` (``ps`` if RUNNING_ONLY) with steady COLUMNS only, sorted by name.

    ``Status`` ("Up 2 seconds ago"), ``Created`` and ``ID`` change on every run; names and states
    do not. ROOTLESS: the course user's containers. RENAME maps a name to what is printed
    (for names podman invented, which change on every run).
    """
    r = podman("ps" if running_only else "ps -a", rootless=rootless)
    print(f"{r.prompt} {r.command_line}   " + _("({columns} columns)").format(columns=_and(list(columns))))
    if r.df is None:
        print(tidy_stderr(r.stderr))
    elif r.df.empty:
        print(_("(no containers)"))
    else:
        table = r.df[list(columns)]
        if rename is not None and "Names" in table:
            table = table.assign(Names=table["Names"].map(rename))
        print(table.sort_values("Names" if "Names" in table else columns[0]).to_string(index=False))


# -- waiting -----------------------------------------------------------------------------
def _poll(attempt: Callable[[], Any], timeout: float, interval: float,
          retry_on: tuple[type[BaseException], ...] = ()) -> tuple[Any, BaseException | None]:
    """(ATTEMPT's first truthy value, None), trying until TIMEOUT s passed; else (None, last error)."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            value = attempt()
            if value:
                return value, None
        except retry_on as exc:
            last = exc
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None, last
        time.sleep(min(interval, remaining))


def _last_answer(value: Any, limit: int = 200) -> str:
    """VALUE in one short line: a command's exit status and what it printed, else its repr."""
    if isinstance(value, CommandResult):
        out, err = value.stdout.strip(), tidy_stderr(value.stderr).strip()
        text = f"exit {value.returncode}" + (f", printed {out!r}" if out else "") \
            + (f", said {err!r}" if err else "") + ("" if out or err else ", no output")
    else:
        text = repr(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def wait_until(predicate: Callable[[], Any], *, until: Callable[[Any], Any] = bool, timeout: float = 30,
               interval: float = 0.5, what: str = "the condition") -> Any:
    """PREDICATE's first value that UNTIL accepts (default: a truthy one), asked every INTERVAL s.

    For "the server needs a moment": ``wait_until(lambda: ready(name), what="NAME to start")``;
    ``wait_until(lambda: podman("ps"), until=lambda r: r.ok)`` for a command that must work.
    After TIMEOUT s, KitError with PREDICATE's last answer (a command: its status and output).
    A command this mode skips (a root-only step, ``CommandResult.is_skipped``) never comes
    true: its one-line result is returned at once.
    """
    answers = []

    def attempt() -> Any:
        answers[:] = [predicate()]
        return getattr(answers[0], "is_skipped", False) or until(answers[0])

    done, _error = _poll(attempt, timeout, interval)
    if not done:
        last = _last_answer(answers[0]) if answers else "no answer"
        raise KitError(f"gave up waiting for {what} after {timeout:g} s; last: {last}")
    return answers[0]


def _reach(port: int) -> int:
    """The host port to reach notes port PORT on; in a hub classroom, say which one (one line)."""
    said = portmap.line(port)
    if said:
        print(said)
    return portmap.host_port(port)


def _reach_url(url: str) -> str:
    """URL with a notes port on this host (``http://localhost:8080/x``) made the classroom's."""
    parts = urllib.parse.urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        return url
    if port is None or parts.hostname not in ("127.0.0.1", "localhost") or not portmap.line(port):
        return url
    host = parts.netloc.rpartition(":")[0]
    return parts._replace(netloc=f"{host}:{_reach(port)}").geturl()


class Response(NamedTuple):
    """What ``fetch`` got: ``status, body = fetch(8080)``."""

    status: int
    body: str


def fetch(url_or_port: str | int, *, wait: float = 30.0, timeout: float = 5.0) -> Response:
    """HTTP GET URL (a port: ``http://127.0.0.1:PORT/``), retrying until the server answers.

    A web server needs a moment to start listening, so connection errors are retried for
    WAIT seconds; any HTTP answer counts, 404 and 500 included. KitError when none came.
    In a hub classroom a notes port (8080) is reached on the learner's own (``portmap``).
    Replay mode: ``replay.NotRecorded`` (no server runs there).
    """
    if replay.active():
        raise replay.NotRecorded(f"fetch({url_or_port!r})", replay.LIVE_ONLY)
    url = f"http://127.0.0.1:{_reach(url_or_port)}/" if isinstance(url_or_port, int) \
        else _reach_url(url_or_port)

    def get() -> Response:
        try:
            with urllib.request.urlopen(url, timeout=timeout) as answer:
                return Response(answer.status, answer.read().decode(errors="replace"))
        except urllib.error.HTTPError as answer:  # an answer too, with an error status
            return Response(answer.code, answer.read().decode(errors="replace"))

    response, error = _poll(get, wait, 0.5, (OSError, http.client.HTTPException))
    if response is None:
        reason = str(getattr(error, "reason", error)) or type(error).__name__
        raise KitError(f"no answer from {url} after {wait:g} s: {reason}")
    return response


# -- MariaDB -----------------------------------------------------------------------------
def mariadb(port: int, user: str = "user1", password: str = "redhat123", database: str | None = None,
            wait: float = 60):
    """A pymysql connection to the MariaDB server on 127.0.0.1:PORT, retrying while it starts.

    The server creates its files, user and database before it listens, which takes seconds;
    a refused login is tried again for WAIT seconds. KitError with the last refusal after that.
    In a hub classroom a notes port (3306) is reached on the learner's own (``portmap``).
    """
    if replay.active():
        raise replay.NotRecorded(f"mariadb({port!r})", replay.LIVE_ONLY)
    import pymysql  # only the notebooks that query a database need it

    port = _reach(port)

    def login():
        return pymysql.connect(host=MARIADB_HOST, port=port, user=user, password=password,
                               database=database, connect_timeout=5)

    connection, error = _poll(login, wait, 1.0, (pymysql.err.OperationalError,))
    if connection is None:
        raise KitError(f"no MariaDB login as {user} on {MARIADB_HOST}:{port} after {wait:g} s: {error}")
    return connection


def query(connection, sql: str) -> pd.DataFrame:
    """Run SQL on CONNECTION and commit; the rows as a table (no rows, no columns: empty)."""
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
        columns = [d[0] for d in cursor.description or []]
    connection.commit()
    return pd.DataFrame(list(rows), columns=columns)


# -- rootless ----------------------------------------------------------------------------
def rootless_available() -> bool:
    """True when rootless podman can run here; else print ``skipped: <reason>`` and return False.

    A cell that needs the course's unprivileged user reads ``if rootless_available(): ...``.
    """
    reason = rootless_account.unavailable_reason()
    if reason is not None:
        print(f"skipped: {reason}")
    return reason is None


def root_step(step: str) -> bool:
    """True when root-only STEP (``privilege.STEPS``) runs here as written; else print ONE line
    (``skipped: <reason>``, or what the rootless equivalent is) and return False.

    A cell that shows a root-only fact reads ``if root_step("packet-filters"): ...``; as
    root it prints nothing, so root-mode outputs are unchanged.
    """
    decision = privilege.decide(step)
    if decision.how in (privilege.ROOT, privilege.SUDO):
        return True
    print(f"skipped: {decision.reason}" if decision.how == privilege.SKIP
          else f"{privilege.EQUIVALENT}: {decision.reason}")
    return False


def rootless_world() -> rootless_kit.RootlessWorld:
    """This notebook's rootless world: ``.user``, ``.uid``, ``.files`` (a folder the user owns)."""
    return rootless_kit.world_for(kernel_sandbox().id)
