"""A removal podman cannot finish keeps the sandbox: its running containers keep their ports."""

from __future__ import annotations

import os
import shutil

import pytest

from kernel_helpers import classroom, ports, sandbox
from kernel_helpers.errors import PortBusy
from kernel_helpers.sandbox import Sandbox

IMAGE = f"{classroom.pull_host()}/busybox:latest"
FAILING_RM = """#!/bin/bash
# podman whose `rm -af` and `pod rm -af` fail, as when storage is busy
case " $* " in *" rm -af "*) echo "Error: simulated: device or resource busy" >&2; exit 125 ;; esac
exec {podman} "$@"
"""


def test_a_failed_removal_keeps_ports_of_running_containers(classroom_up, tmp_path, monkeypatch):
    real = shutil.which("podman")
    sb = Sandbox.create(kind="test")
    try:
        port = sb.lease_ports(1)[0]
        sb.podman("run", "-d", "--name", "web", "-p", f"{port}:8080", IMAGE, "sleep", "300", check=True)
        wrapper = tmp_path / "bin" / "podman"
        wrapper.parent.mkdir()
        wrapper.write_text(FAILING_RM.format(podman=real))
        wrapper.chmod(0o755)
        with monkeypatch.context() as patched:
            patched.setenv("PATH", f"{wrapper.parent}{os.pathsep}{os.environ['PATH']}")
            lines = sb.remove()
        assert any("simulated: device or resource busy" in line for line in lines), lines
        assert any("containers still there" in line for line in lines), lines
        assert sb.dir.is_dir() and sandbox.is_kept(sb.id)
        assert ports.holder(port) == sb.id
        assert sb.podman("ps", "-q", "--filter", "name=web").stdout.strip()  # still running
        with pytest.raises(PortBusy):  # its owner (this test) is alive
            ports.claim(port, "test-someone-else")
        with pytest.raises(PortBusy, match="still bound"):  # as if the owner had died
            ports.claim(port, "test-someone-else", alive=lambda owner: False)
        lines = sb.remove()  # podman works again: everything goes
        assert f"released ports [{port}]" in lines
        assert not sb.dir.exists() and ports.holder(port) is None
    finally:
        sb.remove()
