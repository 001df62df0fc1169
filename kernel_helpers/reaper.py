"""Removes a kernel's sandbox once the kernel process is gone, even after ``kill -9``.

Started detached by ``Sandbox.activate()``: ``python -m kernel_helpers.reaper ID PID``.
If podman cannot remove the containers, the reaper tries again a few times; after
that the sandbox stays (with its port leases) for ``python -m kernel_helpers clean``.
"""

from __future__ import annotations

import sys
import time

from . import procinfo
from .sandbox import Sandbox

RETRIES = (5.0, 30.0, 120.0)  # seconds to wait before each new attempt


def watch(sandbox_id: str, pid: int, interval: float = 1.0, retries=RETRIES) -> None:
    sandbox = Sandbox.for_id(sandbox_id)
    start = procinfo.start_time(pid)
    while sandbox.exists() and start is not None and procinfo.start_time(pid) == start:
        time.sleep(interval)
    sandbox.remove()
    for pause in retries:
        if not sandbox.dir.exists():
            return
        time.sleep(pause)
        sandbox.remove()


if __name__ == "__main__":
    watch(sys.argv[1], int(sys.argv[2]))
