"""What each learner of the hub classroom gets: a port block with the notes' ports in it, limits.

``learner_environment(index, login)`` is the environment the hub sets in learner INDEX's
single-user server (so in its kernels); ``spawner_settings()`` the spawner traits for limits.
The hub's config (``config.py``) calls both; the limits themselves are ``limits``'s
(``limits.prepare(login)`` belongs in the hub's pre-spawn, as root).

Ports (README "Ports in a classroom"): learner INDEX owns ``port_block(INDEX)``, 100 ports
from 10000 + 100 * INDEX. The notes' ports map into it by their last two digits
(8000 -> 10000, 3306 -> 10006, 8080 -> 10080 for learner 0): ``$PODMAN_COURSE_PORT_MAP``,
applied by the kernel side (``portmap``). Leases (``ports``) come from the rest of the block,
``$PODMAN_COURSE_PORT_POOL``. Ports below 1024 are never mapped: the rootless lessons show
that an ordinary user cannot publish them.
"""

from __future__ import annotations

from ..portmap import MAP_ENV, format_map
from ..ports import POOL_ENV
from . import limits

BLOCK = 100          # ports per learner
# Below Linux's ephemeral range (ip_local_port_range 32768-60999 here), where any outgoing
# connection may hold a port for a while, and below the kit's default pool (20000-29999):
# 10000-19999 is 100 learners' blocks.
FIRST = 10000        # learner 0's block starts here
LAST = 19999
#: the host ports the notes and the labs publish (04: 8000, 3306, 8080; 06: 8080, 3306)
NOTES_PORTS = (8000, 3306, 8080)


def port_block(index: int) -> range:
    """Learner INDEX's ports (INDEX counts from 0); ValueError past the last port."""
    low = FIRST + index * BLOCK
    if index < 0 or low + BLOCK - 1 > LAST:
        raise ValueError(f"no port block for learner {index}: blocks of {BLOCK} from {FIRST} "
                         f"hold {(LAST + 1 - FIRST) // BLOCK} learners")
    return range(low, low + BLOCK)


def notes_map(index: int) -> dict[int, int]:
    """Notes port -> learner INDEX's port: the block's port with the same last two digits."""
    block = port_block(index)
    mapping = {port: block.start + port % BLOCK for port in NOTES_PORTS}
    assert len(set(mapping.values())) == len(mapping), mapping  # NOTES_PORTS' digits differ
    return mapping


def learner_environment(index: int, login: str) -> dict[str, str]:
    """The variables learner INDEX's server and kernels get (LOGIN: the learner's account)."""
    block = port_block(index)
    return {POOL_ENV: f"{block.start}-{block.stop - 1}", MAP_ENV: format_map(notes_map(index))}


def spawner_settings() -> dict:
    """The spawner traits for limits per learner (``limits``: cgroup v1 memory and pids)."""
    return limits.spawner_settings()
