"""Every lab of the catalogue, on the real engine, each test in a fresh sandbox:

- start -> grade: every check FAILs, each with a hint;
- start -> the solution -> grade: every check PASSes;
- start -> the typical wrong attempt -> grade: the checks the lab file names FAIL;
- finish (after the solution, and after the wrong attempt) -> nothing of the lab is left: no
  container, pod, volume or image, no tag on the shared push registry, no login, no port lease;
- start again resets the lab.

A lab on the kit's systemd host (07) also boots that host at start, and finish removes it with
all it ran: it is a container of the sandbox, new since the snapshot. Where the systemd host cannot
boot, its lab's tests are skipped with the reason.

Each test finishes its lab at teardown, even when it fails: the push registry is shared by every
learner on the host, and the sandbox fixture removes only the sandbox itself.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from kernel_helpers import ports, session
from kernel_helpers.labs import LabError, lifecycle, loader, pushed, state
from kernel_helpers.labs.probe import Probe

LABS = sorted(loader.labs())


@pytest.fixture
def lab(request, sandbox, monkeypatch, classroom_up):
    """The lab named by the test's parameter, in a fresh sandbox; finished at teardown."""
    monkeypatch.setattr(session, "_current", sandbox)
    yield loader.get(request.param)
    lifecycle.finish(request.param)


def _start(lab):
    """Start LAB; a lab that needs the systemd host is skipped where that host cannot boot."""
    try:
        return lifecycle.start(lab.name)
    except LabError as exc:
        if lab.systemd_host and "the systemd host did not start" in str(exc):
            pytest.skip(f"{lab.name} needs the kit's systemd host, which cannot run here: {exc}")
        raise


def by_lab(test):
    return pytest.mark.parametrize("lab", LABS, indirect=True)(test)


def _worlds(lab) -> dict[str, state.Snapshot]:
    worlds = {"root": Probe(False)} | ({"rootless": Probe(True)} if lab.rootless else {})
    return {key: state.Snapshot.take(probe) for key, probe in worlds.items()}


@by_lab
def test_start_then_grade_fails_every_check_with_a_hint(lab):
    sheet = _start(lab)
    assert sheet.lab.name == lab.name and "{" not in sheet.lab.task.replace("{{", "")
    result = lifecycle.grade(lab.name)
    assert not result.passed and result.started
    assert [r.id for r in result.rows if r.passed] == [], result.to_text()
    assert all(r.hint and r.reason for r in result.rows), result.to_text()


@by_lab
def test_the_solution_passes_every_check(lab):
    _start(lab)
    lifecycle.perform(lab.name, "solution")
    result = lifecycle.grade(lab.name)
    assert result.passed, result.to_text()
    assert all(r.hint == "" for r in result.rows)


@by_lab
def test_the_wrong_attempt_fails_the_checks_the_lab_names(lab):
    _start(lab)
    lifecycle.perform(lab.name, "wrong")
    result = lifecycle.grade(lab.name)
    assert not result.passed
    assert set(lab.wrong_fails) <= set(result.failed_ids), result.to_text()


@pytest.mark.parametrize("attempt", ["solution", "wrong"])
@by_lab
def test_finish_leaves_nothing_of_the_lab(lab, attempt, sandbox):
    before = _worlds(lab)
    _start(lab)
    lifecycle.perform(lab.name, attempt)
    report = lifecycle.finish(lab.name)
    after = _worlds(lab)
    for key, snap in before.items():
        for part in ("containers", "pods", "volumes", "images"):
            assert getattr(after[key], part) == getattr(snap, part), (key, part, report.to_text())
    bound = lab.bind(lifecycle.variables(lab))
    assert not set(bound.cleanup.networks) & set(after["root"].networks)
    for repository in bound.cleanup.repositories:
        assert pushed.tags(repository) == [], repository
    for registry in bound.cleanup.logout:
        assert not Probe(lab.rootless).run("login", "--get-login", registry).ok
    assert state.load(sandbox.dir, lab.name) is None
    assert ports.leases(sandbox.id) == {}
    assert not [line for line in report.lines if line.startswith("could not")], report.to_text()


@by_lab
def test_starting_again_resets_the_lab(lab):
    _start(lab)
    lifecycle.perform(lab.name, "solution")
    sheet = lifecycle.start(lab.name)
    assert sheet.reset, "the second start removed what the first attempt made"
    assert not any(r.passed for r in lifecycle.grade(lab.name).rows)


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
    (tmp_path / "09-teacher.toml").write_text(TEACHER_LAB)
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
