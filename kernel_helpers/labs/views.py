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

from ..results import STYLE_CMD
from .format import Lab

PASS, FAIL = "PASS", "FAIL"
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
        verdict = "all checks pass: well done" if self.passed else f"{good} of {len(self.rows)} checks pass"
        note = "" if self.started else f" (not started: %lab start {self.lab} prepares it)"
        return f"lab {self.lab}: {verdict}{note}"

    def to_text(self) -> str:
        lines = [self.summary] + ([f"note: {self.note}"] if self.note else [])
        for r in self.rows:
            lines.append(f"{r.result}  {r.check}: {r.reason}")
            if r.hint:
                lines.append(f"      hint: {r.hint}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        esc = html.escape
        head = "".join(f'<th style="{_CELL}">{h}</th>' for h in ("check", "result", "reason", "hint"))
        body = []
        for r in self.rows:
            mark = f'<strong style="color:{_COLOURS[r.result]}">{r.result}</strong>'
            body.append("<tr>" + "".join(f'<td style="{_CELL}">{cell}</td>' for cell in (
                esc(r.check), mark, esc(r.reason), esc(r.hint))) + "</tr>")
        note = f'<div style="{STYLE_CMD}">note: {esc(self.note)}</div>' if self.note else ""
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
        world = " (as the course's unprivileged user: %podman --rootless ...)" if lab.rootless else ""
        return (f"Lab {lab.name}: {lab.title}\nnotebook {lab.notebook}, about {lab.minutes} "
                f"minutes{world}")

    def _footer(self, quote: str = "") -> str:
        grade, again, clean = (f"{quote}%lab {verb} {self.lab.name}{quote}"
                               for verb in ("grade", "start", "finish"))
        return f"When you are done: {grade}. To start again: {again}. To clean up: {clean}."

    def _prepared(self) -> list[str]:
        lines = [f"reset: {line}" for line in self.reset]
        return lines + [f"set-up: {line}" for line in self.setup]

    def to_text(self) -> str:
        parts = [self._intro(), "", self.lab.task, ""]
        parts += [f"hint {i}: {hint}" for i, hint in enumerate(self.lab.hints, 1)]
        parts += ["", self._footer()] + self._prepared()
        return "\n".join(parts)

    def _repr_markdown_(self) -> str:
        lab = self.lab
        title, where = self._intro().split("\n")
        parts = [f"### {title}", f"*{where}*", "", lab.task, ""]
        for i, hint in enumerate(lab.hints, 1):
            parts += [f"<details><summary>Hint {i}</summary>", "", hint, "", "</details>"]
        parts += ["", self._footer(quote="`")]
        prepared = self._prepared()
        if prepared:
            parts += ["", "<details><summary>What start did</summary>", "", "```",
                      *prepared, "```", "", "</details>"]
        return "\n".join(parts)


@dataclass(repr=False)  # shown by _Text (to_text), not as a dataclass
class FinishReport(_Text):
    """What ``finish`` removed, one line each (names, not ids)."""

    lab: str
    lines: list[str]

    def to_text(self) -> str:
        if not self.lines:
            return f"lab {self.lab} finished: nothing to remove"
        return "\n".join([f"lab {self.lab} finished:"] + [f"  {line}" for line in self.lines])

