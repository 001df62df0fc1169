"""Unit texts recorded from podman 4.3.1 `generate systemd`: table, diff, real verify."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kernel_helpers import units

DATA = Path(__file__).parent / "data"
PLAIN = (DATA / "container-myweb.service").read_text()
NEW = (DATA / "container-myweb-new.service").read_text()


def test_generate_args_follow_the_flags():
    assert units.generate_args("myweb") == ["generate", "systemd", "--name", "myweb"]
    assert units.generate_args("myweb", new=True, header=False) == [
        "generate", "systemd", "--name", "--new", "--no-header", "myweb"]
    assert units.unit_name("myweb") == "container-myweb.service"


def test_sections_join_continuation_lines():
    df = units.sections(NEW)
    start = df[(df.section == "Service") & (df.key == "ExecStart")]["value"].item()
    assert start.startswith("/usr/bin/podman run --cidfile=%t/%n.ctr-id")
    assert start.endswith("--name myweb -p 28181:8080 localhost:5000/rhel8/httpd-24:latest")
    assert df[df.key == "WantedBy"]["value"].item() == "default.target"


def test_diff_shows_what_new_changes():
    text = units.diff(PLAIN, NEW)
    assert "-ExecStart=/usr/bin/podman start myweb" in text
    assert "+ExecStart=/usr/bin/podman run \\" in text
    assert "+Type=notify" in text and "-Type=forking" in text


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_verify_accepts_both_units_and_rejects_a_broken_one():
    assert units.verify(PLAIN, "container-myweb.service").ok
    assert units.verify(NEW, "container-myweb.service").ok
    broken = units.verify(NEW.replace("Type=notify", "Type=sometimes"), "container-myweb.service")
    assert "Failed to parse service type" in broken.stderr
    assert "kh-unit-" not in broken.stderr  # the scratch folder is not shown
    assert broken.command_line == "systemd-analyze verify --man=no container-myweb.service"
