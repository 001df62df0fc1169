"""The ``%podman`` and ``%skopeo`` magics: thin wiring between IPython and the kit.

What a command line means and how it runs lives in ``commands`` (shared with the lesson
API), rendering in ``results``, the private podman world in ``session`` (this kernel's
sandbox), the magics' help (``%podman?``, in the learner's language) in ``magic_help``.
This module only connects them to IPython.
"""

from __future__ import annotations

from IPython.core.error import UsageError as IPythonUsageError
from IPython.core.magic import Magics, line_cell_magic, line_magic, magics_class, no_var_expand
from traitlets import Float

from . import commands, i18n, labs, live, magic_help, plotfonts, replay, replay_cells, runner, session
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
    @magic_help.attach(magic_help.PODMAN)
    def podman(self, line: str, cell: str | None = None):
        return self._run("podman", line, cell)

    @no_var_expand
    @line_cell_magic
    @magic_help.attach(magic_help.SKOPEO)
    def skopeo(self, line: str, cell: str | None = None):
        return self._run("skopeo", line, cell)

    @line_magic
    @magic_help.attach(magic_help.PODMAN_WIDGET)
    def podman_widget(self, line: str):
        from .widgets import open_widget

        if not replay.position().live_widget:  # a recorded widget cell that replays runs on
            _live_only(f"%podman_widget {line}".strip())
        return open_widget(line)

    @line_magic
    @magic_help.attach(magic_help.PODMAN_TERMINAL)
    def podman_terminal(self, line: str):
        from . import terminal

        _live_only("%podman_terminal")
        try:
            return terminal.open_line(line, kernel_sandbox())
        except UsageError as exc:
            raise IPythonUsageError(str(exc)) from None

    @line_magic
    @magic_help.attach_call(labs.magic_doc)  # the format and the check kinds, from their registry
    def lab(self, line: str):
        if (line.split() or ["list"])[0] != "list":
            _live_only(f"%lab {line}".strip())
        try:
            return labs.run_line(line, namespace=self.shell.user_ns if self.shell else None)
        except UsageError as exc:
            raise IPythonUsageError(str(exc)) from None

    @line_magic
    @magic_help.attach(magic_help.PODMAN_LANG)
    def podman_lang(self, line: str):
        value = line.strip()
        if not value:
            print(i18n.current())
            return None
        try:
            i18n.set_language(value)
        except ValueError as exc:
            raise IPythonUsageError(str(exc)) from None
        return None


def _live_only(what: str) -> None:
    """Replay mode: what needs the real engine (labs, widgets, terminals) says so in one line."""
    if replay.active():
        raise IPythonUsageError(str(replay.NotRecorded(what, replay.LIVE_ONLY)))


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
