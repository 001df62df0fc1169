"""systemd units for containers: generate them, check them with systemd, compare them.

``podman generate systemd`` writes a unit that manages one container. Without
``--new`` the unit starts and stops an *existing* container (``podman start`` /
``podman stop``); with ``--new`` it creates a fresh container at every start and
removes it at every stop (``podman run --rm --replace`` / ``podman rm``), so the unit
file alone is enough to rebuild the service on another machine.

``verify`` runs ``systemd-analyze verify`` (real systemd code, no systemd PID 1 needed)
on a unit's text.

Usage:
    text = generate("myweb", new=True)        # the unit, as podman wrote it
    verify(text, "container-myweb.service")   # CommandResult: exit 0 and no output = valid
    print(diff(generate("myweb"), text))      # what --new changes

Examples:
    sections(text)                            # DataFrame: section, key, value
"""

from __future__ import annotations

import difflib
import re
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from . import process
from .errors import ToolMissing
from .results import CommandResult


def unit_name(container: str) -> str:
    """The file name podman gives a container's unit: ``container-NAME.service``."""
    return f"container-{container}.service"


def generate_args(container: str, new: bool = False, header: bool = True) -> list[str]:
    """podman's arguments for the unit of CONTAINER (the same with or without --files)."""
    return ["generate", "systemd", "--name", *(["--new"] if new else []),
            *([] if header else ["--no-header"]), container]


def generate(container: str, new: bool = False, env: dict | None = None, rootless: bool = False,
             header: bool = True) -> str:
    """The unit text ``podman generate systemd --name [--new] CONTAINER`` writes."""
    from .namespaces import podman_output  # the kernel's sandbox, or its rootless world
    return podman_output(generate_args(container, new, header), env, rootless)


def verify(text: str, name: str) -> CommandResult:
    """``systemd-analyze verify --man=no NAME`` on TEXT, in a scratch folder."""
    if shutil.which("systemd-analyze") is None:
        raise ToolMissing("systemd-analyze", "apt-get install systemd")
    with tempfile.TemporaryDirectory(prefix="kh-unit-") as folder:
        (Path(folder) / name).write_text(text)
        done = process.run(["systemd-analyze", "verify", "--man=no", f"./{name}"], cwd=folder,
                           timeout=60)
    return CommandResult.from_completed(done, shown_argv=["systemd-analyze", "verify", "--man=no", name],
                                        stderr=done.stderr.replace(f"{folder}/", ""))


def without_header(text: str) -> str:
    """TEXT without podman's leading comment block (unit name, podman version, date)."""
    lines = text.splitlines(keepends=True)
    while lines and lines[0].startswith("#"):
        lines.pop(0)
    return "".join(lines).lstrip("\n")


def diff(old: str, new: str, old_name: str = "without --new", new_name: str = "with --new") -> str:
    """A unified diff of two units, headers left out (``-``: only in OLD, ``+``: only in NEW)."""
    return "".join(difflib.unified_diff(without_header(old).splitlines(keepends=True),
                                        without_header(new).splitlines(keepends=True),
                                        fromfile=old_name, tofile=new_name, n=1))


_CONTINUED = re.compile(r"\\\n\s*")


def sections(text: str) -> pd.DataFrame:
    """The unit as a table: one row per setting (continuation lines joined)."""
    rows, section = [], ""
    for line in _CONTINUED.sub(" ", text).splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
        elif "=" in line:
            key, value = line.split("=", 1)
            rows.append({"section": section, "key": key, "value": re.sub(r"\s+", " ", value)})
    return pd.DataFrame(rows, columns=["section", "key", "value"])
