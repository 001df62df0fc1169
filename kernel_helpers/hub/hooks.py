"""What the hub process runs before it starts a learner's server (``Spawner.pre_spawn_hook``).

The generated ``jupyterhub_config.py`` fills ``ENVIRONMENTS``, ``LEARNERS``, ``SOURCE`` and
``PYTHON`` with literals; ``pre_spawn`` then, off the hub's event loop (``prepare``): makes
sure of the learner's account (``/run/user/UID`` is gone after a reboot) and its
memory/pids cgroups (``limits``), clones or pulls
the course as the learner, runs the kit's doctor as them once, and sets the learner's
environment on the spawner. ``hub up`` calls ``prepare`` for every learner too.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from . import accounts, limits

ENVIRONMENTS: dict[str, dict[str, str]] = {}  # login -> the environment of their server
LEARNERS: dict[str, list] = {}                 # login -> [name, role, index]
SOURCE = ""                                    # the checkout the learners clone
PYTHON = ""                                    # the interpreter the learners run


def prepare(learner: accounts.Learner, source: Path, python: str, env: dict[str, str]) -> list[str]:
    """Account, clone (or pull) and kit state of LEARNER: one line per thing done."""
    done = [*accounts.ensure_account(learner), *limits.prepare(learner.login),
            accounts.ensure_course(learner, source)]
    kit = accounts.ensure_kit_state(learner, python, env)
    return done + ([kit] if kit else [])


async def pre_spawn(spawner) -> None:
    login = spawner.user.name
    if login not in LEARNERS:
        raise ValueError(f"{login} is not on the course roster")
    name, role, index = LEARNERS[login]
    done = await asyncio.to_thread(prepare, accounts.Learner(login, name, role, index), Path(SOURCE),
                                   PYTHON, ENVIRONMENTS[login])
    for line in done:
        spawner.log.info("course: %s: %s", login, line)
    spawner.environment = {**spawner.environment, **ENVIRONMENTS[login]}
