"""Run one podman/skopeo command: argv only, no shell, a timeout, interrupt-safe.

The runner never hangs a kernel:
- every command has a timeout; when it expires the whole process group is stopped;
- streaming commands (``events``, ``stats``, ``logs -f``, ``attach``...) are given a
  short window, and what arrived is shown with a note saying they were stopped;
- ``-i`` reads the cell body (or nothing) as standard input; ``-t`` next to ``-i``
  is dropped, because a notebook has no terminal to give it;
- interrupting the kernel (KeyboardInterrupt) stops the podman process, then re-raises;
- output is bounded (``output``): a head and a tail per stream, and a command that writes
  more than ``output.HARD_CAP`` bytes is stopped;
- a ``watch`` sees the output while it arrives (``process.run``), for a live view.

Every process is started by ``process``; this module decides what to run and how to show it.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import hints, parsers, paths, process
from .errors import KitError, ParseError, ToolMissing
from .parsers import remaps
from .results import CommandResult

DEFAULT_TIMEOUT = 120.0
STREAM_WINDOW = 3.0

# Subcommands whose -i/-t flags matter, and the boolean short flags they accept.
_INTERACTIVE = {"run", "create", "exec", "start"}
_BOOL_SHORT = set("aditlR")  # -a (start), -d, -i, -t, -l (latest), -R


@dataclass
class Prepared:
    """What will really run, and why it differs from what was typed."""

    run_argv: list[str]
    stdin: str | None
    streaming: bool
    notes: list[str] = field(default_factory=list)


_GLOBAL_WITH_VALUE = {"--log-level", "--root", "--runroot", "--tmpdir", "--storage-driver",
                      "--storage-opt", "--cgroup-manager", "--url", "--connection", "--runtime",
                      "--events-backend", "--network-config-dir", "--identity", "--volumepath"}


def subcommand(args: list[str]) -> list[str]:
    """The subcommand words of ``args`` (skipping global flags): ``['container', 'ls']``."""
    words, skip = [], False
    for arg in args:
        if skip:
            skip = False
        elif arg in _GLOBAL_WITH_VALUE:
            skip = True
        elif not arg.startswith("-"):
            words.append(arg)
            if len(words) == 2:
                break
    if words and words[0] in {"container", "image", "pod", "network", "volume", "system",
                              "generate", "machine", "manifest", "secret"}:
        return words[:2]
    return words[:1]


_NO_VALUE_LONG = {"--rm", "--detach", "--interactive", "--tty", "--privileged", "--init",
                  "--replace", "--read-only", "--quiet", "--attach", "--latest", "--sig-proxy",
                  "--publish-all", "--no-healthcheck", "--help"}


def option_span(args: list[str]) -> tuple[int, int]:
    """Indexes ``(first, stop)`` of the options of the subcommand in ``args``.

    ``args[first:stop]`` are the subcommand's own flags and their values; ``args[stop]``
    is the image or container, and what follows belongs to the container's command.
    Flags not known to be boolean are taken to consume the next token.
    """
    sub = subcommand(args)
    first = args.index(sub[-1]) + 1 if sub else 0
    i = first
    while i < len(args) and args[i].startswith("-") and args[i] != "--":
        arg = args[i]
        takes_value = not ("=" in arg or arg in _NO_VALUE_LONG
                           or (not arg.startswith("--") and set(arg[1:]) <= _BOOL_SHORT))
        i += 2 if takes_value else 1
    return first, min(i, len(args))


def published_host_ports(args: list[str]) -> list[int]:
    """Host ports named by ``-p``/``--publish`` of ``podman run|create`` (not random ones)."""
    sub = subcommand(args)
    if not sub or sub[-1] not in ("run", "create"):
        return []
    first, stop = option_span(args)
    values, opts = [], args[first:stop]
    for i, arg in enumerate(opts):
        if arg in ("-p", "--publish") and i + 1 < len(opts):
            values.append(opts[i + 1])
        elif arg.startswith("--publish="):
            values.append(arg.split("=", 1)[1])
        elif arg.startswith("-p") and len(arg) > 2 and arg[2] != "-":
            values.append(arg[2:])
    found = []
    for value in values:
        parts = value.split("/")[0].split(":")
        host = parts[-2] if len(parts) >= 2 else ""
        if "-" in host:
            low, high = host.split("-", 1)
            found += range(int(low), int(high) + 1)
        elif host.isdigit():
            found.append(int(host))
    return found


def _is_flag(arg: str, letter: str, long: str) -> bool:
    if arg in (f"--{long}", f"--{long}=true"):
        return True
    return (arg.startswith("-") and not arg.startswith("--") and set(arg[1:]) <= _BOOL_SHORT
            and letter in arg[1:])


def _flag_set(args: list[str], letter: str, long: str) -> bool:
    first, stop = option_span(args)
    return any(_is_flag(a, letter, long) for a in args[first:stop])


def _drop_flag(args: list[str], letter: str, long: str) -> list[str]:
    """Remove ``-t``/``--tty`` (also inside ``-it``) from the subcommand's options only."""
    first, stop = option_span(args)
    kept = []
    for arg in args[first:stop]:
        if not _is_flag(arg, letter, long):
            kept.append(arg)
        elif not arg.startswith("--") and arg[1:].replace(letter, ""):
            kept.append("-" + arg[1:].replace(letter, ""))
    return args[:first] + kept + args[stop:]


