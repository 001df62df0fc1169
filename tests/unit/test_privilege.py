"""Root or user mode, and what each root-only step gets (no podman, no sudo needed)."""

from __future__ import annotations

import os
import pwd
from dataclasses import replace

import pytest

from kernel_helpers import doctor, privilege

LEARNER = pwd.getpwnam("nobody")  # an ordinary account every Debian has


@pytest.fixture
def as_learner(monkeypatch):
    """User mode: the kit believes it runs as ``nobody``."""
    monkeypatch.setattr(os, "geteuid", lambda: LEARNER.pw_uid)
    privilege.sudo_works.cache_clear()
    yield LEARNER
    privilege.sudo_works.cache_clear()


@pytest.fixture
def as_root(monkeypatch):
    monkeypatch.setattr(os, "geteuid", lambda: 0)


def test_root_mode_runs_every_step_as_root(as_root):
    assert not privilege.user_mode()
    assert {d.how for d in privilege.decisions()} == {privilege.ROOT}
    assert all(privilege.refusal(step.name) is None for step in privilege.STEPS)


def test_user_mode_skips_the_systemd_host_in_one_line_that_names_the_learner(as_learner):
    assert privilege.user_mode() and privilege.user_name() == "nobody"
    decision = privilege.decide("systemd-host", sudo=False)
    assert decision.how == privilege.SKIP
    line = privilege.refusal("systemd-host", sudo=False)
    assert line.startswith("skipped: ") and "\n" not in line
    assert "you are nobody" in line and "sudo" in line and "doctor" in line


def test_user_mode_gives_rootless_equivalents_where_one_teaches_the_same(as_learner):
    hows = {d.step: d.how for d in privilege.decisions(sudo=False)}
    assert hows["root-containers"] == hows["course-user"] == privilege.EQUIVALENT
    assert hows["privileged-port"] == privilege.EQUIVALENT
    assert hows["lab-systemd-host"] == privilege.SKIP
    assert privilege.refusal("privileged-port", sudo=False) is None


def test_sudo_is_used_only_for_a_step_the_kit_can_run_through_it(as_learner, monkeypatch):
    step = replace(privilege.BY_NAME["systemd-host"], sudo_ok=True)
    monkeypatch.setitem(privilege.BY_NAME, "systemd-host", step)
    assert privilege.decide("systemd-host", sudo=True).how == privilege.SUDO
    assert privilege.decide("systemd-host", sudo=False).how == privilege.SKIP
    assert privilege.decide("lab-systemd-host", sudo=True).how == privilege.SKIP  # no sudo way


def test_no_sudo_installed_means_no_sudo_and_no_probe(as_learner, monkeypatch):
    monkeypatch.setattr(privilege.shutil, "which", lambda name: None)
    ran = []
    monkeypatch.setattr(privilege.process, "run", lambda *a, **k: ran.append(a))
    assert privilege.sudo_works() is False
    assert ran == []
    assert "sudo is not installed" in privilege.refusal("systemd-host")


def test_the_sudo_probe_is_asked_once_with_a_timeout(as_learner, monkeypatch):
    monkeypatch.setattr(privilege.shutil, "which", lambda name: "/usr/bin/sudo")
    calls = []

    def fake_run(argv, timeout):
        calls.append((argv, timeout))
        return privilege.process.Completed(argv, 1, "", "sudo: a password is required")

    monkeypatch.setattr(privilege.process, "run", fake_run)
    assert privilege.sudo_works() is False and privilege.sudo_works() is False
    assert calls == [(["sudo", "-n", "true"], privilege.SUDO_TIMEOUT)]


def test_the_table_has_a_row_per_step_with_its_decision(as_learner):
    lines = privilege.table(sudo=False).splitlines()
    assert lines[0].split() == ["LESSON", "STEP", "HOW", "WHY"]
    assert len(lines) == 1 + len(privilege.STEPS)
    assert any("systemd-host" in line and " skip " in line for line in lines)


def test_the_doctor_adds_the_steps_in_user_mode_only(monkeypatch):
    monkeypatch.setattr(privilege, "sudo_works", lambda: False)
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    report = doctor.Report()
    doctor.check_privilege(report)
    assert report.checks == []  # root mode: the stored doctor tables stay as they are
    monkeypatch.setattr(os, "geteuid", lambda: LEARNER.pw_uid)
    doctor.check_privilege(report)
    assert report.checks[0].name == "user mode" and "you are nobody" in report.checks[0].finding
    steps = {c.name: c.status for c in report.checks[1:]}
    assert len(steps) == len(privilege.STEPS)
    assert steps["step systemd-host (07)"] == privilege.SKIP
    assert set(steps.values()) <= {privilege.ROOT, privilege.SUDO, privilege.EQUIVALENT, privilege.SKIP}
    assert report.healthy  # a skipped step is not a failure of the host
