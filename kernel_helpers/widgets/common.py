"""Shared parts of the course widgets: the engine they drive, the command log, static views.

Every widget runs real commands through ``runner.run`` in one sandbox's environment
(``Engine``), shows each command it ran in a ``CommandLog`` (the command is the lesson),
and subclasses ``CourseWidget``, whose ``_repr_mimebundle_`` adds a static text/plain and
text/html summary next to the live widget view. JupyterLab shows the widget; papermill
and nbval store and compare the static summary (no widget model id in it).

Usage:
    engine = Engine.for_kernel()           # this kernel's sandbox (as %podman uses)
    result = engine.run(["ps", "-a"])      # a results.CommandResult, never raises
    log = CommandLog(); log.show(result)   # "$ podman ps -a", output, exit status
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import pandas as pd

from .. import commands, replay, runner
from ..errors import KitError, PortBusy
from ..i18n import N_, _
from ..results import CommandResult

ACTION_TIMEOUT = 120.0
CSS = """<style>
.kh-widget select, .kh-widget .kh-mono, .kh-widget textarea {font-family: monospace;}
.kh-widget .kh-title {font-weight: bold; font-size: 1.1em;}
.kh-widget .kh-message {margin: 2px 0;}
.kh-widget .kh-message.kh-error {color: #c0392b;}
.kh-widget table.kh-table {border-collapse: collapse; font-size: 0.9em;}
.kh-widget table.kh-table td, .kh-widget table.kh-table th {padding: 1px 8px; text-align: left;}
</style>"""


def one_line(text: str) -> str:
    """The first non-blank line of ``text`` (errors are shown on one line)."""
    return next((line.strip() for line in str(text).splitlines() if line.strip()), "")


def failure_line(result: CommandResult) -> str:
    """One line saying why ``result`` failed: podman's last words, or the exit status."""
    lines = [line for line in (result.stderr or result.stdout or "").splitlines() if line.strip()]
    why = lines[-1].strip() if lines else f"exit status {result.returncode}"
    return f"{result.command_line}: {why}"


class Engine:
    """Where a widget's commands run: one sandbox's environment (or the current one).

    ``Engine(env=None)`` runs in this process's environment (the unit tests' fake
    podman); ``Engine.for_kernel()`` in this kernel's sandbox, like ``%podman``.
    """

    def __init__(self, env: dict | None = None, sandbox=None, error: str | None = None,
                 replaying: bool = False):
        self.env = env
        self.sandbox = sandbox
        self.error = error
        self.replaying = replaying  # replay mode: answers from the recording (``commands.replayed``)

    @classmethod
    def for_kernel(cls) -> Engine:
        """This kernel's sandbox; if it cannot be made, an engine that says why. In replay
        mode no sandbox: the recording answers."""
        from ..session import kernel_sandbox

        if replay.active():
            return cls(replaying=True)
        try:
            sandbox = kernel_sandbox()
            return cls(sandbox.full_env(), sandbox)
        except (KitError, OSError) as exc:
            return cls(error=one_line(exc) or type(exc).__name__)

    @property
    def sandbox_id(self) -> str:
        return self.sandbox.id if self.sandbox is not None else ""

    def run(self, args: list[str], *, tool: str = "podman", table: bool = True,
            timeout: float = ACTION_TIMEOUT) -> CommandResult:
        """Run ``tool args`` for real; a missing tool or sandbox gives a 'not run' result."""
        if self.replaying:
            return commands.replayed(tool, list(args), table=table)
        if self.error:
            return CommandResult.not_run(tool, args, self.error)
        try:
            result = runner.run(tool, list(args), env=self.env, table=table, timeout=timeout)
        except (KitError, OSError) as exc:
            return CommandResult.not_run(tool, args, one_line(exc) or type(exc).__name__)
        replay.record_command(tool, list(args), False, result)  # only while `make record` runs
        return result

    def claim_ports(self, ports: list[int]) -> str | None:
        """Lease host ``ports`` to this sandbox, as %podman does; a message if one is taken."""
        if self.sandbox is None:
            return None
        for port in ports:
            try:
                self.sandbox.claim_port(port)
            except PortBusy as exc:
                try:
                    spare = f", e.g. {self.sandbox.lease_ports(1)[0]}"
                except KitError:
                    spare = ""
                return f"{exc}: pick another host port{spare}"
        return None


def frame_text(df: pd.DataFrame | None, empty: str = "(no rows)") -> str:
    if df is None or df.empty:
        return _(empty)
    return df.to_string(index=False)


def frame_html(df: pd.DataFrame | None, empty: str = "(no rows)") -> str:
    if df is None or df.empty:
        return f"<em>{html.escape(_(empty))}</em>"
    with pd.option_context("display.max_colwidth", None):
        return df.to_html(index=False, border=0, classes="kh-table", na_rep="", escape=True)


def message_html(text: str, error: bool = False) -> str:
    kind = "kh-message kh-error" if error else "kh-message"
    return f'<div class="{kind}">{html.escape(text)}</div>' if text else ""


def result_text(result: CommandResult) -> str:
    """The command, its output and its exit status, as text."""
    text = result.to_text()
    return text if not result.ok else f"{text}\nexit status 0"


def result_html(result: CommandResult) -> str:
    """The command, its output and its exit status, as HTML (``results`` look)."""
    body = result._repr_html_()
    return body if not result.ok else body + '<div class="kh-status">exit status 0</div>'


class CommandLog(widgets.VBox):
    """Shows the last command a widget ran in full, and the ones before it on one line each.

    Examples:
        log = CommandLog()
        log.show(engine.run(["stop", "web"]))
        log.commands   # ["podman stop web"]
    """

    def __init__(self, keep: int = 8):
        self.keep = keep
        self.commands: list[str] = []
        self.last: CommandResult | None = None
        self._earlier: list[str] = []
        self.current = widgets.HTML(layout=widgets.Layout(max_height="24em", overflow="auto"))
        self.history = widgets.HTML()
        super().__init__([self.current, self.history])
        self.add_class("kh-log")

    def show(self, result: CommandResult) -> CommandResult:
        """Show ``result`` (command line, output, exit status); return it."""
        if self.last is not None:
            status = "ok" if self.last.ok else f"exit status {self.last.returncode}"
            self._earlier.append(f"{self.last.command_line}   ({status})")
        self.last = result
        self.commands.append(result.command_line)
        self.current.value = result_html(result)
        earlier = self._earlier[-self.keep:]
        self.history.value = ("<details><summary>earlier commands</summary><pre>"
                              + html.escape("\n".join(earlier)) + "</pre></details>") if earlier else ""
        return result


class CourseWidget(widgets.VBox):
    """Base of the course widgets: a live view, plus a static summary for other front ends.

    Subclasses set ``title`` and ``css_class`` (for styles and browser tests) and implement
    ``static_text``/``static_html``: deterministic tables and command lines, no model ids.
    """

    title = N_("widget")
    css_class = ""
    replays = False  # True: works in replay mode on the recorded commands (podman's answers only)

    def __init__(self, children, engine: Engine | None = None):
        self.engine = engine or Engine.for_kernel()
        self.message = widgets.HTML()
        self.heading = widgets.HTML(f'<div class="kh-title">{html.escape(_(self.title))}</div>')
        super().__init__([widgets.HTML(CSS), self.heading, *children, self.message])
        self.add_class("kh-widget")
        if self.css_class:
            self.add_class(self.css_class)
        replay.record({"type": "widget", "cell": replay.position().cell_key, "replays": self.replays})
        if self.engine.replaying:
            self.say(_("replay: this widget works on recorded data; its buttons answer from the "
                       "recording, or say that they need a real podman"))

    def say(self, text: str, error: bool = False) -> None:
        """Show one line under the widget (an error in red); no traceback ever."""
        self.message.value = message_html(text, error)

    def guard(self, handler):
        """``handler`` for a button or an observer: an unexpected error becomes one red line."""
        def guarded(*args):
            try:
                return handler(*args)
            except Exception as exc:  # a learner sees one line, never a traceback
                self.say(f"{type(exc).__name__}: {one_line(exc)}", error=True)
                return None
        return guarded

    def static_text(self) -> str:
        raise NotImplementedError

    def static_html(self) -> str:
        raise NotImplementedError

    def _repr_mimebundle_(self, **kwargs):
        data = super()._repr_mimebundle_(**kwargs)
        try:
            text, body = self.static_text(), self.static_html()
        except Exception as exc:  # a summary must never break the display of the widget
            text = f"{_(self.title)}: {one_line(exc)}"
            body = html.escape(text)
        data["text/plain"] = f"{_(self.title)}\n{text}"
        data["text/html"] = (f'<div class="kh-static"><strong>{html.escape(_(self.title))}</strong>'
                             f"{body}</div>")
        return data

    def close(self) -> None:
        """Close the widget and every widget inside it (their views disappear)."""
        for child in _descendants(self):
            child.close()
        super().close()


class PicksContainer(CourseWidget):
    """A course widget with a container picker (``self.containers``) filled from ``podman ps``.

    Subclasses set ``ps_args``, ``no_container`` (said when there is none) and ``missing``
    (said when the asked-for container is not listed; ``{name}`` is replaced), and
    implement ``names`` (the names to offer from the ``ps`` table).
    """

    ps_args: list[str] = ["ps", "-a"]
    no_container = N_("(no container in this sandbox)")
    missing = N_("no container {name} here: pick one")
    _loading = False  # True while the picker is refilled: its observers must not react

    def names(self, ps: pd.DataFrame | None) -> list[str]:
        raise NotImplementedError

    def load_containers(self, prefer: str = "") -> None:
        """Refill the picker, keeping PREFER (or the current choice) when it is listed."""
        result = self.engine.run(self.ps_args)
        names = self.names(result.df) if result.ok else []
        if not result.ok:
            self.say(failure_line(result), error=True)
        elif not names:
            self.say(_(self.no_container))
        elif prefer and prefer not in names:
            self.say(_(self.missing).format(name=prefer), error=True)
        keep = prefer or self.containers.value
        self._loading = True
        try:
            with self.containers.hold_sync():
                self.containers.options = names
                self.containers.value = keep if keep in names else (names[0] if names else None)
        finally:
            self._loading = False


def _descendants(box) -> list:
    found = []
    for child in getattr(box, "children", ()):
        found += [*_descendants(child), child]
    return found


class Notice:
    """A one-line message shown instead of a widget (bad arguments, missing piece)."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        return message_html(self.text, error=True).replace('class="', 'class="kh-widget ', 1)
