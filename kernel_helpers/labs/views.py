"""What ``%lab`` shows: the task sheet, the grade's checklist, the finish report.

Every view is deterministic (no times, no ids of containers or images), so a notebook's
stored output and a test's expected text stay the same from run to run. The sandbox's
own id appears only where the lab names something after it (masked by the notebook
tests like every sandbox id).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import pandas as pd

from ..i18n import N_, _
from ..results import STYLE_CMD
from .format import Lab

PASS, FAIL = "PASS", "FAIL"
_SHOWN = {PASS: N_("PASS"), FAIL: N_("FAIL")}  # translated where shown; ``result`` stays a code
_HEADINGS = (N_("check"), N_("result"), N_("reason"), N_("hint"))
_COLOURS = {PASS: "#1e7b34", FAIL: "#c0392b"}
_CELL = "text-align:left;padding:2px 8px;vertical-align:top"


class _Text:
    """Shown as its ``to_text()`` in a terminal and by IPython's plain-text view."""

    def to_text(self) -> str:
        raise NotImplementedError

    def __repr__(self) -> str:
        return self.to_text()

    def _repr_pretty_(self, p, cycle) -> None:
        p.text(self.to_text())


@dataclass(repr=False)  # shown by _Text (to_text), not as a dataclass
class Skipped(_Text):
    """A lab this mode cannot run (it needs root): one line, ``skipped: <why>``."""

    line: str
    passed: bool = False  # a grade's answer: `lab grade` exits 1

    def to_text(self) -> str:
        return self.line


@dataclass(frozen=True)
class Row:
    id: str
    check: str
    passed: bool
    reason: str
    hint: str = ""

    @property
    def result(self) -> str:
        return PASS if self.passed else FAIL


@dataclass(repr=False)  # shown by _Text (to_text), not as a dataclass
class GradeResult(_Text):
    """The checklist of one grade: ``rows``, ``passed`` (all of them), ``df``, ``row(id)``."""

    lab: str
    title: str
    rows: list[Row]
    started: bool = True
    note: str = ""  # one line from recording the grade (``records``) when that went wrong

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.rows)

    @property
    def failed_ids(self) -> list[str]:
        return [r.id for r in self.rows if not r.passed]

    def row(self, check_id: str) -> Row:
        for row in self.rows:
            if row.id == check_id:
                return row
        raise KeyError(f"lab {self.lab} has no check {check_id!r}")

    @property
    def df(self) -> pd.DataFrame:
        return pd.DataFrame([{"check": r.check, "result": r.result, "reason": r.reason,
                              "hint": r.hint} for r in self.rows],
                            columns=["check", "result", "reason", "hint"])

    @property
    def summary(self) -> str:
        good = sum(r.passed for r in self.rows)
        verdict = _("all checks pass: well done") if self.passed else \
            _("{good} of {total} checks pass").format(good=good, total=len(self.rows))
        note = "" if self.started else \
            _(" (not started: %lab start {lab} prepares it)").format(lab=self.lab)
        return _("lab {lab}: {verdict}{note}").format(lab=self.lab, verdict=verdict, note=note)

    def to_text(self) -> str:
        lines = [self.summary] + ([_("note: {note}").format(note=self.note)] if self.note else [])
        for r in self.rows:
            line = _("{check}: {reason}").format(check=r.check, reason=r.reason)  # zh: ：
            lines.append(f"{_(_SHOWN[r.result])}  {line}")
            if r.hint:
                lines.append("      " + _("hint: {hint}").format(hint=r.hint))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        esc = html.escape
        head = "".join(f'<th style="{_CELL}">{_(h)}</th>' for h in _HEADINGS)
        body = []
        for r in self.rows:
            mark = f'<strong style="color:{_COLOURS[r.result]}">{_(_SHOWN[r.result])}</strong>'
            body.append("<tr>" + "".join(f'<td style="{_CELL}">{cell}</td>' for cell in (
                esc(r.check), mark, esc(r.reason), esc(r.hint))) + "</tr>")
        note = esc(_("note: {note}").format(note=self.note)) if self.note else ""
        note = f'<div style="{STYLE_CMD}">{note}</div>' if note else ""
        return (f'<div class="kh-lab-grade"><div style="{STYLE_CMD}">{esc(self.summary)}</div>{note}'
                f'<table class="kh-table"><thead><tr>{head}</tr></thead>'
                f"<tbody>{''.join(body)}</tbody></table></div>")


@dataclass(repr=False)  # shown by _Text (to_text), not as a dataclass
class LabSheet(_Text):
    """The task of a started lab (Markdown, hints folded in ``<details>``), and its set-up."""

    lab: Lab
    setup: list[str] = field(default_factory=list)
    reset: list[str] = field(default_factory=list)

    def _intro(self) -> str:
        lab = self.lab
        world = _(" (as the course's unprivileged user: %podman --rootless ...)") if lab.rootless else ""
        return _("Lab {name}: {title}\nnotebook {notebook}, about {minutes} minutes{world}").format(
            name=lab.name, title=lab.title, notebook=lab.notebook, minutes=lab.minutes, world=world)

    def _footer(self, quote: str = "") -> str:
        grade, again, clean = (f"{quote}%lab {verb} {self.lab.name}{quote}"
                               for verb in ("grade", "start", "finish"))
        return _("When you are done: {grade}. To start again: {again}. To clean up: {clean}.").format(
            grade=grade, again=again, clean=clean)

    def _prepared(self) -> list[str]:
        lines = [_("reset: {line}").format(line=line) for line in self.reset]
        return lines + [_("set-up: {line}").format(line=line) for line in self.setup]

    def to_text(self) -> str:
        parts = [self._intro(), "", self.lab.task, ""]
        parts += [_("hint {n}: {hint}").format(n=i, hint=hint) for i, hint in enumerate(self.lab.hints, 1)]
        parts += ["", self._footer()] + self._prepared()
        return "\n".join(parts)

    def _repr_markdown_(self) -> str:
        lab = self.lab
        title, where = self._intro().split("\n")
        parts = [f"### {title}", f"*{where}*", "", lab.task, ""]
        for i, hint in enumerate(lab.hints, 1):
            label = _("Hint {n}").format(n=i)
            parts += [f"<details><summary>{label}</summary>", "", hint, "", "</details>"]
        parts += ["", self._footer(quote="`")]
        prepared = self._prepared()
        if prepared:
            label = _("What start did")
            parts += ["", f"<details><summary>{label}</summary>", "", "```",
                      *prepared, "```", "", "</details>"]
        return "\n".join(parts)


@dataclass(repr=False)  # shown by _Text (to_text), not as a dataclass
class FinishReport(_Text):
    """What ``finish`` removed, one line each (names, not ids)."""

    lab: str
    lines: list[str]

    def to_text(self) -> str:
        if not self.lines:
            return _("lab {lab} finished: nothing to remove").format(lab=self.lab)
        head = _("lab {lab} finished:").format(lab=self.lab)
        return "\n".join([head] + [f"  {line}" for line in self.lines])

