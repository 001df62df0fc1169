"""The ``%podman`` and ``%skopeo`` magics: thin wiring between IPython and the runner.

Parsing lives in ``runner``/``parsers``, rendering in ``results``, the private
podman world in ``session`` (this kernel's sandbox). This module only connects them.
"""

from __future__ import annotations

import argparse
import re
import shlex

from IPython.core.magic import Magics, line_cell_magic, line_magic, magics_class, no_var_expand
from traitlets import Float

from . import ports, rootless, runner, session
from .errors import KitError, PortBusy
from .parsers.argv import published_host_ports
from .results import CommandResult
from .session import kernel_sandbox

_PLACEHOLDER = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)\}(?!\})")


def expand_placeholders(line: str, namespace: dict) -> str:
    """Replace ``{NAME}`` by the value of a notebook variable; leave ``{{.Go}}`` templates alone.

    IPython's own expansion would turn podman's ``--format "{{.Names}}"`` into ``{.Names}``,
    and ``$VAR`` belongs to the container's shell, so only ``{NAME}`` is expanded.
    """
    return _PLACEHOLDER.sub(lambda m: str(namespace[m[1]]) if m[1] in namespace else m[0], line)


def _kit_options() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="%podman", add_help=False, allow_abbrev=False)
    parser.add_argument("--timeout", type=float, default=None)
    parser.add_argument("--raw", action="store_true")
    parser.add_argument("--rootless", action="store_true")
    return parser


def split_kit_options(line: str) -> tuple[argparse.Namespace, list[str]]:
    """Split the kit's leading options (``--timeout N``, ``--raw``, ``--rootless``) from the tool's argv."""
    try:
        tokens = shlex.split(line)
    except ValueError as exc:
        raise KitError(f"cannot split the command line: {exc}") from None
    kit, rest = [], list(tokens)
    while rest and (rest[0] in ("--raw", "--rootless") or rest[0].startswith("--timeout")):
        kit.append(rest.pop(0))
        if kit[-1] == "--timeout" and rest:
            kit.append(rest.pop(0))
    try:
        options = _kit_options().parse_args(kit)
    except SystemExit:
        raise KitError("--timeout needs a number of seconds, e.g. %podman --timeout 30 ps") from None
    return options, rest


def _refusal(tool: str, args: list[str], message: str, hint: str) -> CommandResult:
    return CommandResult(argv=[tool, *args], shown_argv=[tool, *args], returncode=-1,
                         stdout="", stderr=f"not run: {message}", df=None, note=None,
                         hint=hint, duration=0.0, timed_out=False)


@magics_class
class PodmanMagics(Magics):
    """Run real podman and skopeo commands in this kernel's private sandbox."""

    timeout = Float(runner.DEFAULT_TIMEOUT, help="Seconds before a command is stopped.").tag(config=True)
    stream_window = Float(runner.STREAM_WINDOW,
                          help="Seconds a streaming command (events, logs -f) runs.").tag(config=True)

    def _run(self, tool: str, line: str, cell: str | None):
        try:
            line = expand_placeholders(line, self.shell.user_ns if self.shell else {})
            options, args = split_kit_options(line)
            if not args:
                raise KitError(f"nothing to run: try %{tool} --help or %{tool}?")
            refused = runner.refusal(tool, args)
            if refused:
                return _refusal(tool, args, refused, "")
            sandbox = kernel_sandbox()
            for port in published_host_ports(args) if tool == "podman" else []:
                try:
                    sandbox.claim_port(port)
                except PortBusy as exc:
                    return _refusal(tool, args, str(exc),
                                    f"pick another host port, e.g. {ports.lease(sandbox.id)[0]}")
            env, prefix, prompt = sandbox.full_env(), None, "$"
            if options.rootless:
                world = rootless.world_for(sandbox.id)
                env, prefix, prompt = world.env(), world.prefix(), f"{world.user}$"
            return runner.run(tool, args, cell=cell, env=env, prefix=prefix, prompt=prompt,
                              timeout=options.timeout, table=not options.raw,
                              default_timeout=self.timeout, stream_window=self.stream_window)
        except KitError as exc:
            return _refusal(tool, [line], str(exc), "")

    @no_var_expand
    @line_cell_magic
    def podman(self, line: str, cell: str | None = None):
        """Run ``podman ARGS`` for real, in this kernel's private sandbox.

        Usage:
            %podman [--timeout SECONDS] [--raw] [--rootless] PODMAN-ARGS...
            %%podman [--timeout SECONDS] run -i IMAGE COMMAND
            <lines fed to the container's standard input>

        Listing and inspecting commands (ps, images, inspect, port, search, history,
        info, network ls, volume ls) are shown as a table: the kit asks podman for JSON
        behind the scenes. Other commands show their output as text. The result is
        returned: ``r = %podman ps -a`` gives ``r.df``, ``r.stdout``, ``r.returncode``.
        A failing command shows podman's own message, its exit status and a hint; it
        raises nothing, so a notebook can assert on it.

        -i reads the cell body as input (there is no terminal: -t next to -i is dropped).
        Streaming commands (events, stats, logs -f, attach) run for a few seconds and
        show what arrived. Every command has a timeout (%config PodmanMagics.timeout).
        Host ports given to -p are leased to this kernel, so two notebooks never race
        for one port. --rootless runs the command as the kit's unprivileged course user
        (podman-student), in a private rootless world of this kernel.

        Examples:
            %podman images
            %podman run --rm registry.access.redhat.com/ubi8/ubi:latest uname -r
            %podman run -d --name web -p {HTTP_PORT}:8080 registry.redhat.io/rhel8/httpd-24
            %podman --rootless run -d -p 80:8080 registry.redhat.io/rhel8/httpd-24
            r = %podman rmi busybox
            assert r.returncode != 0
            %%podman run -i --rm ubi8/ubi bash
            ps -ef
            hostname
        """
        return self._run("podman", line, cell)

    @no_var_expand
    @line_cell_magic
    def skopeo(self, line: str, cell: str | None = None):
        """Run ``skopeo ARGS`` for real, with this kernel's registries and login.

        Usage:
            %skopeo [--timeout SECONDS] [--raw] SKOPEO-ARGS...

        ``skopeo inspect`` is shown as a table (``r.df``); other commands as text.

        Examples:
            %skopeo inspect docker://localhost:5000/ubi8/ubi:latest
            %skopeo copy docker://localhost:5000/busybox docker://localhost:5001/me/busybox
        """
        return self._run("skopeo", line, cell)

    @line_magic
    def podman_widget(self, line: str):
        """Open a course widget on this kernel's sandbox (see ``kernel_helpers.widgets``).

        Usage:
            %podman_widget dashboard | explorer | namespaces NAME | run | units NAME

        Examples:
            %podman_widget dashboard
            %podman_widget namespaces web
        """
        from .widgets import open_widget

        return open_widget(line)


def load(ipython) -> None:
    """Register the magics and give this kernel its sandbox; show whole cells in tables."""
    import pandas as pd

    pd.set_option("display.max_colwidth", 200)
    pd.set_option("display.expand_frame_repr", False)  # one line per row, not column blocks
    kernel_sandbox()
    ipython.register_magics(PodmanMagics)


def unload(ipython) -> None:
    session.close()
