"""Output arrives in the cell while the command runs, in a real kernel (jupyter_client).

An interactive front end (JupyterLab sends ``allow_stdin=True``) sees a live view that
is emptied at the end; a batch executor (papermill, nbval: ``allow_stdin=False``) sees
only the final result.
"""

from __future__ import annotations

import queue
import time

import pytest
from jupyter_client.manager import start_new_kernel

KERNEL = "podman-course"
COMMAND = "%podman run --rm ubi8/ubi sh -c 'echo a; sleep 3; echo b'"

# rootless podman on a host whose / is not a shared mount warns on every command; the test is
# about the command's own lines (nbval's sanitizer drops the same warning)
SHARED_MOUNT_WARNING = 'Warning: "/" is not a shared mount'


def podman_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if not line.startswith(SHARED_MOUNT_WARNING)]


@pytest.fixture(scope="module")
def kernel(classroom_up):
    manager, client = start_new_kernel(kernel_name=KERNEL, startup_timeout=120)
    try:
        reply = client.execute_interactive("%load_ext kernel_helpers", timeout=120)
        assert reply["content"]["status"] == "ok", reply
        yield client
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def run_cell(client, code: str, allow_stdin: bool) -> tuple[list[tuple[float, dict]], float]:
    """Execute ``code``; its iopub messages with their arrival times, and when it ended."""
    msg_id = client.execute(code, allow_stdin=allow_stdin)
    got = []
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            msg = client.get_iopub_msg(timeout=1)
        except queue.Empty:
            continue
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        now = time.monotonic()
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return got, now
        got.append((now, msg))
    pytest.fail(f"{code!r} did not finish in 180 s")


def displays(messages):
    return [(t, m) for t, m in messages if m["msg_type"] in ("display_data", "update_display_data")]


def result_text(messages) -> str:
    results = [m for _, m in messages if m["msg_type"] == "execute_result"]
    assert len(results) == 1, [m["msg_type"] for _, m in messages]
    return results[0]["content"]["data"]["text/plain"]


def test_output_arrives_while_the_command_runs(kernel):
    messages, ended = run_cell(kernel, COMMAND, allow_stdin=True)
    shown = displays(messages)
    first_a = next(t for t, m in shown if "a" in m["content"]["data"].get("text/plain", "").splitlines())
    assert ended - first_a >= 2.0, f"'a' was shown only {ended - first_a:.1f} s before the end"
    assert not any("b" in m["content"]["data"].get("text/plain", "").splitlines()[1:2] for _, m in shown
                   if m["msg_type"] == "display_data")
    assert shown[-1][1]["content"]["data"] == {"text/plain": ""}  # the live view is emptied
    lines = podman_lines(result_text(messages))
    assert lines[0].startswith("$ podman run --rm ubi8/ubi") and lines[1:] == ["a", "b"]


def test_a_batch_executor_sees_only_the_final_result(kernel):
    messages, _ = run_cell(kernel, COMMAND, allow_stdin=False)
    assert displays(messages) == []
    assert podman_lines(result_text(messages))[1:] == ["a", "b"]