def is_streaming(tool: str, args: list[str]) -> bool:
    """Commands that do not end by themselves."""
    if tool != "podman":
        return False
    sub = subcommand(args)
    name = sub[-1] if sub else ""
    if sub[:1] in (["events"], ["attach"]) or sub == ["system", "events"]:
        return "--stream=false" not in args
    if name == "stats":
        return "--no-stream" not in args
    if name == "logs":
        return "-f" in args or "--follow" in args
    if name == "top":
        return False
    return False


_SHARED_STATE = {
    ("network", "prune"): "it prunes networks, shared by every sandbox on this host",
    ("system", "prune"): "it also prunes networks, shared by every sandbox on this host",
    ("system", "reset"): "it also removes networks, shared by every sandbox on this host",
}


MIN_FREE_ENV = "PODMAN_COURSE_MIN_FREE_MB"
MIN_FREE_MB = 1024
#: podman verbs that start containers or write images, refused below the disk floor.
_FILLS_DISK = {"run", "create", "start", "build", "pull", "restart", "commit", "import", "load"}


def min_free_mb() -> int:
    """The disk floor in MiB: ``$PODMAN_COURSE_MIN_FREE_MB``, else ``MIN_FREE_MB``."""
    value = os.environ.get(MIN_FREE_ENV, "").strip()
    if not value:
        return MIN_FREE_MB
    try:
        return int(value)
    except ValueError:
        raise KitError(f"{MIN_FREE_ENV}={value!r} is not a whole number of MiB") from None


def disk_refusal(tool: str, args: list[str]) -> str | None:
    """Why ``tool args`` must not start now for lack of disk under the kit's storage, or None."""
    sub = subcommand(args) if tool == "podman" else []
    if not sub or sub[-1] not in _FILLS_DISK or sub[:-1] not in ([], ["container"], ["image"], ["pod"]):
        return None
    where = paths.state_dir()
    while not where.exists() and where != where.parent:
        where = where.parent
    free, floor = shutil.disk_usage(where).free // 2**20, min_free_mb()
    if free >= floor:
        return None
    return (f"only {free} MiB free under {where} (the kit needs at least {floor} MiB): free "
            "some space (podman container prune, podman image prune, delete files), "
            f"or lower {MIN_FREE_ENV}")


def refusal(tool: str, args: list[str]) -> str | None:
    """Why the kit will not run ``tool args`` from a sandbox, or None."""
    reason = _SHARED_STATE.get(tuple(subcommand(args))) if tool == "podman" else None
    if reason:
        return (f"'podman {' '.join(subcommand(args))}' is not run from a sandbox: {reason}. "
                "Use container prune, image prune or volume prune instead.")
    return disk_refusal(tool, args)


def _with_registries_conf(tool: str, args: list[str], env: dict | None) -> list[str]:
    """skopeo 1.9 ignores CONTAINERS_REGISTRIES_CONF: pass the sandbox's file explicitly."""
    conf = (env or os.environ).get("CONTAINERS_REGISTRIES_CONF")
    if tool != "skopeo" or not conf or any(a.startswith("--registries-conf") for a in args):
        return args
    return ["--registries-conf", conf, *args]


def _remapped(tool: str, args: list[str], env: dict | None) -> tuple[list[str], str | None]:
    """``args`` pointed at the locations the sandbox's registries.conf remaps (see ``parsers.remaps``)."""
    conf = (env or os.environ).get("CONTAINERS_REGISTRIES_CONF")
    if not conf or (tool, (parsers.command_words(args, tool) or [""])[0]) not in remaps.REWRITTEN:
        return list(args), None
    try:
        text = Path(conf).read_text()
    except OSError:
        return list(args), None
    return remaps.remap_args(tool, args, remaps.remaps_from_toml(text))


def prepare(tool: str, args: list[str], cell: str | None) -> Prepared:
    """Decide stdin, streaming and -t handling for ``tool args``."""
    notes: list[str] = []
    run_args = list(args)
    stdin = None
    sub = subcommand(args)
    if tool == "podman" and sub and sub[-1] in _INTERACTIVE:
        if _flag_set(args, "i", "interactive"):
            stdin = cell if cell is not None else ""
            if _flag_set(args, "t", "tty"):
                run_args = _drop_flag(run_args, "t", "tty")
                notes.append("-t dropped: a notebook has no terminal; the container read "
                             "its input from the cell instead")
            if cell is None:
                notes.append("-i with no input: use %%podman and write the input lines in "
                             "the cell body")
            elif sub[-1] == "start" and not _flag_set(args, "a", "attach"):
                notes.append("start -i without -a does not attach: the cell body was not read "
                             "(use start -ai)")
    elif cell is not None:
        stdin = cell
    return Prepared([tool, *run_args], stdin, is_streaming(tool, args), notes)


