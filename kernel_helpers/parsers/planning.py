"""Decide how to run a learner's podman/skopeo command so its output becomes a table.

``plan(["ps", "-a"])`` says: this is a ``ps`` table, run ``ps --format json -a``,
show ``ps -a``. Commands that are not tables, or where the learner chose the
output format themselves (``--format``, ``--quiet``, ``--help``), run untouched.
A learner's own ``--format json`` runs untouched too, but still gives a table
(``Plan.as_text``: the JSON is what is shown). Pure: no subprocess, no environment.
"""

from __future__ import annotations

from dataclasses import dataclass

from .argv import Command, parse

#: (group, verb) -> table kind; group "" is a top-level podman verb.
PODMAN_KINDS = {
    ("", "ps"): "ps", ("container", "ls"): "ps", ("container", "list"): "ps",
    ("container", "ps"): "ps",
    ("", "images"): "images", ("image", "ls"): "images", ("image", "list"): "images",
    ("", "inspect"): "inspect", ("container", "inspect"): "inspect",
    ("image", "inspect"): "inspect", ("network", "inspect"): "inspect",
    ("volume", "inspect"): "inspect", ("pod", "inspect"): "inspect",
    ("", "port"): "port", ("container", "port"): "port",
    ("", "search"): "search",
    ("", "history"): "history", ("image", "history"): "history",
    ("", "info"): "info", ("system", "info"): "info",
    ("network", "ls"): "network_ls", ("network", "list"): "network_ls",
    ("volume", "ls"): "volume_ls", ("volume", "list"): "volume_ls",
    ("pod", "ps"): "pod_ps", ("pod", "ls"): "pod_ps", ("pod", "list"): "pod_ps",
}

#: kinds whose output is JSON only when asked with ``--format json``.
NEEDS_FORMAT_FLAG = frozenset({"ps", "images", "search", "history", "info", "network_ls",
                               "volume_ls", "pod_ps"})

#: options after which the learner owns the output (or asked for help, or to watch).
#: ``-f`` is one of them where it means ``--format`` (inspect, info), not ``--filter`` (ps):
#: ``argv.parse`` reads each command's own letters.
PLAIN_OPTIONS = frozenset({"--format", "--quiet", "--help", "-h", "--watch", "--raw", "--config"})


@dataclass(frozen=True)
class Plan:
    """How to run one command: its table kind, the argv to run and the argv to show."""

    tool: str
    kind: str | None
    run_argv: list[str]
    shown_argv: list[str]
    as_text: bool = False  # the learner asked for JSON: show it as text, table in .df only

    @property
    def is_table(self) -> bool:
        return self.kind is not None


def _learner_chose_output(cmd: Command, kind: str) -> str | None:
    """``"plain"`` if the learner asked for their own format, quiet output, help or streaming;
    ``"json"`` if they asked for JSON only; else None."""
    chosen = None
    for opt in (*cmd.global_options, *cmd.options):
        if opt.name == "--format" and opt.value == "json" and kind != "skopeo_inspect":
            chosen = "json"  # (skopeo's --format is a Go template only)
        elif opt.name in PLAIN_OPTIONS and opt.enabled:  # not --quiet=false
            return "plain"
    return chosen


def plan(argv: list[str], tool: str = "podman") -> Plan:
    """Plan a learner's command (``argv`` is what follows the tool name).

    >>> plan(["ps", "-a"]).run_argv
    ['ps', '--format', 'json', '-a']
    >>> plan(["--log-level", "debug", "network", "ls"]).run_argv
    ['--log-level', 'debug', 'network', 'ls', '--format', 'json']
    >>> plan(["inspect", "web"]).run_argv, plan(["ps", "--format", "{{.ID}}"]).kind
    (['inspect', 'web'], None)
    >>> plan(["images", "--format=json"]).as_text, plan(["images", "--format=json"]).run_argv
    (True, ['images', '--format=json'])
    """
    argv = list(argv)
    plain = Plan(tool, None, list(argv), list(argv))
    cmd = parse(argv, tool)
    if tool == "skopeo":
        if cmd.words != ("inspect",):
            return plain
        if _learner_chose_output(cmd, "skopeo_inspect") == "plain":
            return plain
        return Plan(tool, "skopeo_inspect", list(argv), list(argv))
    if tool != "podman" or not cmd.words:
        return plain
    key = cmd.words if len(cmd.words) == 2 else ("", cmd.words[0]) if len(cmd.words) == 1 else None
    kind = PODMAN_KINDS.get(key)
    if kind is None:
        return plain
    chosen = _learner_chose_output(cmd, kind)
    if chosen == "plain":
        return plain
    if chosen == "json":
        return Plan(tool, kind, list(argv), list(argv), as_text=True)
    run_argv = list(argv)
    if kind in NEEDS_FORMAT_FLAG:
        run_argv[cmd.first:cmd.first] = ["--format", "json"]
    return Plan(tool, kind, run_argv, list(argv))
