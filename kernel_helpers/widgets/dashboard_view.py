"""Container dashboard: the sandbox's containers, live, with a button per podman verb.

Pick a row, then Start / Stop / Restart / Remove / Logs, or type a command and Exec.
Every button runs one real ``podman`` command and shows it with its output and exit
status. The table refreshes on demand (Refresh) and every ``interval`` seconds while
"auto-refresh" is ticked; the timer thread stops when the box is unticked or the widget
is closed, and two refreshes never run at once. Opening a new dashboard unticks the
earlier ones of this kernel (tick again to resume), so re-running a cell adds no poller.

Usage:
    from kernel_helpers.widgets import dashboard
    board = dashboard()             # or: %podman_widget dashboard
    board.close()                   # stops the auto-refresh

Examples:
    action_argv("stop", "web")                 # ['stop', 'web']
    action_argv("exec", "web", "ps -ef")       # ['exec', 'web', 'ps', '-ef']
"""

from __future__ import annotations

import html
import shlex
import threading
import weakref

import ipywidgets as widgets
import pandas as pd

from ..i18n import N_, _
from .common import CommandLog, CourseWidget, Engine, failure_line, frame_html, frame_text

COLUMNS = ["Name", "Image", "Status", "Ports"]
ACTIONS = {"start": ["start"], "stop": ["stop"], "restart": ["restart"], "remove": ["rm"],
           "logs": ["logs", "--tail", "50"]}
LABELS = {"start": N_("Start"), "stop": N_("Stop"), "restart": N_("Restart"), "remove": N_("Remove"),
          "logs": N_("Logs")}
DEFAULT_INTERVAL = 5.0
_OPEN: weakref.WeakSet = weakref.WeakSet()  # dashboards of this kernel (their timers)


def action_argv(action: str, name: str, command: str = "") -> list[str]:
    """The podman arguments a dashboard button runs on container ``name``.

    Raises ValueError for an unknown action, no container, or ``exec`` with no command
    (or one shlex cannot split).
    """
    if not name:
        raise ValueError("pick a container first")
    if action == "exec":
        try:
            words = shlex.split(command)
        except ValueError as exc:
            raise ValueError(f"cannot split the command: {exc}") from None
        if not words:
            raise ValueError("type the command to run in the container, e.g. ps -ef")
        return ["exec", name, *words]
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    return [*ACTIONS[action], name]


def container_table(ps: pd.DataFrame | None) -> pd.DataFrame:
    """The dashboard's columns (name, image, status, ports) from a ``ps_frame``, by name."""
    if ps is None or ps.empty:
        return pd.DataFrame(columns=COLUMNS)
    table = pd.DataFrame({"Name": ps["Names"], "Image": ps["Image"], "Status": ps["Status"],
                          "Ports": ps["Ports"]})
    return table.sort_values("Name", kind="stable").reset_index(drop=True)


def row_options(table: pd.DataFrame) -> list[tuple[str, str]]:
    """``(label, name)`` per row: the columns padded to line up in a monospace list."""
    if table.empty:
        return []
    cells = table[COLUMNS].astype(str)
    widths = {c: max(len(c), cells[c].str.len().max()) for c in COLUMNS}
    return [(" | ".join(row[c].ljust(widths[c]) for c in COLUMNS).rstrip(" |"), row["Name"])
            for _, row in cells.iterrows()]


def header_label(table: pd.DataFrame) -> str:
    """The column titles, padded like ``row_options``."""
    cells = table[COLUMNS].astype(str)
    widths = {c: max([len(c), *cells[c].str.len().tolist()]) for c in COLUMNS}
    return " | ".join(c.ljust(widths[c]) for c in COLUMNS).rstrip()


