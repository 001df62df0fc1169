"""The teacher's view of the grades: a JupyterHub-managed service (tornado, HubOAuth).

Below the hub's URL, at ``/services/grades/``:

- ``POST api/grades``: a learner's kernel posts one grade (``labs.records``) with its
  ``$JUPYTERHUB_API_TOKEN``. The hub tells who the token belongs to; the body's own
  ``user`` is ignored, so a learner cannot write another's grades. The body is checked
  (``grades_store.validate``: 400 with one line); every attempt is kept in SQLite
  (429 past ``grades_store.ATTEMPT_CAP`` of one learner's).
- ``GET /`` (teacher only: a hub admin or a member of the ``teachers`` group; others 403):
  the live table, learners x labs, reloaded every ``REFRESH`` seconds, in English or 简体中文
  (``?lang=zh-CN``, else the browser's Accept-Language, else ``$PODMAN_COURSE_LANG``); ``GET grades.csv``
  the same as CSV and ``GET api/table`` as JSON. Learners the hub knows who have no attempt
  are listed too (the service's own token: ``list:users``, ``read:users:name``,
  ``read:users:groups``).

``service_config(python, state)`` gives the hub's ``services`` entry and its ``load_roles``.
Run by the hub as ``python -m kernel_helpers.hub.grades_service``; its data lives in
``$PODMAN_COURSE_GRADES_DIR`` (``STATE/grades``, mode 0700: the hub's user only).
"""

from __future__ import annotations

import asyncio
import html
import json
import os
import socket
import sys
from pathlib import Path
from urllib.parse import quote, urlparse

from tornado import web
from tornado.httpclient import AsyncHTTPClient, HTTPClientError
from tornado.log import app_log

from .. import i18n
from ..i18n import N_
from ..paths import repo_root
from . import SERVICE_NAME
from .grades_store import BadGrade, Store, TooMany, table, to_csv, validate

DIR_ENV = "PODMAN_COURSE_GRADES_DIR"
PORT_ENV = "PODMAN_COURSE_GRADES_PORT"
TEACHERS = "teachers"  # a hub group whose members see the table (besides admins)
REFRESH = 15  # seconds between the table's reloads
HUB_TIMEOUT = 10.0


def service_config(python: str, state: Path, port: int | None = None) -> tuple[dict, list[dict]]:
    """``(service, roles)``: the entry for ``c.JupyterHub.services``, those for ``load_roles``.

    The roles: the service's own (read the users, for the roster and the teachers); ``user``
    and ``server`` are JupyterHub's defaults plus ``access:services!service=grades``, which
    JupyterHub 2+ requires for a learner's token (their server's, so their kernels') to reach
    the service. A config that overrides ``user`` or ``server`` itself must merge the scopes.
    """
    port = port or int(os.environ.get(PORT_ENV) or 0) or free_port()
    access = f"access:services!service={SERVICE_NAME}"
    service = {"name": SERVICE_NAME, "url": f"http://127.0.0.1:{port}",
               "command": [python, "-m", "kernel_helpers.hub.grades_service"],
               "cwd": str(repo_root()), "oauth_no_confirm": True, "display": True,
               "environment": {DIR_ENV: str(Path(state) / SERVICE_NAME),
                               "PYTHONPATH": str(repo_root()),  # the table's default language:
                               **{k: os.environ[k] for k in (i18n.ENV,) if os.environ.get(k)}}}
    roles = [{"name": f"{SERVICE_NAME}-service", "description": "the grades service reads the users",
              "scopes": ["list:users", "read:users:name", "read:users:groups"],
              "services": [SERVICE_NAME]},
             {"name": "user", "scopes": ["self", access]},
             {"name": "server", "scopes": ["users:activity!user", "access:servers!server", access]}]
    return service, roles


