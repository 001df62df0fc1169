"""The terminal's shell on the real engine: started as JupyterLab starts it, it lives in the sandbox.

``%podman_terminal`` has the Jupyter server run ``python -m kernel_helpers sandbox shell ID``
as a session leader on a pty; here the same command runs as a session leader on pipes.
"""

from __future__ import annotations

import subprocess
import sys
import time

from kernel_helpers import classroom, paths
from kernel_helpers.terminal import shell_argv

IMAGE = f"{classroom.pull_host()}/busybox:latest"
SCRIPT = """\
podman ps --format 'name={{.Names}}'
echo "prompt=$PS1"
python -m kernel_helpers lab list >/dev/null && echo lab-ok
exit
"""


def _start_shell(sandbox_id: str, stdin=subprocess.PIPE) -> subprocess.Popen:
    return subprocess.Popen(shell_argv(sandbox_id), stdin=stdin, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True,
                            cwd=str(paths.repo_root()))


def test_the_terminals_shell_sees_the_sandboxs_containers(sandbox, classroom_up):
    started = sandbox.podman("run", "-d", "--name", "box", IMAGE, "sleep", "300", timeout=120)
    assert started.returncode == 0, started.stderr
    shell = _start_shell(sandbox.id)
    out, _ = shell.communicate(SCRIPT, timeout=120)
    assert shell.returncode == 0, out
    assert f"This shell lives in sandbox {sandbox.id}" in out
    assert "name=box" in out.splitlines()
    assert f"prompt=(sandbox {sandbox.id}) " in out
    assert "lab-ok" in out  # python -m kernel_helpers lab ... works in that shell


def test_the_terminals_shell_closes_when_its_sandbox_goes(make_sandbox, classroom_up):
    sandbox = make_sandbox()
    shell = _start_shell(sandbox.id)
    shell.stdin.write("sleep 300\n")  # a command in the foreground, as a learner would leave one
    shell.stdin.flush()
    time.sleep(2)
    assert shell.poll() is None
    began = time.monotonic()
    sandbox.remove()
    try:
        shell.wait(timeout=30)
    finally:
        if shell.poll() is None:
            shell.kill()
    assert time.monotonic() - began < 30
    assert shell.stdout.read().startswith(f"This shell lives in sandbox {sandbox.id}")


def test_the_shell_refuses_a_sandbox_that_is_gone():
    done = subprocess.run([sys.executable, "-m", "kernel_helpers", "sandbox", "shell", "kernel-1-abcdef"],
                          capture_output=True, text=True, timeout=60, cwd=str(paths.repo_root()))
    assert done.returncode == 2
    assert "sandbox kernel-1-abcdef is gone" in done.stderr
