"""The grades service in a real JupyterHub (issue 12, teacher view): no podman needed.

A hub of its own (DummyAuthenticator; learners pcg-ann and pcg-bob, admin pcg-teach, pcg-tina
in the teachers group; its state in tmp; ports from $PODMAN_COURSE_HUB_PORTS, default
18400-18403) runs the service as ``grades_service.service_config`` says. Each user gets an
API token through the hub's REST API (its login in the body, as DummyAuthenticator checks).
Everything the hub started is stopped at the end, also when a test fails.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import sqlite3
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from kernel_helpers import process
from kernel_helpers.hub import GRADES_PATH, GRADES_URL_ENV, grades_service
from kernel_helpers.labs import records
from kernel_helpers.labs.views import GradeResult, Row
from kernel_helpers.output import stop_group

FIRST_PORT = int(os.environ.get("PODMAN_COURSE_HUB_PORTS", "18400-18403").split("-")[0])
PUBLIC, HUB, PROXY_API, SERVICE = (FIRST_PORT + i for i in range(4))
BASE = f"http://127.0.0.1:{PUBLIC}"
LEARNERS, ADMIN, TEACHER = ("pcg-ann", "pcg-bob"), "pcg-teach", "pcg-tina"
START_TIMEOUT = 90.0

CONFIG = """
c = get_config()  # noqa
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {public}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub}
c.JupyterHub.db_url = "sqlite:///{tmp}/hub.sqlite"
c.JupyterHub.cookie_secret_file = "{tmp}/cookie_secret"
c.JupyterHub.pid_file = "{tmp}/hub.pid"
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api}"
c.ConfigurableHTTPProxy.pid_file = "{tmp}/proxy.pid"
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allowed_users = {users!r}
c.Authenticator.admin_users = {{{admin!r}}}
c.JupyterHub.load_groups = {{"teachers": {{"users": [{teacher!r}]}}}}
c.JupyterHub.services = [{service!r}]
c.JupyterHub.load_roles = {roles!r}
"""


def _request(method: str, path: str, token: str = "", body=None) -> tuple[int, str]:
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    headers = {"Authorization": f"token {token}"} if token else {}
    request = urllib.request.Request(BASE + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def _ours(marker: str) -> list[int]:
    """Pids of this user's processes whose environment names MARKER (the test's tmp path)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if marker.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("grades-hub")
    state = tmp / "state"
    python = sys.executable
    service, roles = grades_service.service_config(python, state, port=SERVICE)
    (tmp / "jupyterhub_config.py").write_text(CONFIG.format(
        public=PUBLIC, hub=HUB, proxy_api=PROXY_API, tmp=tmp,
        proxy=str(Path(python).parent / "configurable-http-proxy"),
        users={*LEARNERS, ADMIN, TEACHER}, admin=ADMIN, teacher=TEACHER,
        service=service, roles=roles))
    env = {**os.environ, "PCG_GRADES_TEST": str(tmp),
           "PATH": f"{Path(python).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    proc = process.spawn([python, "-m", "jupyterhub", "-f", str(tmp / "jupyterhub_config.py")],
                         log=tmp / "hub.log", env=env, cwd=tmp)
    try:
        _wait_up(proc, tmp)
        yield {"tmp": tmp, "state": state,
               "tokens": {name: _token(name) for name in (*LEARNERS, ADMIN, TEACHER)}}
    finally:
        _stop(proc, str(tmp))


def _wait_up(proc, tmp: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"jupyterhub exited {proc.returncode}: {(tmp / 'hub.log').read_text()[-2000:]}")
        try:  # the service answers through the proxy: 401 without a token
            if _request("GET", "/services/grades/api/table")[0] == 401:
                return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail(f"the hub or its grades service did not start within {START_TIMEOUT:g} s: "
                f"{(tmp / 'hub.log').read_text()[-2000:]}")


def _stop(proc, marker: str) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)  # the hub stops its proxy and its services itself
        try:
            proc.wait(30)
        except Exception:  # noqa: BLE001 - whatever happened, the group goes below
            pass
    stop_group(proc)
    proc.wait()
    for pid in _ours(marker):  # the proxy (its own session) or the service, if still there
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    assert not _ours(marker), "processes of the test hub are still running"


def _token(name: str, scopes: list[str] | None = None) -> str:
    body = {"auth": {"username": name, "password": "any"}}
    if scopes is not None:
        body["scopes"] = scopes
    status, text = _request("POST", f"/hub/api/users/{name}/tokens", body=body)
    assert status in (200, 201), text
    return json.loads(text)["token"]


def _grade(lab: str, passed: int, total: int, **extra) -> dict:
    return {"lab": lab, "passed": passed, "total": total,
            "result": "PASS" if passed == total else "FAIL", "time": "2026-12-01T21:00:00Z",
            "kit": "0.1.0", **extra}


