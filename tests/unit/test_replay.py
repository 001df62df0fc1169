"""Replay mode (kernel_helpers/replay.py, replay_cells.py) and its recordings (scripts/recordings.py)."""

from __future__ import annotations

import ast
import json
import re
import sys
from pathlib import Path

import pytest

from kernel_helpers import commands, doctor, paths, replay, replay_cells
from kernel_helpers.results import CommandResult

REPO = paths.repo_root()
sys.path.insert(0, str(REPO / "scripts"))
import recordings  # noqa: E402


@pytest.fixture(autouse=True)
def fresh_position(monkeypatch):
    monkeypatch.delenv(replay.MODE_ENV, raising=False)
    monkeypatch.delenv(replay.RECORD_ENV, raising=False)
    replay.reset()
    replay.force(None)
    yield
    replay.reset()
    replay.force(None)


# -- the mode ------------------------------------------------------------------------------------
def test_the_environment_forces_the_mode_and_a_bad_forced_value_is_refused(monkeypatch):
    monkeypatch.setenv(replay.MODE_ENV, "replay")
    assert replay.decide()[0] == "replay" and replay.active()
    monkeypatch.setenv(replay.MODE_ENV, "LIVE")
    assert replay.decide() == ("live", "PODMAN_COURSE_MODE=live")
    with pytest.raises(ValueError, match="unknown mode 'fast'"):
        replay.force("fast")


