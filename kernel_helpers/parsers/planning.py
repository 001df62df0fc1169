"""Decide how to run a learner's podman/skopeo command so its output becomes a table.

``plan(["ps", "-a"])`` says: this is a ``ps`` table, run ``ps --format json -a``,
show ``ps -a``. Commands that are not tables, or where the learner chose the
output format themselves (``--format``, ``--quiet``, ``--help``), run untouched.
A learner's own ``--format json`` runs untouched too, but still gives a table
(``Plan.as_text``: the JSON is what is shown). Pure: no subprocess, no environment.
"""

from __future__ import annotations

from dataclasses import dataclass

#: podman's global options that take a value (podman 4.3 ``podman --help``).
PODMAN_GLOBAL_VALUE_FLAGS = frozenset({
    "--cgroup-manager", "--conmon", "--connection", "-c", "--events-backend", "--hooks-dir",
    "--identity", "--log-level", "--namespace", "--network-cmd-path", "--network-config-dir",
    "--root", "--runroot", "--runtime", "--runtime-flag", "--ssh", "--storage-driver",
    "--storage-opt", "--tmpdir", "--url", "--volumepath", "--module", "--out",
})

#: skopeo's global options that take a value.
SKOPEO_GLOBAL_VALUE_FLAGS = frozenset({
    "--command-timeout", "--override-arch", "--override-os", "--override-variant",
    "--policy", "--registries.d", "--tmpdir",
})

GROUPS = frozenset({"container", "image", "network", "volume", "pod", "system"})

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

#: kinds where ``-f`` is ``--format`` (elsewhere it is ``--filter``).
SHORT_F_IS_FORMAT = frozenset({"inspect", "info", "skopeo_inspect"})

#: long options after which the learner owns the output format (or asked for help/streams).
PLAIN_LONG_FLAGS = ("--format", "--quiet", "--help", "--watch", "--raw", "--config")


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


def _positionals(argv: list[str], value_flags: frozenset) -> list[int]:
    """Indices of the first tokens that are not options (global options skipped)."""
    found, i = [], 0
    while i < len(argv):
        tok = argv[i]
        if tok == "--":
            break
        if tok.startswith("-") and tok != "-":
            if tok in value_flags:
                i += 1  # skip the option's value
            i += 1
            continue
        found.append(i)
        if len(found) == 2 or argv[found[0]] not in GROUPS:
            break
        i += 1
    return found


def command_words(argv: list[str], tool: str = "podman") -> list[str]:
    """The command words of ``argv``, global options skipped: ``["network", "ls"]``, ``["inspect"]``."""
    flags = SKOPEO_GLOBAL_VALUE_FLAGS if tool == "skopeo" else PODMAN_GLOBAL_VALUE_FLAGS
    return [argv[i] for i in _positionals(argv, flags)]


def _json_format(tokens: list[str], i: int, kind: str) -> int:
    """How many tokens from ``tokens[i]`` spell ``--format json`` (0 if they do not)."""
    if kind == "skopeo_inspect":  # skopeo's --format is a Go template only
        return 0
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    tok = tokens[i]
    if tok == "--format=json" or (kind in SHORT_F_IS_FORMAT and tok == "-f=json"):
        return 1
    if (tok == "--format" or (kind in SHORT_F_IS_FORMAT and tok == "-f")) and nxt == "json":
        return 2
    return 0


def _learner_chose_output(tokens: list[str], kind: str) -> str | None:
    """``"plain"`` if the learner asked for their own format, quiet output, help or streaming;
    ``"json"`` if they asked for JSON only; else None."""
    chosen, i = None, 0
    while i < len(tokens):
        tok, json_tokens = tokens[i], _json_format(tokens, i, kind)
        i += max(json_tokens, 1)
        if json_tokens:
            chosen = "json"
        elif tok == "--":
            break
        elif tok.startswith("--"):
            if tok.split("=", 1)[0] in PLAIN_LONG_FLAGS:
                return "plain"
        elif tok.startswith("-") and len(tok) > 1 and tok[1:].isalpha():
            letters = set(tok[1:])
            if (letters & {"q", "h"} or (kind == "ps" and "w" in letters)
                    or (kind in SHORT_F_IS_FORMAT and "f" in letters)):
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
    if tool == "skopeo":
        pos = _positionals(argv, SKOPEO_GLOBAL_VALUE_FLAGS)
        if not pos or argv[pos[0]] != "inspect":
            return plain
        if _learner_chose_output(argv, "skopeo_inspect") == "plain":
            return plain
        return Plan(tool, "skopeo_inspect", list(argv), list(argv))
    if tool != "podman":
        return plain
    pos = _positionals(argv, PODMAN_GLOBAL_VALUE_FLAGS)
    if not pos:
        return plain
    words = [argv[i] for i in pos]
    key = (words[0], words[1]) if words[0] in GROUPS and len(words) > 1 else ("", words[0])
    kind = PODMAN_KINDS.get(key)
    if kind is None:
        return plain
    chosen = _learner_chose_output(argv[pos[-1] + 1:], kind)
    if "--help" in argv[:pos[0]] or chosen == "plain":
        return plain
    if chosen == "json":
        return Plan(tool, kind, list(argv), list(argv), as_text=True)
    run_argv = list(argv)
    if kind in NEEDS_FORMAT_FLAG:
        at = pos[-1] + 1
        run_argv[at:at] = ["--format", "json"]
    return Plan(tool, kind, run_argv, list(argv))