def test_a_grade_is_filed_under_the_tokens_user_whatever_the_body_says(hub):
    status, text = _request("POST", GRADES_PATH, hub["tokens"]["pcg-ann"],
                            _grade("04-web-page", 2, 3, user="pcg-bob"))
    assert status == 200, text
    assert json.loads(text)["learner"] == "pcg-ann"
    # a token like a learner's server's (the server role's scopes, not the user's all)
    server_like = _token("pcg-bob", ["users:activity!user", "access:services!service=grades"])
    status, text = _request("POST", GRADES_PATH, server_like, _grade("03-rhel7", 4, 4))
    assert status == 200 and json.loads(text)["learner"] == "pcg-bob"
    rows = json.loads(_request("GET", "/services/grades/api/table", hub["tokens"][ADMIN])[1])["rows"]
    assert {(r["learner"], r["lab"], r["result"]) for r in rows} >= {
        ("pcg-ann", "04-web-page", "FAIL"), ("pcg-bob", "03-rhel7", "PASS")}
    assert not [r for r in rows if r["learner"] == "pcg-bob" and r["lab"] == "04-web-page"]


def test_a_learner_cannot_read_the_table_nor_the_csv(hub):
    for path in ("/services/grades/", "/services/grades/grades.csv", "/services/grades/api/table"):
        status, text = _request("GET", path, hub["tokens"]["pcg-ann"])
        assert status == 403, (path, text)
        assert text.strip() == ("the grades are for teachers (hub admins and the teachers group), "
                                "not pcg-ann")


def test_the_admin_and_a_teacher_get_the_table_and_the_csv_with_both_learners(hub):
    _request("POST", GRADES_PATH, hub["tokens"]["pcg-bob"], _grade("04-web-page", 3, 3))
    for who in (ADMIN, TEACHER):
        status, page = _request("GET", "/services/grades/", hub["tokens"][who])
        assert status == 200 and "http-equiv=\"refresh\"" in page
        assert "<th>pcg-ann</th>" in page and "<th>pcg-bob</th>" in page
        assert f"<th>{ADMIN}</th>" not in page and f"<th>{TEACHER}</th>" not in page
        status, text = _request("GET", "/services/grades/grades.csv", hub["tokens"][who])
        lines = text.splitlines()
        assert status == 200 and lines[0] == "learner,lab,result,checks,last_attempt,attempts"
        assert any(line.startswith("pcg-ann,04-web-page,FAIL,2/3,") for line in lines), text
        assert any(line.startswith("pcg-bob,04-web-page,PASS,3/3,") for line in lines), text


def test_a_bad_body_or_no_token_is_refused_in_one_line(hub):
    status, text = _request("POST", GRADES_PATH, hub["tokens"]["pcg-ann"],
                            _grade("../../etc", 1, 1))
    assert (status, text) == (400, "lab is not a lab name (a-z, 0-9 and -)\n")
    status, text = _request("POST", GRADES_PATH, hub["tokens"]["pcg-ann"], b"x" * 5000)
    assert status == 400 and text.startswith("body too large")
    status, _ = _request("POST", GRADES_PATH, "", _grade("04-web-page", 1, 1))
    assert status in (401, 403)


def test_a_kernels_grade_reaches_the_service_with_its_hub_token(hub, monkeypatch, tmp_path):
    monkeypatch.setenv("PODMAN_COURSE_STATE", str(tmp_path / "learner-state"))
    monkeypatch.setenv(GRADES_URL_ENV, BASE + GRADES_PATH)
    monkeypatch.setenv(records.TOKEN_ENV, hub["tokens"]["pcg-bob"])
    result = GradeResult("05-volumes", "t", [Row("a", "a", True, "ok"), Row("b", "b", False, "no")])
    assert records.save(result) == ""
    rows = json.loads(_request("GET", "/services/grades/api/table", hub["tokens"][ADMIN])[1])["rows"]
    assert {"learner": "pcg-bob", "lab": "05-volumes", "result": "FAIL", "checks": "1/2"}.items() \
        <= next(r for r in rows if r["lab"] == "05-volumes").items()
    monkeypatch.setenv(records.TOKEN_ENV, "not-a-token")
    assert records.save(result).startswith("grade not sent to the classroom: HTTP 40")


def test_the_teacher_logs_in_with_a_browser_and_sees_the_table(hub):
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login = browser.open(f"{BASE}/hub/login", timeout=20).read().decode()
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', login).group(1)
    form = urllib.parse.urlencode({"username": TEACHER, "password": "any", "_xsrf": xsrf}).encode()
    browser.open(f"{BASE}/hub/login?next=/services/grades/", data=form, timeout=20).read()
    with browser.open(f"{BASE}/services/grades/", timeout=20) as page:  # via the hub's OAuth
        assert page.url == f"{BASE}/services/grades/" and "<th>pcg-ann</th>" in page.read().decode()


def test_every_attempt_is_kept_in_the_services_sqlite(hub):
    db = hub["state"] / "grades" / "grades.sqlite"
    rows = sqlite3.connect(db).execute("SELECT learner, lab, result FROM attempts").fetchall()
    assert ("pcg-ann", "04-web-page", "FAIL") in rows and ("pcg-bob", "03-rhel7", "PASS") in rows
    assert db.parent.stat().st_mode & 0o777 == 0o700
