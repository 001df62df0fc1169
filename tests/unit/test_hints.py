"""Hints matched on stderr recorded from the real podman 4.3.1 / skopeo 1.9.3."""

from __future__ import annotations

from pathlib import Path

import pytest

from kernel_helpers.hints import DOCTOR, hint_for

RECORDINGS = Path(__file__).resolve().parents[1] / "fake_podman" / "recordings"

# recording -> words the hint must contain
RECORDED = {
    "run-name-in-use": "podman rm -f web",
    "rmi-in-use": "remove the container first",
    "rm-no-such-container": "podman ps -a",
    "inspect-no-such": "Nothing called nosuch",
    "image-inspect-no-such": "podman images",
    "rmi-no-such-image": "podman images",
    "run-short-name-no-search": "nosuchimage is a short name",
    "run-short-name-ambiguous": "fully qualified name",
    "run-short-name-not-found": "no such image or tag",
    "run-blocked-registry": "blocked.example.com is blocked",
    "pull-unauthorized": "podman login",
    "login-wrong-password": "rejected these credentials",
    "skopeo-inspect-unauthorized": "skopeo login",
    "pull-connection-refused": "Nothing answers at localhost:1",
    "pull-http-registry": "--tls-verify=false",
    "run-port-in-use": "Host port 8000 is already taken",
    "run-setrlimit": DOCTOR,
    "run-crun-hybrid": "switches the kit to runc",
    "exec-not-running": "podman start",
    "run-not-a-tty": "drop -t/-it",
}


@pytest.mark.parametrize("name, expected", sorted(RECORDED.items()))
def test_hint_for_recorded_stderr(recording, name, expected):
    rec = recording(name)
    hint = hint_for(rec["stderr"], [rec.get("tool", "podman"), *rec["argv"]])
    assert hint is not None and expected in hint
    assert "\n" not in hint


def test_every_recorded_failure_gets_a_hint(recording):
    failures = [p.stem for p in RECORDINGS.glob("*.json") if recording(p.stem)["returncode"] != 0]
    assert len(failures) >= 15
    missing = [name for name in failures if hint_for(recording(name)["stderr"], None) is None]
    assert missing == []


def test_successful_outputs_get_no_hint(recording):
    for name in ("ps-two-running", "images-two-tags", "info", "port-web", "search-course"):
        assert hint_for(recording(name)["stderr"], ["podman"]) is None


def test_rootless_privileged_port_known_text():
    stderr = ("Error: rootlessport cannot expose privileged port 80, you can add "
              "'net.ipv4.ip_unprivileged_port_start=80' to /etc/sysctl.conf (currently 1024), "
              "or choose a larger port number (>= 1024): listen tcp 0.0.0.0:80: bind: "
              "permission denied")
    assert "-p 8080:80" in hint_for(stderr, ["podman", "run", "-p", "80:80", "x"])


def test_docker_style_messages():
    assert "already taken" in hint_for("Bind for 0.0.0.0:80 failed: port is already allocated", [])
    assert "log in" in hint_for("denied: requested access to the resource is denied", None)


@pytest.mark.parametrize("stderr", ["", "Error: something brand new", "all good"])
def test_no_hint_for_unknown_or_empty(stderr):
    assert hint_for(stderr, ["podman", "ps"]) is None
