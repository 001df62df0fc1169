"""What each learner of the hub classroom gets: a port block, limits (STUB, issue 12).

``learner_environment(index, login)`` is the environment the hub sets in learner INDEX's
single-user server (so in its kernels); ``spawner_settings()`` the spawner traits for limits.
The hub's config (``config.py``) calls both. To be filled in by the ports/limits work.
"""

from __future__ import annotations

BLOCK = 100          # ports per learner
FIRST = 40000        # learner 0's block starts here


def port_block(index: int) -> range:
    low = FIRST + index * BLOCK
    return range(low, low + BLOCK)


def learner_environment(index: int, login: str) -> dict[str, str]:
    block = port_block(index)
    return {"PODMAN_COURSE_PORT_POOL": f"{block.start}-{block.stop - 1}"}


def spawner_settings() -> dict:
    return {}
