"""A learner's podman/skopeo command, run in this kernel's world: what ``%podman`` does.

The magic (``magics``), the lesson API (``lesson.podman``) and the labs all come here,
so a command typed in a cell and one called from Python behave alike:
- the kit's own leading options (``--timeout N``, ``--raw``, ``--rootless``) are read by
  a parser whose errors are one line with the usage (``errors.UsageError``);
- ``{NAME}`` placeholders take notebook variables;
- refusals (shared state, disk floor, a host port another sandbox holds) give a
  "not run" result that shows the command as the learner typed it;
- host ports given to ``-p`` are leased to this kernel's sandbox;
- ``--rootless`` runs as the kit's unprivileged course user, in a rootless world of this kernel.

No IPython here: ``magics`` turns ``UsageError`` into IPython's own.
"""

from __future__ import annotations

import argparse
import re
import shlex

from . import live as live_view
from . import parsers, ports, replay, rootless, rootless_account, runner, systemd_host
from .errors import KitError, ParseError, PortBusy, UsageError
from .i18n import _
from .parsers.argv import published_host_ports
from .results import NOT_RUN, CommandResult
from .session import kernel_sandbox

KIT_USAGE = "[--timeout SECONDS] [--raw] [--rootless]"
_PLACEHOLDER = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)\}(?!\})")


def usage(tool: str) -> str:
    rootless_flag = KIT_USAGE if tool == "podman" else KIT_USAGE.replace(" [--rootless]", "")
    return f"%{tool} {rootless_flag} {tool.upper()}-ARGS..."


def expand_placeholders(line: str, namespace: dict) -> str:
    """Replace ``{NAME}`` by the value of a notebook variable; leave ``{{.Go}}`` templates alone.

    IPython's own expansion would turn podman's ``--format "{{.Names}}"`` into ``{.Names}``,
    and ``$VAR`` belongs to the container's shell, so only ``{NAME}`` is expanded.
    """
    return _PLACEHOLDER.sub(lambda m: str(namespace[m[1]]) if m[1] in namespace else m[0], line)


class KitArgumentParser(argparse.ArgumentParser):
    """argparse whose errors raise ``UsageError`` (one line, with the usage) and never print.

    IPython's ``MagicArgumentParser`` is the model: ``error`` raises instead of printing
    the usage to stderr and calling ``sys.exit``.
    """

    def error(self, message: str):
        raise UsageError(f"{self.prog}: {message} (usage: {self.usage})")

    def exit(self, status: int = 0, message: str | None = None):
        raise UsageError((message or f"{self.prog}: exit {status}").strip())


def _kit_parser(tool: str) -> KitArgumentParser:
    parser = KitArgumentParser(prog=f"%{tool}", usage=usage(tool), add_help=False,
                               allow_abbrev=False)
    parser.add_argument("--timeout", type=float, default=None, metavar="SECONDS")
    parser.add_argument("--raw", action="store_true")
    if tool == "podman":
        parser.add_argument("--rootless", action="store_true")
    return parser


def split_kit_options(line: str, tool: str = "podman") -> tuple[argparse.Namespace, list[str]]:
    """Split the kit's leading options (``--timeout N``, ``--raw``, ``--rootless``) from the tool's argv.

    Raises ``UsageError`` for a line that cannot be split or a bad kit option.
    """
    try:
        tokens = shlex.split(line)
    except ValueError as exc:
        raise UsageError(_("%{tool}: cannot split the command line: {error}").format(
            tool=tool, error=exc)) from None
    kit_flags = ("--raw", "--rootless") if tool == "podman" else ("--raw",)
    kit, rest = [], list(tokens)
    while rest and (rest[0] in kit_flags or rest[0].split("=", 1)[0] == "--timeout"):
        kit.append(rest.pop(0))
        if kit[-1] == "--timeout" and rest:
            kit.append(rest.pop(0))
    options = _kit_parser(tool).parse_args(kit)
    if options.timeout is not None and not options.timeout > 0:
        raise UsageError(_("%{tool}: --timeout needs a positive number of seconds, "
                           "e.g. %{tool} --timeout 30 ... (usage: {usage})").format(
                               tool=tool, usage=usage(tool)))
    if not rest:
        raise UsageError(_("%{tool}: nothing to run (usage: {usage}; try %{tool}?)").format(
            tool=tool, usage=usage(tool)))
    return options, rest


