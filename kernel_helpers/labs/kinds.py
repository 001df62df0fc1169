"""The registry of check kinds: what a lab file may ask the grader to look at.

A check kind is a function ``fn(probe, **params) -> Outcome`` registered with
``register(kind, label, doc, **params)``. ``label`` is the checklist's wording: a
format string over the params ("container {name} is running"), or a function of them. Each param is a
``Param``: its type (str, int, bool), its default (none: required), one line of doc and,
for a word from a fixed list, its ``choices``. ``doc`` is a catalogue message (``N_``):
``%lab?`` shows it in the learner's language; the label is translated when described.

The check functions live in ``checks_engine`` (podman), ``checks_service`` (HTTP,
registry, database), ``checks_host`` (namespaces, host files, published ports) and
``checks_units`` (units in the systemd host); ``format`` imports them all, so the registry
is complete wherever a lab file is read. A check only reads: grading never changes state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..i18n import _

REQUIRED = object()


@dataclass(frozen=True)
class Param:
    type: type
    default: object = REQUIRED
    doc: str = ""
    choices: tuple = ()

    @property
    def required(self) -> bool:
        return self.default is REQUIRED


@dataclass(frozen=True)
class Outcome:
    """What one check found: PASS or FAIL, and one line saying what was seen."""

    passed: bool
    reason: str


def passed(reason: str) -> Outcome:
    return Outcome(True, reason)


def failed(reason: str) -> Outcome:
    return Outcome(False, reason)


@dataclass(frozen=True)
class CheckKind:
    name: str
    function: Callable[..., Outcome]
    label: str | Callable[[dict], str]
    doc: str
    params: dict[str, Param] = field(default_factory=dict)

    def with_defaults(self, given: dict) -> dict:
        """GIVEN completed with the defaults of the params it leaves out."""
        return {key: given.get(key, spec.default) for key, spec in self.params.items()
                if key in given or not spec.required}

    def describe(self, params: dict) -> str:
        """The checklist's wording for these params ("container rhel7 is running")."""
        values = self.with_defaults(params)
        text = self.label(values) if callable(self.label) else _(self.label).format(**values)
        return " ".join(text.split())


REGISTRY: dict[str, CheckKind] = {}


def register(kind: str, label: str | Callable[[dict], str], doc: str, **params: Param):
    """Decorator: make FUNCTION the check ``kind`` (``label`` may use the param names)."""
    def add(function: Callable[..., Outcome]) -> Callable[..., Outcome]:
        REGISTRY[kind] = CheckKind(kind, function, label, doc, dict(params))
        return function
    return add
