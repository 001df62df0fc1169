"""Removes a kernel's sandbox once the kernel process is gone, even after ``kill -9``.

Started detached by ``Sandbox.activate()``: ``python -m kernel_helpers.reaper ID PID``.
"""

from __future__ import annotations

import sys
import time

from .sandbox import Sandbox, _start_time


def watch(sandbox_id: str, pid: int, interval: float = 1.0) -> None:
    sandbox = Sandbox.for_id(sandbox_id)
    start = _start_time(pid)
    while sandbox.exists() and start is not None and _start_time(pid) == start:
        time.sleep(interval)
    sandbox.remove()


if __name__ == "__main__":
    watch(sys.argv[1], int(sys.argv[2]))