def test_auto_replays_without_podman_and_when_the_doctor_saw_no_container_start(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no podman on it
    assert replay.decide() == ("replay", "podman is not installed here")
    fake = tmp_path / "podman"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    report = tmp_path / "doctor.json"
    monkeypatch.setattr(paths, "doctor_report", lambda: report)
    assert replay.decide()[0] == "live"  # no report yet: podman is there
    report.write_text(json.dumps({"checks": [{"name": "container can start", "status": "fail",
                                              "finding": "setrlimit denied"}]}))
    mode, why = replay.decide()
    assert mode == "replay" and "setrlimit denied" in why
    assert replay.decide(container_fails=False)[0] == "live"


def test_the_doctor_reports_the_mode(monkeypatch):
    monkeypatch.setenv(replay.MODE_ENV, "replay")
    report = doctor.Report(when="now")
    doctor.check_mode(report)
    row = report.checks[-1]
    assert (row.name, row.status) == ("course mode", "warn") and row.finding.startswith("replay: ")


# -- commands ------------------------------------------------------------------------------------
def _recording(folder: Path, edition: str = "en") -> None:
    rec = {"notebook": "09_demo", "edition": edition, "podman": "4.3.1", "recorded": "2026-12-02",
           "cells": [{"key": "aaa#0", "outputs": []}, {"key": "bbb#0", "outputs": []},
                     {"key": "ccc#0", "outputs": []}],
           "commands": [
               {"cell": "aaa#0", "command": "podman ps -a", "returncode": 0, "stdout": "[]",
                "stderr": "", "note": None, "hint": None, "prompt": "$"},
               {"cell": "bbb#0", "command": "podman ps -a", "returncode": 0,
                "stdout": json.dumps([{"Names": ["web"], "State": "running", "Image": "httpd",
                                       "Id": "0" * 64, "Status": "Up"}]),
                "stderr": "", "note": None, "hint": None, "prompt": "$"},
               {"cell": "bbb#0", "command": "podman rmi busybox", "returncode": 2, "stdout": "",
                "stderr": "Error: image is in use", "note": None, "hint": "remove the container first",
                "prompt": "$"}]}
    (folder / edition).mkdir(parents=True, exist_ok=True)
    (folder / edition / "09_demo.json").write_text(json.dumps(rec))


def test_a_recorded_command_answers_as_at_this_point_of_the_notebook(monkeypatch, tmp_path):
    _recording(tmp_path)
    monkeypatch.setenv(replay.RECORDINGS_ENV, str(tmp_path))
    monkeypatch.setenv(replay.MODE_ENV, "replay")
    pos = replay.position()
    pos.notebook, pos.cell_index, pos.cell_key = "09_demo", 0, "aaa#0"
    first = commands.run_args("podman", ["ps", "-a"])
    assert first.ok and first.df is not None and first.df.empty
    assert "recorded output (podman 4.3.1, 2026-12-02)" in first.note
    pos.cell_index, pos.cell_key = 2, None  # a learner's cell after the third recorded cell
    later = commands.run_args("podman", ["ps", "-a"])
    assert list(later.df["Names"]) == ["web"]
    failed = commands.run_args("podman", ["rmi", "busybox"])
    assert failed.returncode == 2 and failed.hint == "remove the container first"
    assert "Error: image is in use" in failed.to_text()


def test_an_unrecorded_command_is_one_line_and_runs_nothing(monkeypatch, tmp_path):
    _recording(tmp_path)
    monkeypatch.setenv(replay.RECORDINGS_ENV, str(tmp_path))
    monkeypatch.setenv(replay.MODE_ENV, "replay")
    replay.position().notebook = "09_demo"
    got = commands.run_args("podman", ["run", "--rm", "busybox", "true"])
    assert got.returncode == -1 and got.to_text() == "not recorded; this needs a real podman"
    assert "not recorded; this needs a real podman" in got._repr_html_()
    assert CommandResult.not_recorded("podman", ["x"], "m").is_skipped


def test_a_command_is_recorded_while_make_record_runs(monkeypatch, tmp_path):
    log = tmp_path / "log.jsonl"
    monkeypatch.setenv(replay.RECORD_ENV, str(log))
    replay.position().cell_key = "abc#1"
    result = CommandResult(argv=["podman", "ps"], shown_argv=["podman", "ps"], returncode=0,
                           stdout="x" * (replay.MAX_RECORDED_OUTPUT + 10))
    replay.record_command("podman", ["ps"], True, result)
    entry = json.loads(log.read_text())
    assert entry["cell"] == "abc#1" and entry["command"] == "--rootless podman ps"
    assert len(entry["stdout"]) < replay.MAX_RECORDED_OUTPUT + 100 and "cut" in entry["stdout"]


# -- cells ---------------------------------------------------------------------------------------
def test_simple_variables_only():
    before = {"old": id("same")}
    namespace = {"BOX": "box", "PORT": 8080, "frame": object(), "_hidden": 1, "In": [],
                 "names": ["a", "b"], "big": "x" * 5000}
    assert replay_cells.simple_variables(namespace, before) == {"BOX": "box", "PORT": 8080,
                                                                "names": ["a", "b"]}


def test_a_recorded_widget_shows_its_snapshot_and_says_its_buttons_need_podman(monkeypatch):
    shown = []
    monkeypatch.setattr(replay_cells, "_publish", lambda data, meta=None: shown.append((data, meta)))
    replay_cells.emit({"output_type": "display_data", "metadata": {},
                       "data": {replay_cells.WIDGET_MIME: {"model_id": "x"}, "text/plain": "snapshot",
                                "text/html": "<b>snapshot</b>"}})
    data, meta = shown[0]
    assert replay_cells.WIDGET_MIME not in data and "buttons need a real podman" in data["text/plain"]
    assert meta["podman_course"] == {"replay": True}


def test_the_cell_key_is_the_user_mode_outputs_one():
    from tests import mode_outputs
    assert mode_outputs.cell_key("%podman ps\n", 1) == f"{replay.cell_digest('  %podman ps')}#1"


def test_the_kit_never_calls_the_engines_by_absolute_path():
    """without-podman.sh as an ordinary user hides them from PATH only: that must be enough."""
    found = [f"{p.relative_to(REPO)}: {m.group(0)}" for p in (REPO / "kernel_helpers").rglob("*.py")
             for m in re.finditer(r"[\"'](/usr)?(/local)?/s?bin/(podman|skopeo|buildah)[\"']", p.read_text())]
    assert found == []


# -- the recordings ------------------------------------------------------------------------------
def test_recordings_sanitize_ids_and_keep_the_column_padding():
    text = "IMAGE ID      CREATED\n0123456789ab  2026-12-02 04:00:00 +0000 UTC"
    kept = recordings.sanitize(text)
    assert "0123456789ab" not in kept and "IMAGE ID      CREATED" in kept
    assert " " not in recordings.sanitize(text, full=True)


def test_a_rebuild_with_the_same_content_keeps_the_old_file(monkeypatch, tmp_path):
    monkeypatch.setenv(replay.RECORDINGS_ENV, str(tmp_path / "rec"))
    notebook = tmp_path / "09_demo.ipynb"
    import nbformat
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("print(1)", outputs=[
        nbformat.v4.new_output("stream", name="stdout", text="id 0123456789ab\n")])]
    nbformat.write(nb, notebook)
    monkeypatch.setitem(recordings.EDITIONS, "en", tmp_path)
    monkeypatch.setattr(recordings, "podman_version", lambda: "4.3.1")
    path, changed = recordings.build_one("09_demo", "en", today="2026-12-01")
    assert changed and json.loads(path.read_text())["cells"][0]["outputs"][0]["text"] == "id ID12\n"
    nb.cells[0].outputs[0].text = "id fedcba987654\n"  # another host, another id
    nbformat.write(nb, notebook)
    assert recordings.build_one("09_demo", "en", today="2026-12-24") == (path, False)
    assert json.loads(path.read_text())["recorded"] == "2026-12-01"
    nb.cells[0].outputs[0].text = "something else\n"
    nbformat.write(nb, notebook)
    assert recordings.build_one("09_demo", "en", today="2026-12-24")[1]


def test_the_recordings_match_the_stored_notebooks():
    """The drift check (stored outputs vs recordings; nbval checks live vs stored in make test)."""
    problems = recordings.check()
    assert problems == [], "\n".join(problems[:20]) + "\nrun `make record`"


def test_replay_runs_only_the_definitions_of_a_recorded_cell():
    code = ("import os\nfrom pathlib import Path\nNAME = 'web'\nPORTS = [8080, 8081]\n"
            "host = boot_a_machine()\nprint(NAME)\n\n\ndef helper(x):\n    return run(x)\n"
            "class Box:\n    size = 1\nclass Called:\n    size = compute()\n"
            "get_ipython().run_line_magic('podman', 'ps')\n")
    kept = replay_cells.definitions(code)
    names = [getattr(n, "name", None) or ast.unparse(n).split(" =")[0] for n in kept.body]
    assert names == ["import os", "from pathlib import Path", "NAME", "PORTS", "helper", "Box"]
    assert replay_cells.definitions("this is not python(").body == []


def test_a_forced_mode_says_so(monkeypatch):
    replay.force("replay")
    assert replay.active() and replay.reason() == "the notebook's parameter mode=replay"
    monkeypatch.setenv(replay.MODE_ENV, "replay")
    replay.force(None)
    assert replay.reason() == "PODMAN_COURSE_MODE=replay"
