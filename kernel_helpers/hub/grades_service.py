"""The teacher's view of the grades: a JupyterHub service (STUB, issue 12).

``service_config(python, state)`` returns ``(service, roles)``: the entry for
``c.JupyterHub.services`` and the entries for ``c.JupyterHub.load_roles``. To be filled in.
"""

from __future__ import annotations

from pathlib import Path

from . import SERVICE_NAME


def service_config(python: str, state: Path) -> tuple[dict, list[dict]]:
    return ({"name": SERVICE_NAME, "command": [python, "-m", "kernel_helpers.hub.grades_service"],
             "cwd": str(state)}, [])
