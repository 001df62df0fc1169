"""Limits on the real engine: a runaway cell, container logs and pids, the disk floor, the notes verbatim."""

from __future__ import annotations

import os
import resource
import time
from pathlib import Path

import pytest

from kernel_helpers import classroom, engine, output, runner

UBI = f"{classroom.pull_host()}/ubi8/ubi:latest"
CGROUP_V2 = Path("/sys/fs/cgroup/cgroup.controllers").exists()  # rootless limits need it


def podman(shell, line):
    return shell.run_line_magic("podman", line)


def test_yes_in_a_cell_is_capped_stopped_and_leaves_the_kernel_flat(shell):
    podman(shell, f"pull -q {UBI}").check()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.monotonic()
    result = podman(shell, f"run --rm --name runaway {UBI} yes")
    seconds = time.monotonic() - start
    growth_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert seconds < 60, seconds
    assert growth_mb < 100, growth_mb
    assert not result.ok and not result.timed_out
    assert "stopped after more than 64 MiB of output on stdout" in result.note
    assert len(result.stdout.encode()) < output.HEAD_BYTES + output.TAIL_BYTES + 100
    assert "bytes left out" in result.to_text()
    assert result.stdout.startswith("y\ny\n")
    deadline = time.monotonic() + 20  # --rm: podman removes it once yes has stopped
    while time.monotonic() < deadline and podman(shell, "ps -a --format {{.Names}}").stdout.strip():
        time.sleep(0.5)
    assert podman(shell, "ps -a --format {{.Names}}").stdout.strip() == ""
    print(f"\nyes in a cell: stopped in {seconds:.2f} s, kept {len(result.stdout.encode())} bytes, "
          f"kernel peak RSS +{growth_mb:.1f} MB")


def test_a_detached_yes_cannot_grow_its_log_past_log_size_max(shell):
    podman(shell, f"run -d --name chatty {UBI} yes").check()
    path = podman(shell, "inspect --format {{.HostConfig.LogConfig.Path}} chatty").check().stdout.strip()
    time.sleep(3)
    biggest = 0
    for _ in range(20):
        biggest = max(biggest, os.path.getsize(path))
        time.sleep(0.1)
    assert 0 < biggest <= engine.CONTAINER_LIMITS["log_size_max"]
    limits = podman(shell, "inspect --format {{.HostConfig.PidsLimit}} chatty").check()
    podman(shell, "rm -f -t 0 chatty").check()
    print(f"\ndetached yes: biggest log file {biggest} bytes")
    if os.geteuid() != 0 and not CGROUP_V2:
        pytest.skip("pids_limit: rootless podman on cgroups v1 has no pids controller "
                    f"(PidsLimit {limits.stdout.strip()}); the log cap was checked")
    assert limits.stdout.strip() == str(engine.CONTAINER_LIMITS["pids_limit"])


def test_no_container_starts_below_the_disk_floor(shell, monkeypatch):
    monkeypatch.setenv(runner.MIN_FREE_ENV, str(10**12))
    result = podman(shell, f"run --rm {UBI} true")
    assert result.returncode == -1 and result.stderr.startswith("not run: only ")
    assert podman(shell, "ps -a --format {{.Names}}").ok  # listing still runs


def test_the_notes_search_and_inspect_verbatim(shell):
    found = podman(shell, "search registry.redhat.io/rhel8")
    assert found.ok, found.stderr
    assert f"{classroom.pull_host()}/rhel8/httpd-24" in set(found.df["Name"])
    assert found.command_line == "podman search registry.redhat.io/rhel8"
    assert f"registry.redhat.io is remapped to {classroom.pull_host()}" in found.note
    inspected = shell.run_line_magic("skopeo", "inspect docker://registry.redhat.io/rhel8/httpd-24")
    assert inspected.ok, inspected.stderr
    assert inspected.df is not None
    tags = shell.run_line_magic("skopeo", "list-tags docker://registry.redhat.io/rhel8/httpd-24")
    assert tags.ok and "1-105" in tags.stdout


def test_images_format_json_still_has_a_table(shell):
    podman(shell, f"pull -q {UBI}").check()
    result = podman(shell, "images --format json")
    assert result.ok and result.stdout.lstrip().startswith("[")
    assert result.df is not None and f"{classroom.pull_host()}/ubi8/ubi" in set(result.df["Repository"])
