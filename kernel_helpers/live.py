"""A running command's output in the cell, as it arrives, like a terminal.

``LiveView`` is the ``watch`` that the process layer (``process.run``) feeds: it gets each
piece of stdout/stderr as it arrives, and a tick at least every 0.25 s. After
``FIRST_SHOW`` seconds it shows, in one updatable display of the cell:
- the command line and a running timer;
- the last ``KEEP_LINES`` lines of output (bounded, whatever the command prints);
- for an attached ``podman run`` still running after ``HINT_AFTER`` s, how to stop it.

When the command ends, ``close()`` empties that display, and the magic's final rendering
(table, hint, exit status) follows as the cell's result. A command that ends within
``FIRST_SHOW`` seconds never shows a live view.

Only interactive front ends get it. papermill (nbclient) and nbval execute with
``allow_stdin=False``; JupyterLab, Notebook and VS Code with ``allow_stdin=True``, so the
kernel's ``_allow_stdin`` tells them apart, and stored notebooks hold only the final,
deterministic output. ``PODMAN_COURSE_LIVE=1`` forces live views on, ``0`` off.

Usage (what ``commands.run_args`` does):
    view = LiveView("$ podman pull ubi8/ubi", hint=None) if enabled() else None
    try:
        result = runner.run(..., watch=view)
    finally:
        if view:
            view.close()
"""

from __future__ import annotations

import html
import os
import time

ENV = "PODMAN_COURSE_LIVE"
FIRST_SHOW = 0.5  # seconds before a live view appears (quick commands never flicker)
EVERY = 0.2  # at most one update per EVERY seconds
KEEP_LINES = 30
LINE_CHARS = 400
STOP_HINT = ("still running: press ■ (interrupt the kernel) to stop it, or start it with -d "
             "to run it in the background")
HINT_AFTER = 5.0

_TIMER_STYLE = "color:#888;font-weight:normal;margin-left:1em"
_BOX_STYLE = "margin:2px 0;max-height:30em;overflow:auto;background:#f7f7f7;padding:4px"


def enabled() -> bool:
    """Whether this kernel's current cell should show live output (see the module's doc)."""
    setting = os.environ.get(ENV, "auto").strip().lower()
    if setting in ("0", "no", "off", "false"):
        return False
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    kernel = getattr(get_ipython(), "kernel", None)
    if kernel is None:  # a terminal IPython or a test shell: nothing to update in place
        return False
    if setting in ("1", "yes", "on", "true"):
        return True
    return bool(getattr(kernel, "_allow_stdin", False))


class LiveView:
    """The live display of one running command (a ``watch`` for ``process.run``)."""

    def __init__(self, header: str, hint: str | None = None, *, display=None, clock=time.monotonic):
        self.header = header
        self.hint = hint
        self.lines: list[str] = []
        self.partial = ""
        self.elapsed = 0.0
        self.dropped = 0
        self._handle = None
        self._dirty = False
        self._last = float("-inf")
        self._display = display
        self._clock = clock

    # -- the watch protocol ----------------------------------------------------------
    def output(self, stream: str, text: str) -> None:
        """A piece of stdout or stderr (both go to the view, in arrival order)."""
        pieces = (self.partial + text).split("\n")
        self.partial = pieces.pop()[-LINE_CHARS:]
        self.lines.extend(line[:LINE_CHARS] for line in pieces)
        if len(self.lines) > KEEP_LINES:
            self.dropped += len(self.lines) - KEEP_LINES
            del self.lines[:-KEEP_LINES]
        self._dirty = True
        self._refresh()

    def tick(self, elapsed: float) -> None:
        self.elapsed = elapsed
        self._refresh()

    def close(self) -> None:
        """Empty the live display: the final rendering replaces it."""
        if self._handle is not None:
            self._handle.update({"text/plain": ""}, raw=True)
            self._handle = None

    # -- rendering -------------------------------------------------------------------
    def shown_lines(self) -> list[str]:
        lines = [*self.lines, self.partial] if self.partial else list(self.lines)
        if self.dropped:
            lines.insert(0, f"… {self.dropped} earlier lines …")
        return lines

    def bundle(self) -> dict:
        timer = f"{int(self.elapsed)} s"
        hint = self.hint if self.hint and self.elapsed >= HINT_AFTER else None
        text = "\n".join([f"{self.header}   ({timer}, running)", *self.shown_lines(),
                          *([f"note: {hint}"] if hint else [])])
        esc = html.escape
        body = esc("\n".join(self.shown_lines()))
        parts = [f'<div class="kh-live"><div style="font-family:monospace;font-weight:bold">'
                 f'{esc(self.header)}<span style="{_TIMER_STYLE}">⏱ {timer}, running</span></div>']
        if body:
            parts.append(f'<pre style="{_BOX_STYLE}">{body}</pre>')
        if hint:
            parts.append(f'<div class="kh-note"><em>{esc(hint)}</em></div>')
        parts.append("</div>")
        return {"text/plain": text, "text/html": "".join(parts)}

    def _refresh(self) -> None:
        if self.elapsed < FIRST_SHOW:
            return
        now = self._clock()
        if now - self._last < (EVERY if self._dirty else 1.0):
            return
        self._last, self._dirty = now, False
        if self._handle is None:
            show = self._display or _ipython_display
            self._handle = show(self.bundle())
        else:
            self._handle.update(self.bundle(), raw=True)


def _ipython_display(bundle: dict):
    from IPython.display import display

    return display(bundle, raw=True, display_id=True)
