"""The grades service's data: the body a kernel posts, the SQLite file, the teacher's table.

- ``validate(raw)``: a posted body (bytes) -> the checked record, or ``BadGrade`` with a
  one-line message (size cap, JSON object, known fields only, types and ranges, the lab
  name's format). The body's ``user`` is accepted (``labs.records`` sends the Unix login)
  and never used: the service files a grade under the user the hub knows the token by.
- ``Store(path)``: SQLite in WAL mode, every attempt kept (``add``), up to ``ATTEMPT_CAP``
  per learner; the service is one process with one thread (tornado), so one writer.
- ``table(attempts, roster)``: learners x labs (PASS/FAIL, checks, last attempt, attempts),
  with the ROSTER's learners who have no attempt yet; ``to_csv`` the same as CSV.

No tornado and no JupyterHub here: the unit tests use it as is.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import KitError

BODY_CAP = 2048  # bytes; a record is about 150
MAX_CHECKS = 200
ATTEMPT_CAP = 5000  # per learner: a script posting in a loop cannot fill the teacher's disk
LAB_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")  # labs.format.NAME, bounded (a test pins it)
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
TEXT = re.compile(r"^[A-Za-z0-9_.+@$-]{1,64}$")  # the kit's version, a Unix login
REQUIRED = {"lab": str, "passed": int, "total": int, "result": str}
OPTIONAL = {"time": str, "kit": str, "user": str}
RESULTS = ("PASS", "FAIL")
COLUMNS = ("learner", "lab", "result", "checks", "last_attempt", "attempts")


class BadGrade(KitError):
    """A posted grade the service refuses (HTTP 400); the message is one line."""


class TooMany(KitError):
    """A learner has ``ATTEMPT_CAP`` attempts already (HTTP 429); one line."""


def validate(raw: bytes) -> dict:
    """The record in RAW (a POST body), checked; BadGrade says what is wrong."""
    if len(raw) > BODY_CAP:
        raise BadGrade(f"body too large ({len(raw)} bytes, at most {BODY_CAP})")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BadGrade("body is not JSON") from None
    if not isinstance(body, dict):
        raise BadGrade("body is not a JSON object")
    unknown = sorted(set(body) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        raise BadGrade(f"unknown field(s): {', '.join(unknown)[:80]}")
    missing = sorted(set(REQUIRED) - set(body))
    if missing:
        raise BadGrade(f"missing field(s): {', '.join(missing)}")
    for key, kind in {**REQUIRED, **OPTIONAL}.items():
        if key in body and (type(body[key]) is not kind):  # bool is not an int here
            raise BadGrade(f"{key} must be {'a number' if kind is int else 'a string'}")
    if not LAB_NAME.match(body["lab"]):
        raise BadGrade("lab is not a lab name (a-z, 0-9 and -)")
    if not 0 <= body["passed"] <= body["total"] <= MAX_CHECKS:
        raise BadGrade(f"passed and total must be 0 <= passed <= total <= {MAX_CHECKS}")
    if body["result"] not in RESULTS:
        raise BadGrade("result must be PASS or FAIL")
    if (body["result"] == "PASS") != (body["passed"] == body["total"]):
        raise BadGrade("result does not match passed and total")
    if "time" in body and not TIME.match(body["time"]):
        raise BadGrade("time must be YYYY-MM-DDTHH:MM:SSZ")
    for key in ("kit", "user"):
        if key in body and not TEXT.match(body[key]):
            raise BadGrade(f"{key} has characters it cannot have")
    return {k: body[k] for k in (*REQUIRED, "time", "kit") if k in body}


def now_utc() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


@dataclass(frozen=True)
class Attempt:
    learner: str
    lab: str
    passed: int
    total: int
    result: str
    received: str  # by the service, UTC
    sent: str = ""  # the kernel's own time, as it said
    kit: str = ""


class Store:
    """Every attempt, in SQLite (WAL): ``add(learner, record)``, ``attempts()``."""

    SCHEMA = ("CREATE TABLE IF NOT EXISTS attempts (id INTEGER PRIMARY KEY, learner TEXT NOT NULL,"
              " lab TEXT NOT NULL, passed INTEGER NOT NULL, total INTEGER NOT NULL,"
              " result TEXT NOT NULL, received TEXT NOT NULL, sent TEXT, kit TEXT)")

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        path.parent.chmod(0o700)  # the service's user only: learners read no one's grades
        self.db = sqlite3.connect(path, timeout=10)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")  # WAL: a power cut may lose the last, never the file
        self.db.execute(self.SCHEMA)
        self.db.execute("CREATE INDEX IF NOT EXISTS by_learner ON attempts (learner, lab)")
        self.db.commit()
        path.chmod(0o600)

    def add(self, learner: str, record: dict, received: str | None = None) -> Attempt:
        """Keep one attempt of LEARNER; TooMany past ``ATTEMPT_CAP`` of theirs."""
        count = self.db.execute("SELECT COUNT(*) FROM attempts WHERE learner = ?", (learner,))
        if count.fetchone()[0] >= ATTEMPT_CAP:
            raise TooMany(f"{learner} has {ATTEMPT_CAP} attempts recorded, the most kept: "
                          "ask the teacher")
        attempt = Attempt(learner, record["lab"], record["passed"], record["total"],
                          record["result"], received or now_utc(), record.get("time", ""),
                          record.get("kit", ""))
        with self.db:
            self.db.execute("INSERT INTO attempts (learner, lab, passed, total, result, received,"
                            " sent, kit) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                            (attempt.learner, attempt.lab, attempt.passed, attempt.total,
                             attempt.result, attempt.received, attempt.sent, attempt.kit))
        return attempt

    def attempts(self) -> list[Attempt]:
        rows = self.db.execute("SELECT learner, lab, passed, total, result, received, sent, kit"
                               " FROM attempts ORDER BY id")
        return [Attempt(*row) for row in rows]

    def close(self) -> None:
        self.db.close()


def table(attempts: list[Attempt], roster: list[str] = ()) -> list[dict]:
    """One row per learner and lab (the last attempt's verdict and checks, its time, how many
    attempts); a ROSTER learner with no attempt gets one row with an empty lab. Sorted."""
    rows: dict[tuple[str, str], dict] = {}
    for a in attempts:  # oldest first: the last one wins
        row = rows.setdefault((a.learner, a.lab), {"learner": a.learner, "lab": a.lab, "attempts": 0})
        row.update(result=a.result, checks=f"{a.passed}/{a.total}", last_attempt=a.received)
        row["attempts"] += 1
    seen = {learner for learner, _ in rows}
    for learner in roster:
        if learner not in seen:
            rows[(learner, "")] = {"learner": learner, "lab": "", "result": "", "checks": "",
                                   "last_attempt": "", "attempts": 0}
    return [rows[key] for key in sorted(rows)]


def to_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:  # a learner's name from the hub could start with = or +: not a formula
        writer.writerow({k: _cell(row[k]) for k in COLUMNS})
    return out.getvalue()


def _cell(value):
    return f"'{value}" if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") else value
