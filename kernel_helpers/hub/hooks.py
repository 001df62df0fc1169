"""What the hub process runs before it starts a learner's server (``Spawner.pre_spawn_hook``).

The generated ``jupyterhub_config.py`` fills ``ENVIRONMENTS``, ``LEARNERS`` and ``SOURCE``
with literals; ``pre_spawn`` then, off the hub's event loop: makes sure of the learner's
account (``/run/user/UID`` is gone after a reboot), clones or pulls the course as the
learner, and sets the learner's environment on the spawner.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from . import accounts

ENVIRONMENTS: dict[str, dict[str, str]] = {}  # login -> the environment of their server
LEARNERS: dict[str, list] = {}                 # login -> [name, role, index]
SOURCE = ""                                    # the checkout the learners clone


def _prepare(learner: accounts.Learner) -> list[str]:
    return [*accounts.ensure_account(learner), accounts.ensure_course(learner, Path(SOURCE))]


async def pre_spawn(spawner) -> None:
    login = spawner.user.name
    if login not in LEARNERS:
        raise ValueError(f"{login} is not on the course roster")
    name, role, index = LEARNERS[login]
    done = await asyncio.to_thread(_prepare, accounts.Learner(login, name, role, index))
    for line in done:
        spawner.log.info("course: %s: %s", login, line)
    spawner.environment = {**spawner.environment, **ENVIRONMENTS[login]}
