"""The lab format: what a lab is (``Lab``, its ``Step``s, ``Check``s and ``Cleanup``).

A lab file (TOML, read by ``reader``) names its lab (the file's own name), the notebook it
belongs to, a title, an estimated time, the task in plain words, 2-3 progressive hints,
what ``start`` prepares (``[setup]``), the solution, a typical wrong attempt and the
check(s) it must fail, extra names ``finish`` removes (``[cleanup]``) and the checks
(``[[checks]]``). ``docs.FORMAT`` shows a whole file. Any text may use ``{VARIABLE}``s:
the built-in ones (``BUILTINS``), the lab's ``[variables]`` and its ``[ports]`` (host
ports leased at start); ``Lab.bind`` fills them in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from pathlib import Path

from ..errors import UsageError
from ..i18n import N_
from . import checks_engine, checks_host, checks_service, checks_units  # noqa: F401 (they fill kinds.REGISTRY)
from .kinds import REGISTRY

#: Variables every lab may use; their values come from the kernel's sandbox at start.
BUILTINS = {  # name -> what it is (N_: the %lab help shows it in the learner's language)
    "SANDBOX": N_("this kernel's sandbox id (unique on this host: use it in names others could take)"),
    "PULL": N_("the classroom's read-only endpoint, localhost:5000"),
    "PUSH": N_("the classroom's push endpoint (course login), localhost:5001"),
    "COURSE_USER": N_("the course login's user, student"),
    "COURSE_PASSWORD": N_("the course login's password, redhat123"),
    "FILES": N_("a host folder of the lab's world for the learner's own directories (a rootless "
                "lab's: the course user's; removed with the sandbox)"),
    "SYSTEMD_HOST": N_("the name of the systemd host a lab with [setup] systemd_host = true boots, "
                       "lab-systemd-host"),
}
PLACEHOLDER = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)\}(?!\})")
NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
STEP_TOOLS = ("podman", "skopeo", "shell")
CHECK_KEYS = ("id", "kind", "hint", "label")
CLEANUP_KEYS = ("containers", "images", "volumes", "networks", "repositories", "logout", "paths")
TOP_KEYS = {"name", "notebook", "title", "minutes", "rootless", "task", "hints", "variables",
            "ports", "setup", "solution", "wrong", "cleanup", "checks"}


class LabError(UsageError):
    """A lab cannot be listed, started, graded or finished as asked (one line)."""


class LabFileError(LabError):
    """A lab file that does not follow the format: names the file and the field."""


@dataclass(frozen=True)
class Step:
    """One command of a set-up, solution or wrong attempt: a ``%podman``/``%skopeo`` line
    (with ``input``: the cell body) or a shell line."""

    tool: str
    line: str
    input: str | None = None

    def shown(self) -> str:
        if self.tool == "shell":
            return f"!{self.line}"
        return f"%{'%' if self.input is not None else ''}{self.tool} {self.line}"


@dataclass(frozen=True)
class Check:
    id: str
    kind: str
    params: dict
    hint: str
    label: str = ""

    def describe(self) -> str:
        return self.label or REGISTRY[self.kind].describe(self.params)


@dataclass(frozen=True)
class Cleanup:
    containers: tuple[str, ...] = ()
    images: tuple[str, ...] = ()
    volumes: tuple[str, ...] = ()
    networks: tuple[str, ...] = ()  # shared by every sandbox: only these are ever removed
    repositories: tuple[str, ...] = ()  # in the push registry: every tag is deleted
    logout: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()  # host folders under {FILES}, removed with what they hold


@dataclass(frozen=True)
class Lab:
    name: str
    notebook: str
    title: str
    minutes: int
    task: str
    hints: tuple[str, ...]
    checks: tuple[Check, ...]
    solution: tuple[Step, ...]
    wrong_what: str
    wrong_steps: tuple[Step, ...]
    wrong_fails: tuple[str, ...]
    rootless: bool = False
    variables: tuple[tuple[str, str], ...] = ()
    ports: tuple[tuple[str, int], ...] = ()
    setup_pull: tuple[str, ...] = ()
    setup_steps: tuple[Step, ...] = ()
    systemd_host: bool = False  # start boots the kit's systemd host, {SYSTEMD_HOST}
    cleanup: Cleanup = Cleanup()
    source: Path | None = None

    def check(self, check_id: str) -> Check:
        return next(c for c in self.checks if c.id == check_id)

    def bind(self, values: dict) -> Lab:
        """This lab with every ``{VARIABLE}`` replaced by its value (VALUES: name -> value)."""
        return _expanded(self, {**dict(self.variables), **values})


def expand(text: str, values: dict) -> str:
    """TEXT with ``{NAME}`` replaced by VALUES[NAME]; ``{{...}}`` (Go templates) left alone."""
    return PLACEHOLDER.sub(lambda m: str(values[m[1]]) if m[1] in values else m[0], text)


def _expanded(obj, values: dict):
    if isinstance(obj, str):
        return expand(obj, values)
    if isinstance(obj, tuple):
        return tuple(_expanded(item, values) for item in obj)
    if isinstance(obj, dict):
        return {key: _expanded(value, values) for key, value in obj.items()}
    if isinstance(obj, (Step, Check, Cleanup, Lab)):
        skip = {"source", "variables", "ports"}
        changes = {f.name: _expanded(getattr(obj, f.name), values) for f in fields(obj)
                   if f.name not in skip}
        if isinstance(obj, Check):
            changes["params"] = _typed(obj, changes["params"])
        return replace(obj, **changes)
    return obj


def _typed(check: Check, params: dict) -> dict:
    """Params whose declared type is int, given as ``"{PORT}"``, made ints once expanded."""
    specs = REGISTRY[check.kind].params
    return {key: int(value) if specs[key].type is int and isinstance(value, str) else value
            for key, value in params.items()}

def texts(obj):
    """Every string in OBJ (a lab, or a part of one), the file's path left out."""
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, (tuple, list)):
        for item in obj:
            yield from texts(item)
    elif isinstance(obj, dict):
        yield from texts(list(obj.values()))
    elif isinstance(obj, (Step, Check, Cleanup, Lab)):
        for f in fields(obj):
            if f.name != "source":
                yield from texts(getattr(obj, f.name))