class Dashboard(CourseWidget):
    """Live table of the sandbox's containers with start/stop/restart/rm/logs/exec."""

    replays = True  # its data is podman's answers: replay mode answers them from the recording
    title = N_("Containers in this notebook's sandbox")
    css_class = "kh-dashboard"

    def __init__(self, engine: Engine | None = None, interval: float = DEFAULT_INTERVAL):
        self.table = container_table(None)
        self.interval = interval
        self._refreshing = threading.Lock()
        self._stop = threading.Event()
        self._refresh_error = ""
        self.header = widgets.HTML()
        self.rows = widgets.Select(options=[], rows=6, layout=widgets.Layout(width="100%"))
        self.rows.add_class("kh-rows")
        self.buttons = {}
        for action in ACTIONS:
            button = widgets.Button(description=_(LABELS[action]), tooltip=f"podman {ACTIONS[action][0]}")
            button.add_class(f"kh-{action}")
            button.on_click(self.guard(lambda _b, a=action: self.act(a)))
            self.buttons[action] = button
        self.exec_command = widgets.Text(placeholder=_("command, e.g. ps -ef"),
                                         layout=widgets.Layout(width="16em"))
        self.exec_command.add_class("kh-exec-command")
        self.buttons["exec"] = widgets.Button(description=_("Exec"), tooltip="podman exec")
        self.buttons["exec"].add_class("kh-exec")
        self.buttons["exec"].on_click(self.guard(lambda _b: self.act("exec")))
        self.refresh_button = widgets.Button(description=_("Refresh"), icon="refresh")
        self.refresh_button.add_class("kh-refresh")
        self.refresh_button.on_click(self.guard(lambda _b: self.refresh()))
        self.auto = widgets.Checkbox(value=interval > 0, indent=False,
                                     description=_("auto-refresh every {seconds} s").format(
                                         seconds=f"{interval:g}"),
                                     disabled=interval <= 0)
        self.command_log = CommandLog()
        actions = [self.buttons[a] for a in ACTIONS]
        super().__init__([
            self.header, self.rows,
            widgets.HBox(actions),
            widgets.HBox([self.exec_command, self.buttons["exec"]]),
            widgets.HBox([self.refresh_button, self.auto]),
            self.command_log,
        ], engine)
        if self.engine.sandbox_id:
            self.heading.value += f'<div class="kh-mono">sandbox {html.escape(self.engine.sandbox_id)}</div>'
        self.rows.observe(lambda _c: self._enable(), "value")
        self.refresh()
        self._thread = None
        for older in list(_OPEN):
            older.auto.value = False  # one poller per kernel: re-running the cell pauses the old one
        _OPEN.add(self)
        self.auto.observe(lambda change: self._start() if change["new"] else self._stop.set(), "value")
        if self.auto.value:
            self._start()

    # -- the table -------------------------------------------------------------------
    @property
    def selected(self) -> str | None:
        """Name of the selected container, or None."""
        return self.rows.value

    def refresh(self, blocking: bool = True) -> bool:
        """Read ``podman ps -a`` and update the rows; False if another refresh was running."""
        if not self._refreshing.acquire(blocking=blocking):
            return False
        try:
            result = self.engine.run(["ps", "-a"])
            if not result.ok or result.df is None:
                self._refresh_error = failure_line(result)
                self.say(self._refresh_error, error=True)
                return True
            if self._refresh_error:
                self._refresh_error = ""
                self.say("")
            table = container_table(result.df)
            if not table.equals(self.table) or not self.header.value:
                self._show(table)
            return True
        finally:
            self._refreshing.release()

    def _show(self, table: pd.DataFrame) -> None:
        keep = self.rows.value
        self.table = table
        options = row_options(table)
        self.header.value = (f'<pre class="kh-mono" style="margin:0">{html.escape(header_label(table))}</pre>'
                             if options else "<em>(no containers in this sandbox)</em>")
        names = [name for _, name in options]
        with self.rows.hold_sync():
            self.rows.options = options
            self.rows.value = keep if keep in names else None
        self._enable()

    def _enable(self) -> None:
        for button in self.buttons.values():
            button.disabled = self.rows.value is None

    def _start(self) -> None:
        """Start the auto-refresh thread (if it is not running and the widget is open)."""
        if self.interval <= 0 or self.comm is None or self.refreshing:
            return
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._tick, args=(self._stop,), daemon=True,
                                        name="kh-dashboard-refresh")
        self._thread.start()

    def _tick(self, stop: threading.Event) -> None:
        while not stop.wait(self.interval):
            try:
                self.refresh(blocking=False)
            except Exception:  # a timer must not die on one bad refresh
                continue

    # -- the buttons -----------------------------------------------------------------
    def act(self, action: str):
        """Run one button's command on the selected container; show it; refresh."""
        try:
            args = action_argv(action, self.selected or "", self.exec_command.value)
        except ValueError as exc:
            self.say(str(exc), error=True)
            return None
        self.say(_("running: {command}").format(command="podman " + shlex.join(args)))
        result = self.command_log.show(self.engine.run(args))
        self.say("" if result.ok else failure_line(result), error=not result.ok)
        self.refresh()
        return result

    def close(self) -> None:
        """Stop the auto-refresh thread, then close the widget."""
        _OPEN.discard(self)
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        super().close()

    @property
    def refreshing(self) -> bool:
        """True while the timer thread is alive (False once closed)."""
        return self._thread is not None and self._thread.is_alive()

    # -- static views ----------------------------------------------------------------
    def static_text(self) -> str:
        return frame_text(self.table, N_("(no containers in this sandbox)"))

    def static_html(self) -> str:
        return frame_html(self.table, N_("(no containers in this sandbox)"))