def _foreground_run(tool: str, args: list[str], prefix: list[str] | None) -> list[str] | None:
    """For an attached ``podman run``: the command line that reaches the same podman, else None."""
    sub = subcommand(args) if tool == "podman" else []
    if not sub or sub[-1] != "run" or _flag_set(args, "d", "detach"):
        return None
    return [*(prefix or []), tool, *args[:args.index(sub[0])]]


def attached_run(tool: str, args: list[str]) -> bool:
    """Whether ``tool args`` is a ``podman run`` attached to the cell (no ``-d``)."""
    return _foreground_run(tool, args, None) is not None


def _stop_leftovers(launcher: list[str], env: dict | None, since_ns: int) -> str | None:
    """Stop what a stopped ``podman run`` left running: its container's PID 1 ignores SIGINT.

    The containers are those created since ``since_ns`` (a kernel runs one cell at a time).
    """
    listed = process.run([*launcher, "ps", "-a", "--no-trunc", "--format",
                          "{{.ID}} {{.Created.UnixNano}} {{.AutoRemove}}"], env=env, timeout=30)
    rows = [line.split() for line in listed.stdout.splitlines()] if listed.returncode == 0 else []
    mine = [(row[0], row[2] == "true") for row in rows
            if len(row) == 3 and row[1].isdigit() and int(row[1]) >= since_ns]
    removed = [cid for cid, auto_remove in mine if auto_remove]
    stopped = [cid for cid, auto_remove in mine if not auto_remove]
    if removed:
        process.run([*launcher, "rm", "-f", "-t", "0", *removed], env=env, timeout=60)
    if stopped:
        process.run([*launcher, "stop", "-t", "0", *stopped], env=env, timeout=60)
    if not mine:
        return None
    return "its container was still running: the kit " + ("removed it (--rm)" if removed else "stopped it")


def run(tool: str, args: list[str], *, cell: str | None = None, env: dict | None = None,
        timeout: float | None = None, table: bool = True,
        default_timeout: float = DEFAULT_TIMEOUT, stream_window: float = STREAM_WINDOW,
        prefix: list[str] | None = None, prompt: str = "$",
        watch: process.Watch | None = None) -> CommandResult:
    """Run ``tool args`` for a learner and return a rendered-ready CommandResult.

    ``prefix`` runs the tool through another command (``runuser -u USER -- env ...`` for
    rootless lessons); ``prompt`` then says who ran it. ``watch`` sees the output as it
    arrives (see ``process.run``); the result is the same with or without it.

    Examples:
        run("podman", ["ps", "-a"])            # a DataFrame of containers
        run("podman", ["run", "-i", "img", "sh"], cell="echo hi\\n")
    """
    remapped, remap_note = _remapped(tool, args, env)
    prepared = prepare(tool, remapped, cell)
    plan = parsers.plan(remapped, tool) if table else None
    kind = plan.kind if plan else None
    run_argv = [tool, *plan.run_argv] if kind else prepared.run_argv
    run_argv = [tool, *_with_registries_conf(tool, run_argv[1:], env)]
    limit = timeout if timeout is not None else (stream_window if prepared.streaming else default_timeout)
    full_argv = [*(prefix or []), *run_argv]
    launcher = _foreground_run(tool, remapped, prefix)
    since = time.time_ns()
    try:
        got = process.run(full_argv, stdin=prepared.stdin, env=env, timeout=limit, watch=watch)
    except ToolMissing:
        raise
    except BaseException:  # an interrupt, or a failing watch: the container must not stay
        if launcher:
            _stop_leftovers(launcher, env, since)
        raise
    code, out, err, timed_out = got.returncode, got.stdout, got.stderr, got.timed_out
    notes = [remap_note, *prepared.notes]
    if timed_out and prepared.streaming:
        notes.append(f"streaming command: showing what arrived in {limit:g} s, then stopped it")
        code = 0  # stopped by the kit on purpose: what arrived is the result
    elif timed_out:
        notes.append(f"did not finish within {limit:g} s and was stopped "
                     "(%podman --timeout SECONDS ... to wait longer)")
    if got.note:
        notes.append(got.note)
    if launcher and (timed_out or got.capped):
        notes.append(_stop_leftovers(launcher, env, since))
    df = None
    if kind and code == 0 and not timed_out and "stdout" not in got.left_out:
        try:
            df = parsers.to_frame(kind, out)
        except ParseError as exc:
            notes.append(f"shown as text: {exc}")
    hint = hints.hint_for(err, run_argv) if code != 0 else None
    return CommandResult.from_completed(got, shown_argv=[tool, *args], returncode=code, df=df,
                                        note="; ".join(filter(None, notes)) or None, hint=hint,
                                        timed_out=timed_out and not prepared.streaming, prompt=prompt,
                                        show_table=not plan.as_text if kind else True)
