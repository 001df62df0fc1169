"""The grades service's parts without a hub: the posted body's checks, the SQLite store, the
teacher's table and CSV, and the hub config entry. The real service: tests/integration/
test_grades_service.py."""

from __future__ import annotations

import json
import sqlite3

import pytest

from kernel_helpers.hub import SERVICE_NAME, grades_service, grades_store
from kernel_helpers.hub.grades_store import BadGrade, Store, table, to_csv, validate
from kernel_helpers.labs import format as lab_format
from kernel_helpers.labs import records
from kernel_helpers.labs.views import GradeResult, Row

GOOD = {"lab": "04-web-page", "passed": 2, "total": 3, "result": "FAIL",
        "time": "2026-12-01T21:00:00Z", "kit": "0.1.0", "user": "ann"}


def _raw(**changes) -> bytes:
    body = {**GOOD, **changes}
    return json.dumps({k: v for k, v in body.items() if v is not None}).encode()


def test_what_the_kernel_sends_is_what_the_service_accepts():
    record = records.record_for(GradeResult("04-web-page", "t", [Row("a", "a", True, "ok")]))
    assert validate(json.dumps(record).encode())["result"] == "PASS"


def test_the_service_knows_lab_names_as_the_catalogue_does():
    for name in ("03-rhel7", "a", "07-systemd-host-2"):
        assert lab_format.NAME.match(name) and grades_store.LAB_NAME.match(name)
    for name in ("-x", "03_rhel7", "A", "a/b", "", "x" * 65):
        assert not grades_store.LAB_NAME.match(name)


def test_a_good_body_keeps_its_fields_but_never_the_user_it_names():
    record = validate(_raw())
    assert record == {"lab": "04-web-page", "passed": 2, "total": 3, "result": "FAIL",
                      "time": "2026-12-01T21:00:00Z", "kit": "0.1.0"}
    assert validate(_raw(time=None, kit=None, user=None))["lab"] == "04-web-page"


@pytest.mark.parametrize("raw, message", [
    (b"x" * 3000, "body too large (3000 bytes, at most 2048)"),
    (b"{not json", "body is not JSON"),
    (b"[1, 2]", "body is not a JSON object"),
    (_raw(learner="bob"), "unknown field(s): learner"),
    (_raw(result=None), "missing field(s): result"),
    (_raw(passed="2"), "passed must be a number"),
    (_raw(passed=True), "passed must be a number"),
    (_raw(lab="../etc"), "lab is not a lab name (a-z, 0-9 and -)"),
    (_raw(lab="<script>"), "lab is not a lab name (a-z, 0-9 and -)"),
    (_raw(passed=4), "passed and total must be 0 <= passed <= total <= 200"),
    (_raw(passed=-1), "passed and total must be 0 <= passed <= total <= 200"),
    (_raw(result="OK"), "result must be PASS or FAIL"),
    (_raw(result="PASS"), "result does not match passed and total"),
    (_raw(time="yesterday"), "time must be YYYY-MM-DDTHH:MM:SSZ"),
    (_raw(user="ann\nbob"), "user has characters it cannot have"),
])
def test_a_bad_body_is_one_line_saying_what(raw, message):
    with pytest.raises(BadGrade) as caught:
        validate(raw)
    assert str(caught.value) == message and "\n" not in str(caught.value)


def test_the_store_keeps_every_attempt_in_wal_mode(tmp_path):
    path = tmp_path / "grades" / "grades.sqlite"
    store = Store(path)
    store.add("ann", validate(_raw()), received="2026-12-01T21:00:05Z")
    store.add("ann", validate(_raw(passed=3, result="PASS")), received="2026-12-01T21:01:00Z")
    store.close()
    again = Store(path)  # reopened: nothing lost
    assert [(a.learner, a.result, a.sent) for a in again.attempts()] == [
        ("ann", "FAIL", "2026-12-01T21:00:00Z"), ("ann", "PASS", "2026-12-01T21:00:00Z")]
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert path.stat().st_mode & 0o777 == 0o600 and path.parent.stat().st_mode & 0o777 == 0o700


