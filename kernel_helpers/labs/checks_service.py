"""Check kinds that ask a service: a web page, the classroom registry, a login, a database.

The web page and the database are reached the way a learner's client reaches them:
through the host port the container publishes, on 127.0.0.1. The registry is read over
its HTTP API with the course login in a header (``registry_api``); the login state is
what ``podman login --get-login`` says in the lab's world.
"""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request

from .. import endpoints, registry_api
from ..errors import KitError
from ..i18n import N_, _
from .kinds import Outcome, Param, failed, passed, register
from .probe import Probe

WAIT = Param(int, 10, "seconds to keep trying while the server's container runs but nothing answers yet")
CONTAINER = Param(str, "", "the server's container: while it runs, wait for it to answer")
PORT = Param(int, doc="the host port, e.g. {WEB_PORT} from the lab's [ports]")
IDENT = re.compile(r"^[A-Za-z0-9_$]+$")  # a table or column name the check may quote


def _retry(attempt, wait: int, keep_trying):
    """Call ATTEMPT until it returns, or until WAIT seconds pass while KEEP_TRYING(error) holds."""
    deadline = time.monotonic() + wait
    while True:
        try:
            return attempt()
        except Exception as exc:  # noqa: BLE001 (a check reports every failure as a FAIL)
            if not keep_trying(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def _not_running(probe: Probe, container: str) -> Outcome | None:
    """A FAIL when the server's CONTAINER (if the check names one) is missing or stopped."""
    if not container:
        return None
    info = probe.container(container)
    if info is None:
        return failed(probe.missing(container))
    state = (info.get("State") or {}).get("Status")
    return None if state == "running" else failed(_("{name} is {state}, not running").format(
        name=container, state=state))


@register("http_get", lambda p: (
          _("{url} answers {status} with {text}") if p["contains"] else _("{url} answers {status}")).format(
              url=f"http://127.0.0.1:{p['port']}{p['path']}", status=p["status"], text=repr(p["contains"])),
          N_("An HTTP GET of http://127.0.0.1:PORT/PATH answers STATUS, and its page contains "
             "CONTAINS if given (while CONTAINER runs, waits up to WAIT seconds for it to answer)."),
          port=PORT, path=Param(str, "/", "the path, starting with /"),
          status=Param(int, 200, "the HTTP status it must answer"),
          contains=Param(str, "", "text the page must contain"),
          container=CONTAINER, wait=WAIT)
def http_get(probe: Probe, port: int, path: str = "/", status: int = 200, contains: str = "",
             container: str = "", wait: int = 10) -> Outcome:
    url = f"http://127.0.0.1:{port}{path}"
    problem = _not_running(probe, container)
    if problem:
        return problem

    def get():
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status, response.read(65536).decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read(65536).decode("utf-8", "replace")

    def refused(exc):
        return bool(container) and isinstance(exc, (ConnectionError, urllib.error.URLError)) \
            and not isinstance(exc, urllib.error.HTTPError)
    try:
        got, page = _retry(get, wait, refused)
    except OSError as exc:
        reason = getattr(exc, "reason", exc)
        return failed(_("nothing answers on port {port}: {error}").format(port=port, error=reason))
    if got != status:
        return failed(_("{url} answered {got}, not {status}").format(url=url, got=got, status=status))
    if contains and contains not in page:
        title = re.search(r"<h1>(.*?)</h1>", page, re.S)
        shown = _("its <h1> is {title}").format(title=repr(title[1].strip()[:60])) if title \
            else _("it is another page")
        return failed(_("the page does not contain {text}: {shown}").format(text=repr(contains), shown=shown))
    if contains:
        return passed(_("{url} answered {got} with {text}").format(url=url, got=got, text=repr(contains)))
    return passed(_("{url} answered {got}").format(url=url, got=got))


@register("registry_tag", N_("the classroom registry ({endpoint}) has {repository}:{tag}"),
          N_("The classroom registry's ENDPOINT (push: localhost:5001, read with the course "
             "login; pull: localhost:5000) holds REPOSITORY:TAG."),
          repository=Param(str, doc="the repository, e.g. {SANDBOX}/myubi"),
          tag=Param(str, "latest", "the tag"),
          endpoint=Param(str, "push", "which endpoint", choices=("push", "pull")))
def registry_tag(probe: Probe, repository: str, tag: str = "latest", endpoint: str = "push") -> Outcome:
    if endpoint == "push":
        port, login = endpoints.push_port(), (endpoints.COURSE_USER, endpoints.COURSE_PASSWORD)
    else:
        port, login = endpoints.pull_port(), None
    try:
        digest = registry_api.config_digest(port, f"{repository}:{tag}", login=login)
    except KitError as exc:
        return failed(str(exc))
    where = f"localhost:{port}"
    if digest is None:
        return failed(_("{where} has no {repository}:{tag}").format(
            where=where, repository=repository, tag=tag))
    return passed(_("{where} has {repository}:{tag}").format(where=where, repository=repository, tag=tag))


@register("logged_in", N_("logged in to {registry} as {user}"),
          N_("The lab's world holds a login for REGISTRY as USER (podman login --get-login)."),
          registry=Param(str, doc="host:port of the registry, e.g. {PUSH}"),
          user=Param(str, endpoints.COURSE_USER, "the user name"))
def logged_in(probe: Probe, registry: str, user: str = endpoints.COURSE_USER) -> Outcome:
    result = probe.run("login", "--get-login", registry)
    who = result.stdout.strip()
    if not result.ok:
        return failed(_("not logged in to {registry}").format(registry=registry))
    if who != user:
        return failed(_("logged in to {registry} as {who}, not {user}").format(
            registry=registry, who=who, user=user))
    return passed(_("logged in to {registry} as {who}").format(registry=registry, who=who))


# -- the database (MariaDB/MySQL through pymysql) -------------------------------------
DB = {"port": PORT, "user": Param(str, doc="the database user"),
      "password": Param(str, doc="its password"), "database": Param(str, doc="the database"),
      "container": CONTAINER,
      "wait": Param(int, 30, "seconds to keep trying while the server starts")}
_STARTING = (2003, 2013)  # cannot connect / lost the connection: a server still starting


def _query(probe: Probe, port: int, user: str, password: str, database: str, container: str,
           wait: int, sql: str | None = None, args: tuple = ()) -> tuple[list | None, Outcome | None]:
    """Log in as USER to DATABASE on 127.0.0.1:PORT and run SQL: (rows, None) or (None, a FAIL)."""
    try:
        import pymysql
    except ImportError:
        return None, failed(_("pymysql is not installed: the grader cannot reach a database"))
    problem = _not_running(probe, container)
    if problem:
        return None, problem

    def connect():
        return pymysql.connect(host="127.0.0.1", port=port, user=user, password=password,
                               database=database, connect_timeout=5, read_timeout=10)

    def starting(exc):
        return bool(container) and isinstance(exc, pymysql.err.OperationalError) and \
            exc.args and exc.args[0] in _STARTING
    try:
        connection = _retry(connect, wait, starting)
    except pymysql.err.MySQLError as exc:
        message = str(exc.args[1]) if len(exc.args) > 1 else str(exc)
        return None, failed(_("port {port}: {error}").format(port=port, error=message.split(" (")[0]))
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql or "select 1", args)
            return list(cursor.fetchall()), None
    except pymysql.err.MySQLError as exc:
        return None, failed(_("the query failed: {error}").format(
            error=exc.args[1] if len(exc.args) > 1 else exc))
    finally:
        connection.close()


