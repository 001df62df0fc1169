"""The record of every ``%lab grade``: the learner's own file, and the classroom's service.

``save(result)`` is called by ``lifecycle.grade`` once the checklist is known. It never
makes a grade fail or hang: it returns ``""`` when all went well, else one line that the
grade shows under its summary.

- It always appends the record (``record_for``: lab, checks passed and total, PASS/FAIL,
  time UTC, kit version, Unix login) to ``grades.jsonl`` in the learner's own
  ``state_dir()``: JSON lines, cut to its newest half once it passes ``FILE_CAP``.
- When ``$PODMAN_COURSE_GRADES_URL`` is set (the classroom hub sets it in every learner's
  server, beside ``$JUPYTERHUB_API_TOKEN``), it also POSTs the record there with
  ``Authorization: token ...``; the hub's grades service (``hub.grades_service``) files it
  under the user the hub knows the token by, whatever the body says.

Usage:
    note = records.save(result)       # "" or "grade not sent to the classroom: ..."
    records.read()                    # this learner's records, oldest first
"""

from __future__ import annotations

import getpass
import json
import os
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from .. import __version__, paths
from ..hub import GRADES_URL_ENV
from .views import FAIL, PASS, GradeResult

TOKEN_ENV = "JUPYTERHUB_API_TOKEN"
FILE_NAME = "grades.jsonl"
FILE_CAP = 256 * 1024  # bytes; past it the file keeps its newest half
POST_TIMEOUT = 5.0  # seconds for the POST's connection and each read
DEADLINE = 7.0  # seconds the grade waits for the POST at most, whatever the network does


def record_file() -> Path:
    return paths.state_dir() / FILE_NAME


def record_for(result: GradeResult, now: float | None = None) -> dict:
    """The record of one grade (the body the grades service accepts)."""
    good = sum(r.passed for r in result.rows)
    when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() if now is None else now))
    return {"lab": result.lab, "passed": good, "total": len(result.rows),
            "result": PASS if result.passed else FAIL, "time": when, "kit": __version__,
            "user": _login()}


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())


def append(record: dict, path: Path | None = None) -> None:
    """Append RECORD as one JSON line to PATH (the learner's record file), capped in size."""
    path = path or record_file()
    paths.ensure(path.parent)
    line = (json.dumps(record, sort_keys=True) + "\n").encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC,
                 paths.PRIVATE)
    with os.fdopen(fd, "ab") as fh:
        fh.write(line)
        size = fh.tell()
    if size > FILE_CAP:
        _cut(path)


def _cut(path: Path) -> None:
    """Keep the newest half of PATH's lines (whole lines), atomically."""
    data = path.read_bytes()
    tail = data[len(data) - FILE_CAP // 2:]
    tail = tail[tail.find(b"\n") + 1:]
    paths.write_private(path, tail.decode(errors="replace"))


def read(path: Path | None = None) -> list[dict]:
    """The records in PATH (default: this learner's file), oldest first; bad lines skipped."""
    try:
        lines = (path or record_file()).read_text(errors="replace").splitlines()
    except OSError:
        return []
    found = []
    for line in lines:
        try:
            found.append(json.loads(line))
        except ValueError:
            continue
    return found


def post(record: dict, url: str, token: str, timeout: float = POST_TIMEOUT) -> None:
    """POST RECORD as JSON to URL with the hub token; OSError or ValueError on any failure."""
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"{GRADES_URL_ENV} is not an http(s) URL")
    request = urllib.request.Request(
        url, data=json.dumps(record).encode(), method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read(4096)
    except urllib.error.HTTPError as exc:
        detail = exc.read(300).decode(errors="replace").strip().splitlines()
        raise OSError(f"HTTP {exc.code}: {detail[0] if detail else exc.reason}") from None
    except urllib.error.URLError as exc:
        raise OSError(str(exc.reason)) from None


def _send(record: dict, url: str, token: str, deadline: float = DEADLINE) -> str:
    """POST in a helper thread, waiting DEADLINE seconds at most: "" or the failure."""
    outcome: list[str] = []

    def work() -> None:
        try:
            post(record, url, token)
            outcome.append("")
        except (OSError, ValueError) as exc:
            outcome.append(str(exc) or type(exc).__name__)

    worker = threading.Thread(target=work, name="grade-post", daemon=True)
    worker.start()
    worker.join(deadline)
    return outcome[0] if outcome else f"no answer within {deadline:g} s"


def save(result: GradeResult) -> str:
    """Record RESULT (file, and the classroom when its URL is set): "" or a one-line note."""
    record = record_for(result)
    notes = []
    try:
        append(record)
    except OSError as exc:
        notes.append(f"grade not recorded in {record_file()}: {exc.strerror or exc}")
    url = os.environ.get(GRADES_URL_ENV, "")
    if url:
        token = os.environ.get(TOKEN_ENV, "")
        failure = _send(record, url, token) if token else f"${TOKEN_ENV} is not set"
        if failure:
            notes.append(f"grade not sent to the classroom: {failure}")
    return "; ".join(notes)
