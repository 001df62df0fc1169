"""Every lab of the catalogue, on the real engine, each in a fresh sandbox of its own.

Each lab's journey (``lab_journey.py``: start, grade, the typical wrong attempt, grade, start
again, grade, the solution, grade, finish) runs in its own process, ``PARALLEL`` labs at a time:
a lab mostly waits on containers, so side by side they take a fraction of the time. The tests
below assert on what each journey recorded:
- start -> grade: every check FAILs, each with a hint;
- the typical wrong attempt -> grade: the checks the lab file names FAIL;
- start again resets the lab: grade FAILs every check again;
- the solution -> grade: every check PASSes;
- finish -> nothing of the lab is left: no container, pod, volume or image, no tag on the shared
  push registry, no login, no port lease, no snapshot file.
A lab on the kit's systemd host (07) boots that host at start; where it cannot boot, the lab's
tests are skipped with the reason. Each journey finishes its lab even when it fails (the push
registry is shared by every learner on the host), and its sandbox goes with its process.
"""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from kernel_helpers import classroom, session
from kernel_helpers.labs import lifecycle, loader

LABS = sorted(loader.labs())
JOURNEY = Path(__file__).with_name("lab_journey.py")
PARALLEL = 3
JOURNEY_TIMEOUT = 900


def _journey(name: str) -> dict:
    try:
        done = subprocess.run([sys.executable, str(JOURNEY), name], capture_output=True, text=True,
                              timeout=JOURNEY_TIMEOUT)
    except subprocess.TimeoutExpired:
        return {"lab": name, "error": f"the journey took more than {JOURNEY_TIMEOUT} s"}
    lines = done.stdout.strip().splitlines()
    try:
        return json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError):
        return {"lab": name, "error": f"exit {done.returncode}: {done.stdout[-2000:]}{done.stderr[-3000:]}"}


def _one_by_one(names: list[str]) -> list[dict]:
    return [_journey(name) for name in names]


@pytest.fixture(scope="module")
def journeys(classroom_up) -> dict[str, dict]:
    """Every lab's journey; the labs on the systemd host run one after the other in one lane
    (two systemd hosts booting at once on this 2-core VM made an exec in one of them fail)."""
    on_host = [name for name in LABS if loader.get(name).systemd_host]
    lanes = [on_host] * bool(on_host) + [[name] for name in LABS if name not in on_host]
    with ThreadPoolExecutor(PARALLEL) as pool:
        done = [got for lane in pool.map(_one_by_one, lanes) for got in lane]
    return {got["lab"]: got for got in done}


@pytest.fixture(params=LABS)
def trip(request, journeys) -> tuple:
    got = journeys[request.param]
    if "skip" in got:
        pytest.skip(got["skip"])
    assert "error" not in got, got["error"]
    return loader.get(request.param), got


def _text(rows: list[dict]) -> str:
    return "\n".join(f"{'PASS' if r['passed'] else 'FAIL'} {r['id']}: {r['reason']}" for r in rows)


def test_start_then_grade_fails_every_check_with_a_hint(trip):
    _, got = trip
    assert not got["task_unbound"], "the task text still has a {PLACEHOLDER}"
    assert [r["id"] for r in got["fresh"] if r["passed"]] == [], _text(got["fresh"])
    assert all(r["hint"] and r["reason"] for r in got["fresh"]), _text(got["fresh"])


def test_the_wrong_attempt_fails_the_checks_the_lab_names(trip):
    lab, got = trip
    failed = {r["id"] for r in got["wrong"] if not r["passed"]}
    assert set(lab.wrong_fails) <= failed, _text(got["wrong"])


def test_starting_again_resets_the_lab(trip):
    _, got = trip
    assert got["reset"], "the second start removed nothing of the first attempt"
    assert not any(r["passed"] for r in got["after_reset"]), _text(got["after_reset"])


def test_the_solution_passes_every_check(trip):
    _, got = trip
    assert all(r["passed"] for r in got["solution"]), _text(got["solution"])
    assert all(r["hint"] == "" for r in got["solution"])


