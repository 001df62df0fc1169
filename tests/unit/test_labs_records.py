"""The record of every grade: the learner's file, the POST to the classroom, and that neither
changes what a grade shows when it works, nor makes a grade fail or hang when it does not.
A small local HTTP server stands in for the hub's grades service. No podman here."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kernel_helpers.hub import GRADES_URL_ENV
from kernel_helpers.labs import records
from kernel_helpers.labs.views import GradeResult, Row

ROWS = [Row("running", "container web is running", True, "web is running"),
        Row("page", "port 8000 answers", False, "nothing answers", "Publish it.")]


@pytest.fixture
def state(tmp_path, monkeypatch):
    monkeypatch.setenv("PODMAN_COURSE_STATE", str(tmp_path / "state"))
    monkeypatch.delenv(GRADES_URL_ENV, raising=False)
    monkeypatch.delenv(records.TOKEN_ENV, raising=False)
    return tmp_path / "state"


class _Service:
    """A stand-in for the grades service: keeps what it got; STATUS answers, SLEEP delays."""

    def __init__(self, status=200, sleep=0.0):
        self.got: list[tuple[dict, str]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.got.append((body, self.headers.get("Authorization", "")))
                time.sleep(sleep)
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"lab: bad name\n" if status != 200 else b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/services/grades/api/grades"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_a_record_says_lab_checks_verdict_time_and_kit():
    record = records.record_for(GradeResult("04-web-page", "t", ROWS), now=0)
    assert record["lab"] == "04-web-page" and (record["passed"], record["total"]) == (1, 2)
    assert record["result"] == "FAIL" and record["time"] == "1970-01-01T00:00:00Z"
    assert record["kit"] and record["user"]
    assert records.record_for(GradeResult("x", "t", ROWS[:1]))["result"] == "PASS"


def test_without_a_url_the_grade_goes_to_the_learners_file_only_and_shows_as_before(state):
    result = GradeResult("04-web-page", "t", ROWS)
    before = (result.to_text(), result._repr_html_())
    assert records.save(result) == ""
    assert (result.to_text(), result._repr_html_()) == before
    assert [r["lab"] for r in records.read()] == ["04-web-page"]
    assert records.record_file() == state / "grades.jsonl"
    assert records.record_file().stat().st_mode & 0o777 == 0o600


def test_the_file_keeps_its_newest_half_past_its_cap(state, monkeypatch):
    monkeypatch.setattr(records, "FILE_CAP", 2000)
    for i in range(60):
        records.append({"lab": f"lab-{i}", "passed": 0, "total": 1})
    kept = records.read()
    assert records.record_file().stat().st_size <= 2000
    assert kept[-1]["lab"] == "lab-59" and len(kept) < 60
    labs = [int(r["lab"].split("-")[1]) for r in kept]
    assert labs == list(range(labs[0], 60))  # whole lines, newest kept, in order


def test_a_file_that_cannot_be_written_is_a_note_not_a_failure(state):
    state.mkdir(parents=True)
    (state / "grades.jsonl").mkdir()  # a folder where the file should be
    note = records.save(GradeResult("04-web-page", "t", ROWS))
    assert note.startswith("grade not recorded in ") and "\n" not in note


def test_with_the_hubs_url_the_record_is_posted_with_the_token(state, monkeypatch):
    service = _Service()
    try:
        monkeypatch.setenv(GRADES_URL_ENV, service.url)
        monkeypatch.setenv(records.TOKEN_ENV, "secret-token")
        result = GradeResult("04-web-page", "t", ROWS)
        assert records.save(result) == ""
        body, auth = service.got[0]
        assert auth == "token secret-token"
        assert body == records.read()[0]
        assert "note" not in result.to_text()
    finally:
        service.close()


def test_a_refused_post_is_one_line_under_the_summary(state, monkeypatch):
    service = _Service(status=400)
    try:
        monkeypatch.setenv(GRADES_URL_ENV, service.url)
        monkeypatch.setenv(records.TOKEN_ENV, "t")
        note = records.save(GradeResult("04-web-page", "t", ROWS))
        assert note == "grade not sent to the classroom: HTTP 400: lab: bad name"
        shown = GradeResult("04-web-page", "t", ROWS, note=note)
        assert shown.to_text().splitlines()[1] == f"note: {note}"
        assert "note: grade not sent" in shown._repr_html_()
        assert len(records.read()) == 1  # the learner's own file has it anyway
    finally:
        service.close()


def test_no_service_and_no_token_are_notes(state, monkeypatch):
    monkeypatch.setenv(GRADES_URL_ENV, "http://127.0.0.1:9/x")  # discard port: refused
    assert records.save(GradeResult("a", "t", ROWS)) == (
        "grade not sent to the classroom: $JUPYTERHUB_API_TOKEN is not set")
    monkeypatch.setenv(records.TOKEN_ENV, "t")
    note = records.save(GradeResult("a", "t", ROWS))
    assert note.startswith("grade not sent to the classroom: ") and "refused" in note.lower()


def test_a_service_that_hangs_does_not_hang_the_grade(state):
    service = _Service(sleep=3.0)
    try:
        start = time.monotonic()
        note = records._send({"lab": "a"}, service.url, "t", deadline=0.5)
        assert time.monotonic() - start < 1.5
        assert note == "no answer within 0.5 s"
    finally:
        service.close()
