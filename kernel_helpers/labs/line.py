"""``%lab ...`` and ``python -m kernel_helpers lab ...``: what a line asks, and the answer.

``run_line`` is the magic's whole work (IPython only turns ``UsageError`` into its own);
``main`` is the terminal's: it works in the sandbox its shell lives in
(``$PODMAN_COURSE_SANDBOX``, e.g. after ``eval "$(python -m kernel_helpers sandbox env)"``)
and prints the text views.
"""

from __future__ import annotations

import os
import shlex
import sys

from .. import session
from ..errors import UsageError
from ..i18n import _
from ..sandbox import SANDBOX_ENV, Sandbox
from . import lifecycle, loader

VERBS = ("list", "start", "grade", "finish")
USAGE = "%lab list | start NAME | grade NAME | finish NAME"


def parse(line: str) -> tuple[str, str | None]:
    """(verb, lab name) of a ``%lab`` line; UsageError for anything else."""
    try:
        words = shlex.split(line)
    except ValueError as exc:
        raise UsageError(_("%lab: cannot split the line: {error} (usage: {usage})").format(
            error=exc, usage=USAGE)) from None
    verb, rest = (words[0], words[1:]) if words else ("list", [])
    if verb not in VERBS:
        raise UsageError(_("%lab: unknown action {verb} (usage: {usage})").format(
            verb=repr(verb), usage=USAGE))
    if verb == "list":
        if rest:
            raise UsageError(_("%lab list takes no lab name (usage: {usage})").format(usage=USAGE))
        return verb, None
    if len(rest) != 1:
        raise UsageError(_("%lab {verb} needs one lab name, e.g. %lab {verb} 03-rhel7 "
                           "(%lab list shows them)").format(verb=verb))
    return verb, rest[0]


def run(verb: str, name: str | None, namespace: dict | None = None):
    """The answer of VERB for the lab NAME: a table, a task sheet, a grade or a report.
    NAMESPACE (a notebook's variables): start takes its ports from there when it can."""
    if verb == "list":
        return loader.table()
    if verb == "start":
        return lifecycle.start(name, preferred=namespace)
    return {"grade": lifecycle.grade, "finish": lifecycle.finish}[verb](name)


def run_line(line: str, namespace: dict | None = None):
    """What ``%lab LINE`` shows (and returns). Raises UsageError, one line, for a bad line."""
    return run(*parse(line), namespace=namespace)


def _adopt_shell_sandbox() -> None:
    """Work in the sandbox this shell lives in; UsageError when it lives in none."""
    sandbox_id = os.environ.get(SANDBOX_ENV, "")
    sandbox = Sandbox.for_id(sandbox_id) if sandbox_id else None
    if sandbox is None or not sandbox.exists():
        raise UsageError(f"lab: this shell lives in no sandbox (${SANDBOX_ENV} is "
                         f"{sandbox_id or 'unset'}): run eval \"$(python -m kernel_helpers sandbox env)\" "
                         "first, or use a notebook's terminal")
    session.adopt(sandbox)  # the shell's sandbox is this process's world (no new one)


def main(verb: str, name: str | None) -> int:
    """``python -m kernel_helpers lab VERB [NAME]``: 0 on success (a grade: all checks pass)."""
    try:
        parse(" ".join([verb] + ([shlex.quote(name)] if name else [])))
        if verb != "list":
            _adopt_shell_sandbox()
        answer = run(verb, name)
    except UsageError as exc:
        print(f"error: {str(exc).replace('%lab', 'lab')}", file=sys.stderr)
        return 2
    print(answer.to_string(index=False) if verb == "list" else answer.to_text())
    return 1 if verb == "grade" and not answer.passed else 0
