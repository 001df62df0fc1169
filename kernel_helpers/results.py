"""What a command left behind, and how a notebook shows it.

``CommandResult`` holds one finished command: what ran, what the learner typed,
its outputs, the parsed table (if any), a hint for known errors and a note. Its
HTML and plain-text views are deterministic (no ids, no durations), so papermill
and nbval store the same text for the same output.
"""

from __future__ import annotations

import html
import os
import re
import shlex
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from .errors import CommandFailed
from .i18n import N_, _

if TYPE_CHECKING:
    from .output import Completed

NO_ROWS = N_("(no rows)")
NOT_RUN = -1  # the exit status of a command the kit did not start
SKIPPED = "skipped:"  # how a root-only step this mode cannot run starts its one line
_LOGRUS = re.compile(r'^time="[^"]*" level=(?P<level>\w+) msg="(?P<msg>(?:[^"\\]|\\.)*)"\s*$')
_LEVELS = {"warning": "Warning", "warn": "Warning", "error": "Error", "fatal": "Error",
           "info": "Info", "debug": "Debug"}

STYLE_CMD = "font-family:monospace;font-weight:bold;margin:0 0 4px 0"
STYLE_ERR = ("border-left:4px solid #c0392b;background:#fdecea;padding:4px 8px;margin:4px 0;"
             "font-family:monospace;white-space:pre-wrap")
STYLE_STDERR = "color:#666;margin:2px 0"


def tidy_stderr(text: str) -> str:
    """podman's log lines without their timestamp: ``Warning: ...`` (deterministic)."""
    lines = []
    for line in (text or "").splitlines():
        match = _LOGRUS.match(line)
        if match:
            msg = match["msg"].replace('\\"', '"').replace("\\\\", "\\")
            line = f"{_LEVELS.get(match['level'].lower(), match['level'].title())}: {msg}"
        lines.append(line)
    return "\n".join(lines).strip("\n")


