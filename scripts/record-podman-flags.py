"""Podman's and skopeo's own ``--help`` texts, recorded, and the flag tables made from them.

The kit parses a learner's command line with ``kernel_helpers.parsers.argv``; which options
take a value comes from ``kernel_helpers.parsers.podman_flags``, which this script writes
from the help texts recorded under ``tests/data/podman-help/VERSION/`` and
``tests/data/skopeo-help/VERSION/`` (the union over every recorded version).

Usage:
    python scripts/record-podman-flags.py                 # rewrite podman_flags.py
    python scripts/record-podman-flags.py --check         # fail if podman_flags.py is stale
    python scripts/record-podman-flags.py --record podman # record this machine's podman
    python scripts/record-podman-flags.py --record podman --via 'podman exec CTR'
                                                          # ... or one inside a container

Recording walks the whole command tree (``Available Commands:`` of each page) and writes
one file per command: ``podman.txt``, ``podman_container_ls.txt``... podman 4.3.1 and skopeo
1.9.3 are this course's hosts' (Debian 12); podman 5.4.2 was recorded inside the kit's
systemd-host image (Debian 13), in a private storage that has the course images as an
additional store: ``podman run -d --name h --entrypoint sleep IMAGE 3600``, then
``--via 'podman exec h'`` (``--help`` needs no privileges).
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
MODULE = ROOT / "kernel_helpers" / "parsers" / "podman_flags.py"
TIMEOUT = 60
MAX_OUTPUT = 1 << 20

#: Options that ``--help`` hides but podman/skopeo accept (their cmd/*/root.go, main.go):
#: a learner may meet them in other people's scripts. "=" marks a value.
HIDDEN = {
    "podman": "--config= --context= -H/--host= -D/--debug --cpu-profile= --memory-profile= "
              "--default-mounts-file= --max-workers= --registries-conf= --trace --network-backend= "
              "--db-backend= --pull-option=",
    "skopeo": "--registries-conf=",
}

#: ``help`` lists commands; ``compose`` hands its whole command line to another program.
UNRECORDED = {"help", "compose"}

_FLAG = re.compile(r"^  (?:-(?P<short>\S), |    )--(?P<long>[A-Za-z0-9][\w.-]*)"
                   r"(?P<rest>.*?)(?:\s{2,}|$)")


@dataclass
class Page:
    """One ``--help`` page: the subcommands it lists, its aliases and its options."""

    commands: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    flags: dict[str, str] = field(default_factory=dict)  # "--long" -> "-s/--long=" spelling


def flag_spelling(short: str | None, long: str, rest: str) -> str:
    """``-p/--publish=`` for an option with a value, ``-d/--detach`` for a boolean one.

    pflag prints a value's type name after the option (``string``, ``ARCH``,
    ``<number>[<unit>]``) and nothing for a boolean; ``[=x]`` is an optional value.
    """
    rest = rest.strip()
    takes_value = bool(rest) and "[=" not in rest  # --pull[="missing"]: only --pull=VALUE
    return f"{'-' + short + '/' if short else ''}--{long}{'=' if takes_value else ''}"


def parse_help(text: str) -> Page:
    """The subcommands, aliases and options of one recorded ``--help`` page."""
    page, section = Page(), None
    for line in text.splitlines():
        if line and not line[0].isspace():
            section = line.rstrip(":").strip().lower() if line.rstrip().endswith(":") else None
            continue
        if section == "available commands" and line.startswith("  ") and line.split():
            page.commands.append(line.split()[0])
        elif section == "aliases" and line.strip():
            page.aliases += [word.strip() for word in line.split(",") if word.strip()]
        elif section in ("options", "flags", "global flags"):
            found = _FLAG.match(line)
            if found:
                long = "--" + found["long"]
                page.flags[long] = flag_spelling(found["short"], found["long"], found["rest"])
    return page


def page_name(tool: str, path: tuple[str, ...]) -> str:
    """``podman_container_ls.txt`` (command names have hyphens, never underscores)."""
    return "_".join((tool, *path)) + ".txt"


def _help(via: list[str], tool: str, path: tuple[str, ...]) -> str:
    argv = [*via, tool, *path, "--help"]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{shlex.join(argv)} exited {proc.returncode}: {proc.stderr.strip()[:300]}")
    return proc.stdout[:MAX_OUTPUT]


def record(tool: str, via: list[str]) -> Path:
    """Record ``tool --help`` and every subcommand's help; returns the version folder."""
    version = subprocess.run([*via, tool, "--version"], capture_output=True, text=True,
                             timeout=TIMEOUT, check=True).stdout.split()[-1]
    folder = DATA / f"{tool}-help" / version
    folder.mkdir(parents=True, exist_ok=True)
    todo: list[tuple[str, ...]] = [()]
    while todo:
        path = todo.pop(0)
        text = _help(via, tool, path)
        (folder / page_name(tool, path)).write_text(text)
        todo += [(*path, sub) for sub in parse_help(text).commands if sub not in UNRECORDED]
    return folder


def pages(tool: str) -> dict[str, dict[tuple[str, ...], Page]]:
    """Every recorded version of ``tool``: version -> command path -> its page."""
    found: dict[str, dict[tuple[str, ...], Page]] = {}
    for folder in sorted((DATA / f"{tool}-help").iterdir()):
        found[folder.name] = {tuple(f.stem.split("_")[1:]): parse_help(f.read_text())
                              for f in sorted(folder.glob("*.txt"))}
    return found


