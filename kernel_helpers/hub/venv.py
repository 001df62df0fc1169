"""The Python the learners run: the course venv, or a thin venv over it they can execute.

The course venv (``.venv`` of the checkout, root-owned) holds JupyterLab, the single-user
server and the kit. A learner can run it only if every folder up to its interpreter is
open to others. On a machine whose venv was made from root's own Python (pyenv under
``/root``, mode 0700) it is not: then the hub makes a *thin venv* in its state
(``state_dir()/hub-venv``, root-owned, world-readable) from the system's ``/usr/bin/python3``
of the same minor version, whose one ``.pth`` line adds the course venv's site-packages.
Its own ``podman-course`` kernel spec starts kernels with that interpreter; JupyterLab's
assets still come from the course venv (``JUPYTERLAB_DIR``, ``JUPYTER_PATH``). Where the
course venv's own folders are closed too (a checkout in root's home), the thin venv sits on a
world-readable copy of its packages and Jupyter data (``published.venv_copy``).

Usage:
    lp = learner_python()          # LearnerPython(python=..., env={...})
"""

from __future__ import annotations

import json
import os
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .. import paths, process
from ..errors import KitError
from . import published

KERNEL = "podman-course"
SYSTEM_PYTHON = Path("/usr/bin/python3")


@dataclass(frozen=True)
class LearnerPython:
    python: Path  # the interpreter the learners' servers and kernels run
    env: dict[str, str] = field(default_factory=dict)  # what the learner's server needs for it


def course_venv() -> Path:
    return Path(sys.prefix)


def others_can_run(path: Path) -> bool:
    """True if a user who is neither owner nor in the group can execute PATH."""
    return published.open_to_others(path) and bool(os.stat(path.resolve()).st_mode & stat.S_IXOTH)


def _site_packages(prefix: Path) -> Path:
    return prefix / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" / "site-packages"


def _thin_venv(venv: Path, site_packages: Path) -> Path:
    python = venv / "bin" / "python3"
    if not python.exists():
        process.run([str(SYSTEM_PYTHON), "-m", "venv", "--without-pip", str(venv)],
                    timeout=120, check=True)
    version = process.run([str(python), "-c", "import sys; print(sys.version_info[:2])"],
                          timeout=30, check=True).stdout.strip()
    if version != str(tuple(sys.version_info[:2])):
        raise KitError(f"{SYSTEM_PYTHON} is Python {version}, the course venv {tuple(sys.version_info[:2])}: "
                       "learners cannot share its packages (rebuild the venv with PYTHON=/usr/bin/python3)")
    site = _site_packages(venv)
    paths.atomic_write(site / "course-venv.pth",
                       f"import site; site.addsitedir({str(site_packages)!r})\n")
    spec = {"argv": [str(python), "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f",
                     "{connection_file}"],
            "display_name": "Podman course", "language": "python",
            "metadata": {"debugger": True}}
    paths.atomic_write(venv / "share" / "jupyter" / "kernels" / KERNEL / "kernel.json",
                       json.dumps(spec, indent=1) + "\n")
    published.open_for_reading(venv)  # root's umask may be narrow
    return python


def learner_python(state: Path | None = None) -> LearnerPython:
    """The interpreter (and environment) learners run; a thin venv when the course venv is closed."""
    base = course_venv()
    python = base / "bin" / "python3"
    if others_can_run(python) and published.open_to_others(_site_packages(base)):
        return LearnerPython(python, {"PATH": f"{base / 'bin'}:/usr/local/bin:/usr/bin:/bin"})
    if not others_can_run(SYSTEM_PYTHON):
        raise KitError(f"learners cannot run {python.resolve()} (a folder above it is closed) "
                       f"and there is no {SYSTEM_PYTHON}: build the venv with a system Python")
    state = state or paths.state_dir()
    site, data = _site_packages(base), base / "share" / "jupyter"
    if not published.open_to_others(site):  # the venv itself is closed: learners get a copy
        copy = published.venv_copy(base, site, state)
        site, data = copy / "site-packages", copy / "share" / "jupyter"
    venv = state / "hub-venv"
    thin = _thin_venv(venv, site)
    return LearnerPython(thin, {"PATH": f"{venv / 'bin'}:/usr/local/bin:/usr/bin:/bin",
                                "JUPYTER_PATH": f"{venv / 'share' / 'jupyter'}:{data}",
                                "JUPYTERLAB_DIR": str(data / "lab")})