@dataclass
class CommandResult:
    """One finished command. ``argv`` and ``shown_argv`` both start with the tool."""

    argv: list[str]
    shown_argv: list[str]
    returncode: int
    stdout: str = ""
    stderr: str = ""
    df: pd.DataFrame | None = None
    note: str | None = None
    hint: str | None = None
    duration: float = 0.0
    timed_out: bool = False
    prompt: str = "$"  # "[root@systemd-host ~]#" when the command ran inside another machine
    show_table: bool = True  # False: the learner asked for JSON, shown as text (``df`` still set)
    only_line: bool = False  # shown as its stderr alone, one line (``skipped``, ``not_recorded``)

    @classmethod
    def not_run(cls, tool: str, args: list[str], message: str, hint: str | None = None) -> CommandResult:
        """A command the kit refused or could not start: exit status -1, shown as typed."""
        return cls(argv=[tool, *args], shown_argv=[tool, *args], returncode=NOT_RUN,
                   stderr=_("not run: {message}").format(message=message), hint=hint or None)

    @classmethod
    def skipped(cls, tool: str, args: list[str], reason: str) -> CommandResult:
        """A root-only step this mode cannot run (``privilege``): shown as one line, REASON."""
        line = reason if reason.startswith(SKIPPED) else f"{SKIPPED} {reason}"
        return cls(argv=[tool, *args], shown_argv=[tool, *args], returncode=NOT_RUN, stderr=line)

    @classmethod
    def not_recorded(cls, tool: str, args: list[str], message: str) -> CommandResult:
        """Replay mode, a command no recording holds: shown as one line, MESSAGE."""
        return cls(argv=[tool, *args], shown_argv=[tool, *args], returncode=NOT_RUN, stderr=message,
                   only_line=True)

    @property
    def is_skipped(self) -> bool:
        """True for a ``skipped`` result: it never ran and never will in this mode."""
        return self.returncode == NOT_RUN and (self.only_line or self.stderr.startswith(SKIPPED))

    @classmethod
    def from_completed(cls, completed: Completed, *, shown_argv: list[str] | None = None,
                       **fields) -> CommandResult:
        """The result of a finished ``process.Completed``: its argv, status, outputs,
        duration and timeout; SHOWN_ARGV is what the learner typed (default: the argv),
        and FIELDS (a note, a hint, a prompt, a table...) set or override the rest."""
        given = {"argv": list(completed.argv), "returncode": completed.returncode,
                 "stdout": completed.stdout, "stderr": completed.stderr,
                 "duration": completed.seconds, "timed_out": completed.timed_out}
        shown = list(completed.argv if shown_argv is None else shown_argv)
        return cls(**{**given, "shown_argv": shown, **fields})

    @property
    def ok(self) -> bool:
        """True when the command exited 0 and was not stopped by a timeout."""
        return self.returncode == 0 and not self.timed_out

    @property
    def command_line(self) -> str:
        """What the learner typed, shell-quoted, tool first (``podman ps -a``)."""
        shown = list(self.shown_argv or self.argv)
        if self.prompt != "$":  # another user or machine: shown exactly as typed there
            return shown[0] if len(shown) == 1 else shlex.join(shown)
        tool = os.path.basename(self.argv[0]) if self.argv else ""
        if tool and (not shown or os.path.basename(shown[0]) != tool):
            shown.insert(0, tool)
        return shlex.join(shown)

    def check(self) -> CommandResult:
        """Raise ``errors.CommandFailed`` unless ``ok``; return self for chaining."""
        if not self.ok:
            raise CommandFailed(self.argv, self.returncode, self.stderr, self.stdout)
        return self

    # -- views ---------------------------------------------------------------------
    @property
    def _as_table(self) -> bool:
        return self.df is not None and self.show_table

    def _status_line(self) -> str:
        if self.timed_out:
            return _("stopped by timeout (exit status {code})").format(code=self.returncode)
        return _("exit status {code}").format(code=self.returncode)

    def _table_text(self) -> str:
        if self.df is None:
            return ""
        if self.df.empty:
            header = "  ".join(str(c) for c in self.df.columns)
            return f"{header}\n{_(NO_ROWS)}" if header else _(NO_ROWS)
        return self.df.to_string(index=False)

    def to_text(self) -> str:
        """The plain-text view (also ``repr``): no duration, same text for same output."""
        if self.is_skipped:
            return self.stderr
        parts = [f"{self.prompt} {self.command_line}"]
        body = self._table_text() if self._as_table else (self.stdout or "").rstrip("\n")
        if body:
            parts.append(body)
        err = tidy_stderr(self.stderr)
        if err:
            parts.append(err)
        if not self.ok:
            parts.append(self._status_line())
            if self.hint:
                parts.append(_("hint: {hint}").format(hint=self.hint))
        if self.note:
            parts.append(_("note: {note}").format(note=self.note))
        return "\n".join(parts)

    def __repr__(self) -> str:
        return self.to_text()

    def _repr_pretty_(self, p, cycle) -> None:
        p.text(self.to_text())

    def _repr_html_(self) -> str:
        esc = html.escape
        if self.is_skipped:
            return f'<div class="kh-result kh-skipped"><em>{esc(self.stderr)}</em></div>'
        command = self.command_line
        style = STYLE_CMD + (";white-space:pre-wrap" if "\n" in command else "")  # here-documents
        parts = [f'<div class="kh-result"><div class="kh-cmd" style="{style}">'
                 f"{esc(self.prompt)} {esc(command)}</div>"]
        if self._as_table:
            if self.df.empty:
                parts.append(f'<div class="kh-norows"><em>{_(NO_ROWS)}</em></div>')
            else:
                with pd.option_context("display.max_colwidth", None):
                    parts.append(self.df.to_html(index=False, border=0, classes="kh-table",
                                                 na_rep=""))
        elif self.stdout:
            parts.append(f'<pre class="kh-stdout">{esc(self.stdout.rstrip(chr(10)))}</pre>')
        err = tidy_stderr(self.stderr)
        if self.ok:
            if err:
                parts.append(f'<pre class="kh-stderr" style="{STYLE_STDERR}">{esc(err)}</pre>')
        else:
            box = [esc(err)] if err else []
            box.append(f"<strong>{esc(self._status_line())}</strong>")
            if self.hint:
                label = _("hint:")
                box.append(f"<strong>{label}</strong> {esc(self.hint)}")
            parts.append(f'<div class="kh-error" style="{STYLE_ERR}">' + "\n".join(box) + "</div>")
        if self.note:
            parts.append(f'<div class="kh-note"><em>{esc(self.note)}</em></div>')
        parts.append("</div>")
        return "\n".join(parts)
