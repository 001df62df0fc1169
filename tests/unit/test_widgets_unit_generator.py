"""Unit generator logic: the generate argv, both variants, verify, diff, static view."""

from __future__ import annotations

import json

import pytest

from kernel_helpers import units
from kernel_helpers.results import CommandResult
from kernel_helpers.widgets.common import Engine
from kernel_helpers.widgets.unit_generator import UnitGenerator, all_names, generate_argv

PLAIN = "[Service]\nExecStart=/usr/bin/podman start web\nType=forking\n"
NEW = "[Service]\nExecStart=/usr/bin/podman run --rm --replace -d --name web busybox\nType=notify\n"


def test_generate_argv_is_the_units_modules():
    assert generate_argv("web", new=False) == ["generate", "systemd", "--name", "web"]
    assert generate_argv("web", new=True) == ["generate", "systemd", "--name", "--new", "web"]


def test_every_container_can_get_a_unit(recording):
    from kernel_helpers import parsers
    assert all_names(parsers.to_frame("ps", recording("ps-all-three")["stdout"])) == ["db", "stopped", "web"]


@pytest.fixture
def generator(fake_podman, recording, monkeypatch, tmp_path):
    """ps -a replays three containers; generate systemd replays two unit texts."""
    (tmp_path / "ps.json").write_text(json.dumps(recording("ps-all-three")))
    for name, match, text in (("plain", ["generate", "systemd", "--name", "web"], PLAIN),
                              ("new", ["generate", "systemd", "--name", "--new", "web"], NEW)):
        (tmp_path / f"{name}.json").write_text(json.dumps(
            {"argv": match, "argv_match": match, "returncode": 0, "stdout": text, "stderr": ""}))
    monkeypatch.setenv("FAKE_PODMAN_RECORDINGS", str(tmp_path))
    checked = []

    def verify(text, name):
        checked.append((text, name))
        return CommandResult(argv=["systemd-analyze", "verify", name], shown_argv=["systemd-analyze"],
                             returncode=0)

    monkeypatch.setattr(units, "verify", verify)
    widget = UnitGenerator(engine=Engine(), container="web")
    widget.checked = checked
    return widget


def test_both_variants_are_generated_and_the_picked_one_verified(generator, fake_podman):
    generate_calls = [c for c in fake_podman.calls() if c[1] == "generate"]
    assert ["podman", "generate", "systemd", "--name", "web"] in generate_calls
    assert ["podman", "generate", "systemd", "--name", "--new", "web"] in generate_calls
    assert generator.checked == [(PLAIN, "container-web.service")]
    assert "podman start web" in generator.unit_html.value
    assert "$ podman generate systemd --name web" in generator.unit_html.value
    assert "valid" in generator.verify_html.value


def test_toggling_new_shows_the_other_unit_and_the_same_diff(generator):
    before = generator.diff_text()
    generator.new.value = True
    assert "--replace" in generator.unit_html.value
    assert generator.checked[-1] == (NEW, "container-web.service")
    assert generator.diff_text() == before
    assert "-ExecStart=/usr/bin/podman start web" in before and "+Type=notify" in before


def test_static_view_has_command_unit_verdict_and_diff(generator):
    text = generator._repr_mimebundle_()["text/plain"]
    assert "$ podman generate systemd --name web" in text
    assert "systemd-analyze verify: ok" in text and "+++ with --new" in text


def test_a_failing_generate_is_one_line(generator):
    generator.containers.value = "db"  # no recording for db: the fake podman exits 125
    assert "kh-error" in generator.message.value and "no recording matches" in generator.message.value
    assert generator.unit_html.value == ""
