"""The ``%podman`` and ``%skopeo`` magics: thin wiring between IPython and the kit.

What a command line means and how it runs lives in ``commands`` (shared with the lesson
API), rendering in ``results``, the private podman world in ``session`` (this kernel's
sandbox). This module only connects them to IPython.
"""

from __future__ import annotations

from IPython.core.error import UsageError as IPythonUsageError
from IPython.core.magic import Magics, line_cell_magic, line_magic, magics_class, no_var_expand
from traitlets import Float

from . import commands, i18n, labs, live, plotfonts, replay, replay_cells, runner, session
from .errors import UsageError
from .session import kernel_sandbox


@magics_class
class PodmanMagics(Magics):
    """Run real podman and skopeo commands in this kernel's private sandbox."""

    timeout = Float(runner.DEFAULT_TIMEOUT, help="Seconds before a command is stopped.").tag(config=True)
    stream_window = Float(runner.STREAM_WINDOW,
                          help="Seconds a streaming command (events, logs -f) runs.").tag(config=True)

    def _run(self, tool: str, line: str, cell: str | None):
        try:
            return commands.run_line(tool, line, cell, namespace=self.shell.user_ns if self.shell else {},
                                     default_timeout=self.timeout, stream_window=self.stream_window,
                                     live=live.enabled())
        except UsageError as exc:  # one line, no traceback (IPython's MagicArgumentParser way)
            raise IPythonUsageError(str(exc)) from None

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
        show what arrived. In JupyterLab, output shows in the cell while a command runs;
        interrupting the kernel (■) stops it. A bad kit option is a one-line UsageError.
        Every command has a timeout (%config PodmanMagics.timeout).
        Host ports given to -p are leased to this kernel, so two notebooks never race
        for one port. --rootless runs the command as the kit's unprivileged course user
        (podman-student; you yourself when Jupyter runs as an ordinary user), in a
        private rootless world of this kernel.

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

        _live_only(f"%podman_widget {line}".strip())
        return open_widget(line)

    @line_magic
    def podman_terminal(self, line: str):
        """Open a JupyterLab terminal whose shell lives in this kernel's sandbox.

        Usage:
            %podman_terminal

        podman, skopeo and ``podman exec -it NAME bash`` work there for real, on this
        notebook's containers; ``python -m kernel_helpers lab grade NAME`` grades a lab
        done there. The prompt starts with ``(sandbox ID)``; the terminal closes when
        this kernel's sandbox goes. Without JupyterLab (papermill, nbval) it opens
        nothing and says so in one line.
        """
        from . import terminal

        _live_only("%podman_terminal")
        try:
            return terminal.open_line(line, kernel_sandbox())
        except UsageError as exc:
            raise IPythonUsageError(str(exc)) from None

    @line_magic
    def lab(self, line: str):
        if (line.split() or ["list"])[0] != "list":
            _live_only(f"%lab {line}".strip())
        try:
            return labs.run_line(line, namespace=self.shell.user_ns if self.shell else None)
        except UsageError as exc:
            raise IPythonUsageError(str(exc)) from None

    @line_magic
    def podman_lang(self, line: str):
        """Show or set the language of the kit's messages (hints, doctor, widgets, labs).

        Usage:
            %podman_lang            prints the current language
            %podman_lang zh-CN      简体中文 (zh_CN and zh work too)
            %podman_lang en         English

        It wins over the notebook's ``lang`` variable (papermill's parameter) and over
        ``$PODMAN_COURSE_LANG``. Commands' own output (podman's) is never translated.
        """
        value = line.strip()
        if not value:
            print(i18n.current())
            return None
        try:
            i18n.set_language(value)
        except ValueError as exc:
            raise IPythonUsageError(str(exc)) from None
        return None

    lab.__doc__ = labs.magic_doc()  # the format and the check kinds, from their registry


def _live_only(what: str) -> None:
    """Replay mode: what needs the real engine (labs, widgets, terminals) says so in one line."""
    if replay.active():
        raise IPythonUsageError(str(replay.NotRecorded(what)))


def load(ipython) -> None:
    """Register the magics and give this kernel its sandbox; show whole cells in tables,
    Chinese plot labels with a CJK font."""
    import pandas as pd

    pd.set_option("display.max_colwidth", 200)
    pd.set_option("display.expand_frame_repr", False)  # one line per row, not column blocks
    plotfonts.configure()
    i18n.from_namespace(ipython.user_ns)  # papermill's parameter `lang`, if the notebook has one
    try:
        replay.force(ipython.user_ns.get("mode"))  # papermill's parameter `mode` (live, replay)
    except ValueError:
        pass  # a bad value: the environment and the machine decide
    replay_cells.install(ipython)  # replay mode's banner and recorded cells; `make record`'s hooks
    if not replay.active():
        kernel_sandbox()
    ipython.register_magics(PodmanMagics)


def unload(ipython) -> None:
    replay_cells.uninstall(ipython)
    session.close()