def free_port() -> int:
    """A loopback TCP port nobody listens on now (the kernel picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _handlers():
    """The handlers; HubOAuth (the mixin's) reads the hub's ``JUPYTERHUB_*`` environment."""
    from jupyterhub.services.auth import HubOAuthCallbackHandler, HubOAuthenticated  # service only

    class Base(HubOAuthenticated, web.RequestHandler):
        def initialize(self, store: Store, hub):
            self.store, self.hub = store, hub

        def write_error(self, status_code, **kwargs):
            reason = kwargs.get("exc_info", (None, None))[1]
            message = getattr(reason, "log_message", None) or self._reason
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish(f"{message}\n")

        def learner(self) -> str:
            user = self.current_user
            if not user:
                raise web.HTTPError(401, "no hub login, or a token without access to the grades service")
            if user.get("kind", "user") != "user":
                raise web.HTTPError(403, "only a hub user has grades")
            return user["name"]

        async def teacher(self) -> None:
            if not self.current_user:
                raise web.HTTPError(401, "log in to the hub first")
            model = await self.hub.user(self.learner())
            if not (model.get("admin") or TEACHERS in (model.get("groups") or [])):
                raise web.HTTPError(403, f"the grades are for teachers (hub admins and the "
                                         f"{TEACHERS} group), not {self.learner()}")

        async def rows(self) -> list[dict]:
            await self.teacher()
            return table(self.store.attempts(), await self.hub.learners())

    class Grades(Base):
        def check_xsrf_cookie(self):  # kernels post with a token, never with a cookie
            if self.request.headers.get("Authorization", "").lower().startswith(("token ", "bearer ")):
                return
            raise web.HTTPError(403, "post grades with Authorization: token ...")

        def post(self):
            learner = self.learner()
            try:
                record = validate(self.request.body)
            except BadGrade as exc:
                raise web.HTTPError(400, str(exc)) from None
            try:
                attempt = self.store.add(learner, record)
            except TooMany as exc:
                raise web.HTTPError(429, str(exc)) from None
            app_log.info("grade: %s %s %s", learner, attempt.lab, attempt.result)
            self.write({"learner": learner, "lab": attempt.lab, "result": attempt.result,
                        "received": attempt.received})

    class Table(Base):
        @web.authenticated
        async def get(self):
            self.set_header("Cache-Control", "no-store")
            language = language_of(self.get_argument("lang", None),
                                   self.request.headers.get("Accept-Language"))
            self.finish(page(await self.rows(), language))

    class TableJSON(Base):
        async def get(self):
            self.finish({"rows": await self.rows()})

    class CSV(Base):
        @web.authenticated
        async def get(self):
            rows = await self.rows()
            self.set_header("Content-Type", "text/csv; charset=utf-8")
            self.set_header("Content-Disposition", 'attachment; filename="grades.csv"')
            self.finish(to_csv(rows))

    return Grades, Table, TableJSON, CSV, HubOAuthCallbackHandler


class Hub:
    """What the service asks the hub's REST API with its own token: users, admins, groups."""

    def __init__(self, api_url: str, token: str):
        self.api_url, self.token = api_url.rstrip("/"), token
        self.client = AsyncHTTPClient()

    async def _get(self, path: str) -> dict | list:
        response = await self.client.fetch(
            f"{self.api_url}{path}", request_timeout=HUB_TIMEOUT,
            headers={"Authorization": f"token {self.token}",
                     "Accept": "application/jupyterhub-pagination+json"})
        return json.loads(response.body)

    async def user(self, name: str) -> dict:
        try:
            return await self._get(f"/users/{quote(name, safe='')}")
        except HTTPClientError as exc:
            raise web.HTTPError(503 if exc.code != 404 else 403,
                                f"the hub did not say who {name} is ({exc.code})") from None

    async def learners(self) -> list[str]:
        """The hub's users who are neither admins nor teachers (every page)."""
        names, offset = [], 0
        while True:
            try:
                page = await self._get(f"/users?offset={offset}&limit=200")
            except HTTPClientError as exc:
                app_log.warning("the hub's user list: %s", exc)
                return names
            items = page["items"] if isinstance(page, dict) else page
            names += [u["name"] for u in items
                      if not u.get("admin") and TEACHERS not in (u.get("groups") or [])]
            following = page.get("_pagination", {}).get("next") if isinstance(page, dict) else None
            if not following or not items:
                return names
            offset = following["offset"]


def language_of(asked: str | None, accept: str | None) -> str:
    """The table's language: ``?lang=`` (ASKED), else the browser's first of en/zh in its
    Accept-Language, else the service's own (``$PODMAN_COURSE_LANG``)."""
    for value in [asked, *[part.split(";")[0] for part in (accept or "").split(",")]]:
        try:
            language = i18n.normalize(value)
        except ValueError:
            continue  # a language the kit does not speak (fr, de...)
        if language:
            return language
    return i18n.current()


def page(rows: list[dict], language: str = i18n.EN) -> str:
    """The teacher's table in LANGUAGE: a row per learner, a column per lab; it reloads itself."""
    esc = html.escape

    def tr(message: str) -> str:
        return i18n.gettext_for(language, message)

    labs = sorted({r["lab"] for r in rows if r["lab"]})
    learners = sorted({r["learner"] for r in rows})
    cells = {(r["learner"], r["lab"]): r for r in rows}
    colour = {"PASS": "#1e7b34", "FAIL": "#c0392b"}
    head = "".join(f"<th>{esc(lab)}</th>" for lab in labs)
    body = []
    for learner in learners:
        tds = []
        for lab in labs:
            r = cells.get((learner, lab))
            tries = tr(N_("{n} attempt") if r and r["attempts"] == 1 else N_("{n} attempts"))
            tds.append("<td></td>" if r is None else (
                f'<td><strong style="color:{colour[r["result"]]}">{tr(r["result"])}</strong> '
                f'{esc(r["checks"])}<br><small>{esc(r["last_attempt"])} &middot; '
                f'{esc(tries.format(n=r["attempts"]))}</small></td>'))
        body.append(f"<tr><th>{esc(learner)}</th>{''.join(tds)}</tr>")
    lang = "zh-CN" if language == i18n.ZH else "en"
    title, learner_heading = esc(tr(N_("Grades"))), esc(tr(N_("learner")))
    reloads = esc(tr(N_("Last attempt per learner and lab (UTC); this page reloads every "
                        "{seconds} s.")).format(seconds=REFRESH))
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><meta http-equiv="refresh" '
            f'content="{REFRESH}"><title>{title}</title><style>body{{font-family:sans-serif}}'
            "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}"
            f"table{{border-collapse:collapse}}</style></head><body><h1>{title}</h1>"
            f'<p>{reloads} <a href="grades.csv">CSV</a></p>'
            f"<table><thead><tr><th>{learner_heading}</th>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table></body></html>")


