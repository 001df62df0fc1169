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

from . import hints, parsers, paths, portmap, process
from .errors import KitError, ParseError, ToolMissing
from .i18n import N_, _
from .parsers import argv, remaps
from .results import CommandResult

DEFAULT_TIMEOUT = 120.0
STREAM_WINDOW = 3.0

# Subcommands whose -i/-t flags matter.
_INTERACTIVE = {"run", "create", "exec", "start"}


@dataclass
class Prepared:
    """What will really run, and why it differs from what was typed."""

    run_argv: list[str]
    stdin: str | None
    streaming: bool
    notes: list[str] = field(default_factory=list)


def is_streaming(tool: str, args: list[str]) -> bool:
    """Commands that do not end by themselves."""
    if tool != "podman":
        return False
    cmd = argv.parse(args)
    if cmd.path in ("events", "system events"):
        return cmd.enabled("--stream", default=True)
    if cmd.path in ("attach", "container attach"):
        return True
    if cmd.verb == "stats":
        return not cmd.enabled("--no-stream")
    if cmd.verb == "logs":
        return cmd.enabled("--follow")
    return False


_SHARED_STATE = {
    ("network", "prune"): N_("it prunes networks, shared by every sandbox on this host"),
    ("system", "prune"): N_("it also prunes networks, shared by every sandbox on this host"),
    ("system", "reset"): N_("it also removes networks, shared by every sandbox on this host"),
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
    sub = list(argv.parse(args).words) if tool == "podman" else []
    if not sub or sub[-1] not in _FILLS_DISK or sub[:-1] not in ([], ["container"], ["image"], ["pod"]):
        return None
    where = paths.state_dir()
    while not where.exists() and where != where.parent:
        where = where.parent
    free, floor = shutil.disk_usage(where).free // 2**20, min_free_mb()
    if free >= floor:
        return None
    return _("only {free} MiB free under {where} (the kit needs at least {floor} MiB): free "
             "some space (podman container prune, podman image prune, delete files), "
             "or lower {env}").format(free=free, where=where, floor=floor, env=MIN_FREE_ENV)


def refusal(tool: str, args: list[str]) -> str | None:
    """Why the kit will not run ``tool args`` from a sandbox, or None."""
    words = argv.parse(args).words if tool == "podman" else ()
    reason = _SHARED_STATE.get(words)
    if reason:
        return _("'podman {command}' is not run from a sandbox: {reason}. "
                 "Use container prune, image prune or volume prune instead.").format(
                     command=" ".join(words), reason=_(reason))
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
    cmd = argv.parse(args, tool)
    if tool == "podman" and cmd.verb in _INTERACTIVE:
        if cmd.enabled("--interactive"):
            stdin = cell if cell is not None else ""
            if cmd.enabled("--tty"):
                run_args = cmd.without("--tty")
                notes.append(_("-t dropped: a notebook has no terminal; the container read "
                               "its input from the cell instead"))
            if cell is None:
                notes.append(_("-i with no input: use %%podman and write the input lines in "
                               "the cell body"))
            elif cmd.verb == "start" and not cmd.enabled("--attach"):
                notes.append(_("start -i without -a does not attach: the cell body was not read "
                               "(use start -ai)"))
    elif cell is not None:
        stdin = cell
    return Prepared([tool, *run_args], stdin, is_streaming(tool, args), notes)


def _foreground_run(tool: str, args: list[str], prefix: list[str] | None) -> list[str] | None:
    """For an attached ``podman run``: the command line that reaches the same podman, else None."""
    cmd = argv.parse(args, tool)
    if tool != "podman" or cmd.verb != "run" or cmd.enabled("--detach"):
        return None
    return [*(prefix or []), tool, *args[:cmd.word_at[0]]]


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
    return _("its container was still running: the kit removed it (--rm)") if removed else \
        _("its container was still running: the kit stopped it")


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
    remapped, port_note = portmap.remap_publish(tool, remapped)  # a hub classroom's notes ports
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
    notes = [remap_note, port_note, *prepared.notes]
    if timed_out and prepared.streaming:
        notes.append(_("streaming command: showing what arrived in {seconds} s, then stopped it").format(
            seconds=f"{limit:g}"))
        code = 0  # stopped by the kit on purpose: what arrived is the result
    elif timed_out:
        notes.append(_("did not finish within {seconds} s and was stopped "
                       "(%podman --timeout SECONDS ... to wait longer)").format(seconds=f"{limit:g}"))
    if got.note:
        notes.append(got.note)
    if launcher and (timed_out or got.capped):
        notes.append(_stop_leftovers(launcher, env, since))
    df = None
    if kind and code == 0 and not timed_out and "stdout" not in got.left_out:
        try:
            df = parsers.to_frame(kind, out)
            df, shown_as = portmap.notes_view(df)
            notes.append(shown_as)
        except ParseError as exc:
            notes.append(_("shown as text: {error}").format(error=exc))
    hint = hints.hint_for(err, run_argv) if code != 0 else None
    return CommandResult.from_completed(got, shown_argv=[tool, *args], returncode=code, df=df,
                                        note="; ".join(filter(None, notes)) or None, hint=hint,
                                        timed_out=timed_out and not prepared.streaming, prompt=prompt,
                                        show_table=not plan.as_text if kind else True)