def run_line(tool: str, line: str, cell: str | None = None, *, namespace: dict | None = None,
             default_timeout: float = runner.DEFAULT_TIMEOUT,
             stream_window: float = runner.STREAM_WINDOW, live: bool = False) -> CommandResult:
    """Run one ``%podman``/``%skopeo`` line (and cell body) in this kernel's world.

    Raises ``UsageError`` for bad kit options; every other problem is a result.
    """
    options, args = split_kit_options(expand_placeholders(line, namespace or {}), tool)
    return run_args(tool, args, cell, rootless_user=getattr(options, "rootless", False),
                    timeout=options.timeout, table=not options.raw, default_timeout=default_timeout,
                    stream_window=stream_window, live=live)


def run_args(tool: str, args: list[str], cell: str | None = None, *, rootless_user: bool = False,
             timeout: float | None = None, table: bool = True,
             default_timeout: float = runner.DEFAULT_TIMEOUT,
             stream_window: float = runner.STREAM_WINDOW, live: bool = False,
             record: bool = True) -> CommandResult:
    """Run ``tool args`` as the learner would from a cell; never raises for the command itself.

    ``live``: show the output in the cell as it arrives (``live.LiveView``), then empty it.
    ``record``: False for the kit's own probes (a lab's checks), which replay mode never asks.
    """
    args = list(args)
    if replay.active():
        return replayed(tool, args, rootless_user=rootless_user, table=table)
    result = _run_args(tool, args, cell, rootless_user=rootless_user, timeout=timeout, table=table,
                       default_timeout=default_timeout, stream_window=stream_window, live=live)
    if record:  # only while `make record` runs
        replay.record_command(tool, args, rootless_user, result)
    if rootless_user and result.returncode == NOT_RUN:  # refused: still say who would have run it
        result.prompt = f"{rootless_account.user_name()}$"
    return result


def _run_args(tool: str, args: list[str], cell: str | None, *, rootless_user: bool,
              timeout: float | None, table: bool, default_timeout: float, stream_window: float,
              live: bool) -> CommandResult:
    try:
        refused = runner.refusal(tool, args)
        if refused:
            return CommandResult.not_run(tool, args, refused)
        skipped = systemd_host.skipped_reason(args) if tool == "podman" else None
        if skipped:  # a systemd host this mode could not boot: one line, why
            return CommandResult.skipped(tool, args, skipped)
        wanted = published_host_ports(args) if tool == "podman" else []  # a bad -p spec: refused
        sandbox = kernel_sandbox()
        for port in wanted:
            try:
                sandbox.claim_port(port)
            except PortBusy as exc:
                return CommandResult.not_run(
                    tool, args, str(exc), _("pick another host port, e.g. {port}").format(
                        port=ports.lease(sandbox.id)[0]))
        env, prefix, prompt = sandbox.full_env(), None, "$"
        if rootless_user:
            world = rootless.world_for(sandbox.id)
            env, prefix, prompt = world.env(), world.prefix(), f"{world.user}$"
        watch = _live_view(tool, args, prompt) if live else None
        try:
            return runner.run(tool, args, cell=cell, env=env, prefix=prefix, prompt=prompt,
                              timeout=timeout, table=table, default_timeout=default_timeout,
                              stream_window=stream_window, watch=watch)
        finally:
            if watch is not None:
                watch.close()
    except KitError as exc:
        return CommandResult.not_run(tool, args, str(exc))


def replayed(tool: str, args: list[str], *, rootless_user: bool = False,
             table: bool = True) -> CommandResult:
    """Replay mode: the recorded result of this command here (a table again from the recorded
    JSON), marked as a recording; one line when it was never recorded."""
    entry = replay.find_command(tool, args, rootless_user)
    if entry is None:
        return CommandResult.not_recorded(tool, args, _(replay.NOT_RECORDED))
    fields = replay.result_fields(entry)
    plan = parsers.plan(args, tool) if table else None
    kind = plan.kind if plan else None
    df = None
    if kind and fields["returncode"] == 0:
        try:
            df = parsers.to_frame(kind, fields["stdout"] or "")
        except ParseError:
            df = None
    mark = _("recorded output ({about})").format(about=replay.about())
    return CommandResult(argv=[tool, *args], shown_argv=[tool, *args], returncode=fields["returncode"],
                         stdout=fields["stdout"] or "", stderr=fields["stderr"] or "", df=df,
                         note="; ".join(filter(None, [fields["note"], mark])), hint=fields["hint"],
                         prompt=fields["prompt"] or "$", show_table=not plan.as_text if kind else True)


def _live_view(tool: str, args: list[str], prompt: str) -> live_view.LiveView:
    attached = runner.attached_run(tool, args)
    return live_view.LiveView(f"{prompt} {shlex.join([tool, *args])}",
                              hint=live_view.STOP_HINT if attached else None)