def test_a_learner_posting_in_a_loop_stops_at_the_cap(tmp_path, monkeypatch):
    monkeypatch.setattr(grades_store, "ATTEMPT_CAP", 3)
    store = Store(tmp_path / "g.sqlite")
    for _ in range(3):
        store.add("ann", validate(_raw()))
    with pytest.raises(grades_store.TooMany, match="^ann has 3 attempts recorded"):
        store.add("ann", validate(_raw()))
    store.add("bob", validate(_raw()))  # the others are not held back
    assert len(store.attempts()) == 4


def test_the_table_has_the_last_attempt_per_learner_and_lab_and_the_silent_roster(tmp_path):
    store = Store(tmp_path / "g.sqlite")
    store.add("bob", validate(_raw()), received="2026-12-01T21:00:00Z")
    store.add("bob", validate(_raw(passed=3, result="PASS")), received="2026-12-01T21:05:00Z")
    store.add("ann", validate(_raw(lab="03-rhel7", passed=0)), received="2026-12-01T21:02:00Z")
    rows = table(store.attempts(), roster=["ann", "bob", "cid"])
    assert rows == [
        {"learner": "ann", "lab": "03-rhel7", "result": "FAIL", "checks": "0/3",
         "last_attempt": "2026-12-01T21:02:00Z", "attempts": 1},
        {"learner": "bob", "lab": "04-web-page", "result": "PASS", "checks": "3/3",
         "last_attempt": "2026-12-01T21:05:00Z", "attempts": 2},
        {"learner": "cid", "lab": "", "result": "", "checks": "", "last_attempt": "",
         "attempts": 0}]
    csv = to_csv(rows).splitlines()
    assert csv[0] == "learner,lab,result,checks,last_attempt,attempts"
    assert csv[2] == "bob,04-web-page,PASS,3/3,2026-12-01T21:05:00Z,2" and csv[3] == "cid,,,,,0"
    page = grades_service.page(rows)
    assert '<meta http-equiv="refresh"' in page and page.count("<tr>") == 4  # head + 3 learners
    assert "<th>03-rhel7</th><th>04-web-page</th>" in page and "2 attempts" in page


def test_a_learner_name_is_escaped_in_the_page_and_never_a_formula_in_the_csv():
    rows = table([], roster=["=cmd()", "<b>x</b>"])
    assert "<b>x</b>" not in grades_service.page(rows) and "&lt;b&gt;" in grades_service.page(rows)
    assert "\n'=cmd(),,,,,0\n" in to_csv(rows)


def test_the_hub_entry_runs_the_service_on_loopback_and_lets_kernels_reach_it(tmp_path):
    service, roles = grades_service.service_config("/venv/bin/python", tmp_path, port=18402)
    assert service["name"] == SERVICE_NAME and service["url"] == "http://127.0.0.1:18402"
    assert service["command"] == ["/venv/bin/python", "-m", "kernel_helpers.hub.grades_service"]
    assert service["oauth_no_confirm"] is True
    assert service["environment"][grades_service.DIR_ENV] == str(tmp_path / "grades")
    by_name = {role["name"]: role for role in roles}
    access = "access:services!service=grades"
    assert access in by_name["server"]["scopes"] and "access:servers!server" in by_name["server"]["scopes"]
    assert by_name["user"]["scopes"] == ["self", access]
    assert by_name["grades-service"]["services"] == ["grades"]
    assert {"list:users", "read:users:name", "read:users:groups"} <= set(by_name["grades-service"]["scopes"])


def test_without_a_port_the_service_gets_a_free_one_or_the_environments(tmp_path, monkeypatch):
    monkeypatch.delenv(grades_service.PORT_ENV, raising=False)
    url = grades_service.service_config("python", tmp_path)[0]["url"]
    assert url.startswith("http://127.0.0.1:") and int(url.rsplit(":", 1)[1]) > 1023
    monkeypatch.setenv(grades_service.PORT_ENV, "18409")
    assert grades_service.service_config("python", tmp_path)[0]["url"] == "http://127.0.0.1:18409"


def test_the_service_run_by_hand_says_it_needs_the_hub(monkeypatch, capsys):
    for key in ("JUPYTERHUB_API_TOKEN", "JUPYTERHUB_API_URL", grades_service.DIR_ENV):
        monkeypatch.delenv(key, raising=False)
    assert grades_service.main() == 2
    assert "run by JupyterHub" in capsys.readouterr().err