def make_app(store: Store, prefix: str, hub: Hub) -> web.Application:
    grades, table_page, table_json, csv_page, callback = _handlers()
    args = {"store": store, "hub": hub}
    return web.Application([
        (f"{prefix}", table_page, args),
        (f"{prefix}grades.csv", csv_page, args),
        (f"{prefix}api/table", table_json, args),
        (f"{prefix}api/grades", grades, args),
        (f"{prefix}oauth_callback", callback),
    ], cookie_secret=os.urandom(32), xsrf_cookies=True)


async def serve() -> None:
    store = Store(Path(os.environ[DIR_ENV]) / "grades.sqlite")
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", f"/services/{SERVICE_NAME}/")
    hub = Hub(os.environ["JUPYTERHUB_API_URL"], os.environ["JUPYTERHUB_API_TOKEN"])
    url = urlparse(os.environ["JUPYTERHUB_SERVICE_URL"])
    make_app(store, prefix, hub).listen(url.port, url.hostname)
    app_log.info("grades service on %s%s, data in %s", url.geturl(), prefix, os.environ[DIR_ENV])
    await asyncio.Event().wait()


def main() -> int:
    missing = [k for k in (DIR_ENV, "JUPYTERHUB_API_TOKEN", "JUPYTERHUB_API_URL",
                           "JUPYTERHUB_SERVICE_URL") if not os.environ.get(k)]
    if missing:
        print(f"grades service: run by JupyterHub (missing {', '.join(missing)})", file=sys.stderr)
        return 2
    from tornado.options import parse_command_line

    parse_command_line([sys.argv[0], "--logging=info"])
    asyncio.run(serve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