def _merged(old: str, new: str) -> tuple[str, str | None]:
    """One option as two versions spell it: a short name added later is kept; a short
    name changed, or a value taken by one version only, is a conflict."""
    old_short, new_short = (s.split("/")[0] if "/" in s else "" for s in (old, new))
    if old.endswith("=") != new.endswith("=") or (old_short and new_short and old_short != new_short):
        return new, f"{old} vs {new}"
    return (new if new_short else old), None


def tables(tool: str) -> tuple[dict[str, dict[str, str]], dict[str, str], list[str]]:
    """Union over versions: ``(path -> long -> spelling, alias path -> path, conflicts)``."""
    merged: dict[str, dict[str, str]] = {}
    aliases: dict[str, str] = {}
    conflicts: list[str] = []
    for version, by_path in pages(tool).items():
        for path, page in by_path.items():
            key = " ".join(path)
            flags = merged.setdefault(key, {})
            for long, spelling in page.flags.items():
                flags[long], conflict = _merged(flags.get(long, spelling), spelling)
                if conflict:
                    conflicts.append(f"{tool} {key}: {conflict} ({version})")
            shorts = [s.split("/")[0] for s in flags.values() if "/" in s]
            conflicts += [f"{tool} {key}: {short} names two options"
                          for short in sorted({s for s in shorts if shorts.count(s) > 1})]
            for alias in page.aliases:
                alias_key = " ".join((*path[:-1], alias))
                if alias_key != key:
                    aliases[alias_key] = key
    for long_short in HIDDEN[tool].split():
        merged[""].setdefault(long_short.split("/")[-1].rstrip("="), long_short)
    return merged, aliases, conflicts


def _wrapped(words: list[str], width: int = 96) -> list[str]:
    """``words`` joined by spaces, cut into lines of at most ``width`` characters."""
    lines = [""]
    for word in words:
        if lines[-1] and len(lines[-1]) + len(word) >= width:
            lines.append("")
        lines[-1] += word + " "
    return [line.rstrip() for line in lines if line]


def _entry(key: str, text: str) -> list[str]:
    """``    "key": "text",`` or, for a long text, its lines in parentheses."""
    if len(key) + len(text) < 96:
        return [f"    {json.dumps(key)}: {json.dumps(text)},"]
    lines = _wrapped(text.split())
    body = [f"        {json.dumps(line + ' ')}" for line in lines[:-1]]
    return [f"    {json.dumps(key)}: (", *body, f"        {json.dumps(lines[-1])}),"]


def module_text() -> str:
    """The text of ``podman_flags.py`` for the help texts recorded now."""
    out = ['"""Which podman and skopeo options take a value: GENERATED, do not edit.',
           "",
           "Made by ``scripts/record-podman-flags.py`` from the ``--help`` texts recorded under",
           "``tests/data/TOOL-help/VERSION/`` (the union over the versions), plus the options",
           "that ``--help`` hides (``HIDDEN`` there). Each command path maps to its options:",
           '``"-p/--publish="`` takes a value, ``"-d/--detach"`` does not; the path ``""`` holds',
           "the global options. ``*_SAME`` maps the other command paths (aliases, and commands",
           "with the very same options) to the path whose options they take.",
           '"""', ""]
    for tool in ("podman", "skopeo"):
        merged, aliases, _ = tables(tool)
        texts = {path: " ".join(sorted(flags.values(), key=lambda s: s.split("/")[-1]))
                 for path, flags in sorted(merged.items())}
        first_with: dict[tuple[str, str], str] = {}  # (last word, options) -> first path
        same = dict(aliases)
        for path in sorted(texts, key=lambda p: (p.count(" "), p)):  # "run" before "container run"
            key = (path.split(" ")[-1], texts[path])
            if texts[path] and key in first_with:
                same[path] = first_with[key]
            first_with.setdefault(key, path)
        for path, target in same.items():
            while target in same:
                target = same[target]
            same[path] = target
        name = tool.upper()
        out += [f"{name}_VERSIONS = {tuple(pages(tool))!r}".replace("'", '"'), "", f"{name} = {{"]
        for path, text in texts.items():
            if path not in same:
                out += _entry(path, text)
        out += ["}", "", f"{name}_SAME = {{"]
        out += [f"    {json.dumps(path)}: {json.dumps(target)}," for path, target in sorted(same.items())]
        out += ["}", ""]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if podman_flags.py is stale")
    parser.add_argument("--record", choices=("podman", "skopeo"), help="record a real tool's help")
    parser.add_argument("--via", default="", help="command prefix that reaches the tool")
    opts = parser.parse_args(argv)
    if opts.record:
        print(f"recorded {record(opts.record, shlex.split(opts.via))}")
    for tool in ("podman", "skopeo"):
        for conflict in tables(tool)[2]:
            print(f"conflict: {conflict}", file=sys.stderr)
    text = module_text()
    if opts.check:
        if MODULE.read_text() != text:
            print(f"{MODULE.relative_to(ROOT)} is stale: run scripts/record-podman-flags.py",
                  file=sys.stderr)
            return 1
        return 0
    MODULE.write_text(text)
    print(f"wrote {MODULE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
