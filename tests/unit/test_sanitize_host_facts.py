"""nbval's sanitizers for host facts: the outputs of a cgroups v1 hybrid VM (runc) and of a
nested machine (crun works) compare equal, and a change elsewhere in the output still shows.

The two doctor reports are the ones the kit wrote on each kind of machine (rows trimmed to
what varies); the outputs are rendered the way the notebook kernel renders them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from kernel_helpers.doctor import Check, Report

CFG = Path(__file__).resolve().parents[2] / "tests" / "nbval-sanitize.cfg"
CONF = "/var/lib/podman-course/containers.conf"
ULIMITS = "nofile=20000:20000 nproc=4096:4096"
COMMON = [
    ("podman", "ok", "podman 4.3.1", ""),
    ("skopeo", "ok", "skopeo version 1.9.3", ""),
]
TAIL = [
    ("rootless user", "ok", "podman-student (subuids, /dev/net/tun 0666, slirp4netns)", ""),
    ("SELinux", "info", "off (not in this kernel)", ":Z is accepted and does nothing here"),
    ("free disk", "ok", "75.4 GiB free under /var/lib/podman-course", ""),
    ("classroom", "ok", "up at http://localhost:5000 (pull) and http://localhost:5001 (push, login)", ""),
]
VM = [
    ("container can start", "fixed", f"yes, with runtime=runc, ulimits={ULIMITS}",
     f"kit-owned {CONF} sets runtime=runc, ulimits={ULIMITS}"),
    ("runtime crun", "warn", "fails: Error: OCI runtime error: crun: cgroups in hybrid mode not supported, "
     "drop all controllers from cgroupv2", ""),
    ("runtime runc", "ok", "works", "the kit uses runc"),
    ("default ulimits", "fixed", "not permitted: Error: runc: runc create failed: unable to start container "
     "process: error during container init: error setting",
     f"explicit default_ulimits ({ULIMITS}) in the kit's containers.conf"),
    ("cgroups", "info", "v1 (hybrid: v2 mounted at /sys/fs/cgroup/unified)",
     "crun refuses hybrid mode; runc works"),
]
NESTED = [
    ("container can start", "fixed", f"yes, with ulimits={ULIMITS}",
     f"kit-owned {CONF} sets ulimits={ULIMITS}"),
    ("runtime crun", "ok", "works", ""),
    ("runtime runc", "ok", "works", ""),
    ("default ulimits", "fixed", "not permitted: Error: crun: setrlimit `RLIMIT_NOFILE`: Operation not "
     "permitted: OCI permission denied",
     f"explicit default_ulimits ({ULIMITS}) in the kit's containers.conf"),
    ("cgroups", "info", "v1", ""),
]


def sanitize(text: str) -> str:
    """What nbval does with --nbval-sanitize-with (same pattern syntax, same order)."""
    pairs = re.findall(r"^regex: (.*)$\n^replace: (.*)$", CFG.read_text(), flags=re.MULTILINE)
    for regex, replace in pairs:
        text = re.sub(regex, replace, text)
    return text


def rendered(frame: pd.DataFrame) -> dict[str, str]:
    with pd.option_context("display.max_colwidth", 200, "display.expand_frame_repr", False):
        return {"text/html": frame._repr_html_(), "text/plain": repr(frame)}


def doctor_output(rows) -> dict[str, str]:
    return rendered(Report(checks=[Check(*row) for row in COMMON + rows + TAIL]).frame())


@pytest.mark.parametrize("mime", ["text/html", "text/plain"])
def test_doctor_tables_of_both_machines_compare_equal(mime):
    vm, nested = doctor_output(VM)[mime], doctor_output(NESTED)[mime]
    assert vm != nested
    assert sanitize(vm) == sanitize(nested)
    assert "HOST-FACT" in sanitize(vm) and "skopeoversion1.9.3" in sanitize(vm)  # blanks are removed last


@pytest.mark.parametrize("mime", ["text/html", "text/plain"])
def test_doctor_rows_that_do_not_depend_on_the_host_are_still_compared(mime):
    broken = [row if row[0] != "default ulimits" else (row[0], "fail", *row[2:]) for row in NESTED]
    assert sanitize(doctor_output(VM)[mime]) != sanitize(doctor_output(broken)[mime])
    down = TAIL[:-1] + [("classroom", "warn", "down", "python -m kernel_helpers classroom up")]
    frame = Report(checks=[Check(*row) for row in COMMON + NESTED + down]).frame()
    assert sanitize(doctor_output(VM)[mime]) != sanitize(rendered(frame)[mime])


@pytest.mark.parametrize("mime", ["text/html", "text/plain"])
def test_podman_info_runtime_is_masked_only_in_its_row(mime):
    def info(runtime, graph_root="/var/lib/podman-course/sandboxes/kernel-1-abcdef/storage"):
        return rendered(pd.DataFrame({"Key": ["OCI runtime", "Graph root"], "Value": [runtime, graph_root]},
                                     index=[8, 13]))[mime]
    assert sanitize(info("runc")) == sanitize(info("crun"))
    assert sanitize(info("runc")) != sanitize(info("runc", "/var/lib/containers/storage"))


def test_memory_source_line_is_masked_for_both_ways_of_measuring():
    stats = "memory measured with: podman stats\ncontainers measured: 5\n"
    cgroups = ("memory measured with: the containers' memory cgroups (podman stats failed here: exit status "
               "125, Error: unable to load cgroup at /libpod_parent/libpod-1/libpod_parent/libpod-2: "
               "cgroup deleted)\ncontainers measured: 5\n")
    nothing = ("memory measured with: nothing: no memory cgroup found (podman stats failed here: exit "
               "status 125, Error: x)\ncontainers measured: 5\n")
    assert sanitize(stats) == sanitize(cgroups)
    assert sanitize(stats) != sanitize(nothing)


def test_rootless_shared_mount_warning_is_removed_and_nothing_else():
    import configparser
    import re
    from pathlib import Path
    cfg = configparser.ConfigParser(interpolation=None)
    cfg.read(Path(__file__).resolve().parents[1] / "nbval-sanitize.cfg")
    rules = [(re.compile(cfg[s]["regex"]), cfg[s]["replace"]) for s in cfg.sections() if "shared_mount" in s]
    fresh = ('$ podman pull -q ubi\nWarning: "/" is not a shared mount, this could cause issues or missing '
             'mounts with rootless containers\nID\ntime="2026-12-01T21:34:11Z" level=warning msg="\\"/\\" is '
             'not a shared mount, this could cause issues or missing mounts with rootless containers"\n')
    for rx, rep in rules:
        fresh = rx.sub(rep, fresh)
    assert fresh == "$ podman pull -q ubi\nID\n"
    last = '$ podman version\nVersion: 4.3.1\nWarning: "/" is not a shared mount, this could cause ' \
           'issues or missing mounts with rootless containers'
    for rx, rep in rules:
        last = rx.sub(rep, last)
    assert last == "$ podman version\nVersion: 4.3.1"
