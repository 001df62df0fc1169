"""Host values in stored outputs: the regexes conftest.py hands to nbval."""

from __future__ import annotations

import os
import pwd
import re

from tests import host_values

RECORDED = {"kernel_release": "6.18.44-fc-v509", "user": "podman-student", "uid": 1001,
            "subuid_start": 100000, "subgid_start": 100000, "state_dir": "/var/lib/podman-course",
            "runtime_dir": "/run/podman-course", "home": "/root"}
HERE = {**RECORDED, "kernel_release": "6.1.0-28-amd64", "user": "pc-portable", "uid": 1002,
        "subuid_start": 165536, "subgid_start": 165536, "state_dir": "/var/tmp/pcp.Ab12",
        "runtime_dir": "/run/pcp-42"}


def sanitize(text: str, hosts=(RECORDED, HERE)) -> str:
    for regex, replace in re.findall(r"^regex: (.*)$\n^replace: (.*)$",
                                     host_values.sanitizer_text(list(hosts)), flags=re.M):
        text = re.sub(regex, replace, text)
    return text


def test_range_regex_matches_exactly_the_range():
    rx = re.compile(rf"(?:{host_values.range_regex(100000, 165535)})")
    for n in (99999, 100000, 100026, 165535, 165536, 1000000):
        assert bool(rx.fullmatch(str(n))) == (100000 <= n <= 165535), n


def test_recorded_and_current_values_mask_alike():
    stored = "podman-student$ podman unshare cat /proc/self/uid_map\n 0 1001 1\n 1 100000 65536\n" \
             "100026:100998 /var/lib/podman-course/sandboxes/x on 6.18.44-fc-v509 /run/podman-course/s"
    fresh = "pc-portable$ podman unshare cat /proc/self/uid_map\n 0 1002 1\n 1 165536 65536\n" \
            "165562:166534 /var/tmp/pcp.Ab12/sandboxes/x on 6.1.0-28-amd64 /run/pcp-42/s"
    assert sanitize(stored) == sanitize(fresh)
    assert "COURSE-USER$" in sanitize(fresh) and "STATE-DIR/sandboxes" in sanitize(fresh)


def test_digits_inside_a_name_are_not_host_values():
    # a sandbox id whose pid or random part looks like a uid or a subordinate id
    for name in ("course04-kernel-3257-123456", "kernel-1001-abcdef", "v1.1001.2"):
        assert sanitize(name) == name


def test_other_numbers_still_compare():
    assert sanitize("port 8000, size 4096") == "port 8000, size 4096"


def test_an_ordinary_user_is_the_course_user_of_their_own_lessons(monkeypatch):
    monkeypatch.setattr(host_values.os, "geteuid", lambda: 4242)  # not root
    me = host_values.current()
    assert (me["user"], me["uid"]) == (pwd.getpwuid(os.getuid()).pw_name, os.getuid())


def test_the_rootless_world_of_root_mode_and_of_user_mode_mask_alike():
    learner = {**HERE, "user": "pcu-a", "state_dir": "/home/pcu-a/.local/share/podman-course",
               "home": "/home/pcu-a"}
    hosts = (RECORDED, learner)
    # the static sections have already turned the sandbox id into SANDBOX-ID
    stored = "podman-student$ podman unshare mkdir -p " \
             "/home/podman-student/.local/share/podman-course/sandboxes/SANDBOX-ID/files/dbdata"
    fresh = "pcu-a$ podman unshare mkdir -p " \
            "/home/pcu-a/.local/share/podman-course/sandboxes/SANDBOX-ID/rootless/files/dbdata"
    assert sanitize(stored, hosts) == sanitize(fresh, hosts) == \
        "COURSE-USER$ podman unshare mkdir -p ROOTLESS-WORLD/files/dbdata"
    # the kernel's own sandbox (not its rootless world) keeps its name
    assert sanitize("/home/pcu-a/.local/share/podman-course/sandboxes/SANDBOX-ID/conf", hosts) == \
        "STATE-DIR/sandboxes/SANDBOX-ID/conf"