@register("db_login", N_("{user} logs in to database {database} on port {port}"),
          N_("USER logs in with PASSWORD to DATABASE on 127.0.0.1:PORT (a MariaDB/MySQL "
             "server, through the port its container publishes)."), **DB)
def db_login(probe: Probe, port: int, user: str, password: str, database: str, container: str = "",
             wait: int = 30) -> Outcome:
    _rows, problem = _query(probe, port, user, password, database, container, wait)
    return problem or passed(_("{user} logged in to {database} on port {port}").format(
        user=user, database=database, port=port))


@register("db_table", N_("database {database} has a table {table}"),
          N_("As db_login, and DATABASE holds the table TABLE."),
          **DB, table=Param(str, doc="the table's name"))
def db_table(probe: Probe, port: int, user: str, password: str, database: str, table: str,
             container: str = "", wait: int = 30) -> Outcome:
    rows, problem = _query(probe, port, user, password, database, container, wait,
                           "select table_name from information_schema.tables "
                           "where table_schema = %s", (database,))
    if problem:
        return problem
    names = sorted(str(r[0]) for r in rows)
    if table in names:
        return passed(_("{database} has a table {table}").format(database=database, table=table))
    return failed(_("{database} has no table {table} (its tables: {tables})").format(
        database=database, table=table, tables=", ".join(names) or _("none")))


@register("db_row", N_("table {table} has a row with {column} = {value!r}"),
          N_("As db_table, and the table TABLE has a row whose COLUMN is VALUE."),
          **DB, table=Param(str, doc="the table's name"), column=Param(str, doc="a column"),
          value=Param(str, doc="the value a row must have in COLUMN"))
def db_row(probe: Probe, port: int, user: str, password: str, database: str, table: str, column: str,
           value: str, container: str = "", wait: int = 30) -> Outcome:
    if not (IDENT.match(table) and IDENT.match(column)):
        return failed(_("the lab names an odd table or column: {table}.{column}").format(
            table=table, column=column))
    rows, problem = _query(probe, port, user, password, database, container, wait,
                           f"select count(*) from `{table}` where `{column}` = %s", (value,))
    if problem:
        return problem
    if rows and rows[0][0]:
        return passed(_("{table} has a row with {column} = {value!r}").format(
            table=table, column=column, value=value))
    return failed(_("{table} has no row with {column} = {value!r}").format(
        table=table, column=column, value=value))