def test_finish_leaves_nothing_of_the_lab(trip):
    _, got = trip
    assert got["leftovers"] == []


def test_the_magic_drives_a_lab_typed_as_a_learner_would(shell):
    """%lab start, the learner's own %podman cells, %lab grade, %lab finish."""
    sheet = shell.run_line_magic("lab", "start 03-rhel7")
    assert "<details><summary>Hint 1</summary>" in sheet._repr_markdown_()
    shell.run_line_magic("podman", "run -d --name rhel7 registry.access.redhat.com/ubi7/ubi:latest "
                         "sleep infinity")
    shell.run_cell_magic("podman", "exec -i rhel7 bash", "echo 'hello from exec' > /tmp/notes.txt\n")
    half = shell.run_line_magic("lab", "grade 03-rhel7")
    assert half.failed_ids == ["restarted"], half.to_text()
    assert half.row("restarted").hint.startswith("Stop it")
    shell.run_line_magic("podman", "restart -t 1 rhel7")
    assert shell.run_line_magic("lab", "grade 03-rhel7").passed
    report = shell.run_line_magic("lab", "finish 03-rhel7")
    assert "removed container rhel7" in report.lines
    assert shell.run_line_magic("podman", "ps -a").df.empty


def test_a_lab_done_in_a_terminal_is_graded_by_the_terminal_command(sandbox, monkeypatch, classroom_up):
    """The learner's shell lives in the sandbox ($PODMAN_COURSE_SANDBOX): plain podman there,
    then python -m kernel_helpers lab grade."""
    monkeypatch.setattr(session, "_current", sandbox)
    env = sandbox.full_env()

    def kit(*args):
        return subprocess.run([sys.executable, "-m", "kernel_helpers", "lab", *args], env=env,
                              capture_output=True, text=True, timeout=300)
    try:
        assert kit("start", "03-entrypoint").returncode == 0
        failing = kit("grade", "03-entrypoint")
        assert failing.returncode == 1 and "FAIL  container shida is running" in failing.stdout
        lifecycle.perform("03-entrypoint", "solution")
        passing = kit("grade", "03-entrypoint")
        assert passing.returncode == 0, passing.stdout + passing.stderr
        assert passing.stdout.startswith("lab 03-entrypoint: all checks pass")
    finally:
        done = kit("finish", "03-entrypoint")
    assert done.returncode == 0 and "removed container shida" in done.stdout


TEACHER_LAB = '''
name = "09-teacher"
notebook = "09_teacher"
title = "A teacher's own lab"
minutes = 2
task = "Start the container `{WHO}` that the set-up made."
hints = ["podman start NAME", "podman start {WHO}"]
[variables]
WHO = "made-by-shell"
[setup]
steps = [{shell = "podman create --name {WHO} localhost:5000/busybox:latest sleep 600"}]
[solution]
steps = ["start {WHO}"]
[wrong]
what = "removes it instead"
steps = ["rm {WHO}"]
fails = ["up"]
[[checks]]
id = "up"
kind = "container_running"
name = "{WHO}"
hint = "podman start {WHO}"
'''


def test_a_teacher_lab_from_her_own_folder_runs_with_a_shell_step(tmp_path, sandbox, monkeypatch,
                                                                 classroom_up):
    """A lab added without touching the kit; its shell step runs in the sandbox's world."""
    (tmp_path / "09-teacher.toml").write_text(TEACHER_LAB.replace("localhost:5000", classroom.pull_host()))
    monkeypatch.setenv(loader.LABS_ENV, str(tmp_path))
    monkeypatch.setattr(session, "_current", sandbox)
    try:
        sheet = lifecycle.start("09-teacher")
        assert "set-up: !podman create --name made-by-shell" in sheet.to_text()
        assert lifecycle.grade("09-teacher").row("up").reason == "made-by-shell is created (exit code 0)"
        lifecycle.perform("09-teacher", "solution")
        assert lifecycle.grade("09-teacher").passed
    finally:
        report = lifecycle.finish("09-teacher")
    assert report.lines == ["removed container made-by-shell"]
