"""Replay mode in a kernel: recorded cells shown instead of run, a banner, and the recording hooks.

``install(ipython)`` (from ``magics.load``) does, in replay mode:
- shows the banner: replay mode, why, and with what and when the recordings were made;
- adds an input transformer: a cell whose code is one of the notebook's recorded cells (same
  code, same occurrence) is not run; ``show`` displays its recorded outputs instead, under a
  mark, runs only its definitions (imports, functions, assignments that call nothing) and gives
  back the simple variables it set (names, ports, paths), so that a learner's own cell after it
  can still use them. A widget whose data is podman's answers (``CourseWidget.replays``: the
  dashboard, the run builder) runs for real on the recorded commands of its cell; any other
  widget's recorded view is shown as its snapshot;
- notes in ``replay.position()`` which recorded cell ran last, for the learner's own commands.
A cell whose code is not recorded (the learner's own, an edited one) runs for real: its
``%podman`` commands answer from the recording (``commands.replayed``).

While ``make record`` runs (``PODMAN_COURSE_RECORD``), it notes each cell's key before it runs
and the simple variables it set after it ran, for ``scripts/recordings.py``.
"""

from __future__ import annotations

import ast
import html
import json
import sys

from . import replay
from .i18n import _

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
MARK_STYLE = ("font-size:85%;color:#6c4f00;background:#fff6d6;border-left:3px solid #e0b000;"
              "padding:1px 6px;margin:0 0 2px 0")
BANNER_STYLE = "border:2px solid #e0b000;background:#fff6d6;padding:6px 10px;margin:4px 0"
MAX_VARIABLE = 2000  # characters of JSON: larger values are not recorded
_SIMPLE = (str, int, float, bool, type(None))


def _simple(value, depth: int = 0) -> bool:
    if isinstance(value, _SIMPLE):
        return True
    if depth < 3 and isinstance(value, (list, tuple)):
        return all(_simple(v, depth + 1) for v in value)
    if depth < 3 and isinstance(value, dict):
        return all(isinstance(k, str) and _simple(v, depth + 1) for k, v in value.items())
    return False


def simple_variables(namespace: dict, before: dict[str, int]) -> dict:
    """The variables a cell set (new, or another object than before): simple, small values only."""
    found = {}
    for name, value in namespace.items():
        if name.startswith("_") or name in ("In", "Out", "exit", "quit", "get_ipython"):
            continue
        if before.get(name) == id(value) or not _simple(value):
            continue
        text = json.dumps(value, ensure_ascii=False)
        if len(text) <= MAX_VARIABLE:
            found[name] = value
    return found


# -- what a replayed cell shows ------------------------------------------------------------------
def mark_bundle() -> dict:
    text = _("▶ recorded output ({about})").format(about=replay.about())
    return {"text/plain": text,
            "text/html": f'<div class="kh-replay" style="{MARK_STYLE}">{html.escape(text)}</div>'}


def banner_bundle(reason: str) -> dict:
    title = _("Replay mode: {reason}.").format(reason=reason)
    body = _("The outputs below are recordings of this notebook on the real podman ({about}); "
             "values of the recording machine (ids, digests, dates, kernel releases, user ids, "
             "paths) show as placeholders. Your own %podman and %skopeo commands answer only if "
             "the recording has the same command; labs, terminals and servers need a real "
             "podman, and widgets work on the recorded data where they can.").format(about=replay.about())
    return {"text/plain": f"{title}\n{body}",
            "text/html": f'<div class="kh-replay-banner" style="{BANNER_STYLE}"><strong>'
                         f"{html.escape(title)}</strong><br>{html.escape(body)}</div>"}


def _publish(data: dict, metadata: dict | None = None) -> None:
    from IPython.display import publish_display_data
    publish_display_data(data=data, metadata=metadata or {})


def _joined(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def emit(output: dict) -> None:
    """Show one recorded nbformat output again (a widget as its snapshot)."""
    kind = output.get("output_type")
    if kind == "stream":
        stream = sys.stderr if output.get("name") == "stderr" else sys.stdout
        stream.write(_joined(output.get("text", "")))
        stream.flush()
    elif kind in ("display_data", "execute_result"):
        data = {mime: (value if mime.startswith("image/") or isinstance(value, dict) else _joined(value))
                for mime, value in output.get("data", {}).items() if mime != WIDGET_MIME}
        if WIDGET_MIME in output.get("data", {}):
            note = _("(the widget as it was recorded: its buttons need a real podman)")
            data["text/plain"] = f"{data.get('text/plain', '')}\n{note}"
            data["text/html"] = f"{data.get('text/html', '')}<p><em>{html.escape(note)}</em></p>"
        meta = dict(output.get("metadata") or {})
        meta["podman_course"] = {"replay": True}
        if data:
            _publish(data, meta)
    elif kind == "error":
        sys.stderr.write(f"{output.get('ename', 'Error')}: {output.get('evalue', '')}\n")


def _cell_entry(digest: str, namespace: dict) -> tuple[str | None, int, dict | None]:
    """The notebook, index and entry of the recorded cell with this code that runs now."""
    pos = replay.position()
    places = replay.where(digest)
    if not places:
        return None, -1, None
    candidates = list(places)
    session = str(namespace.get("__session__") or "")
    by_session = [n for n in candidates if session.endswith(f"{n}.ipynb")]
    name = (by_session or ([pos.notebook] if pos.notebook in candidates else None) or candidates)[0]
    cells = replay.recording(name).get("cells", [])
    same = places[name]
    later = [i for i in same if i > pos.cell_index] if name == pos.notebook else same
    index = (later or same)[0] if later else same[-1]
    return name, index, cells[index]


def definitions(code: str) -> ast.Module:
    """The statements of CODE (Python, magics already transformed) that only define: imports,
    functions, classes, and assignments that call nothing. Replay runs these of a recorded cell,
    so that the learner's own cells find the notebook's names; what calls anything (podman, a
    server, the kit) is left to the recording."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return ast.Module(body=[], type_ignores=[])
    kept = []
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef)):
            kept.append(node)
        elif isinstance(node, (ast.ClassDef, ast.Assign, ast.AnnAssign)) and not any(
                isinstance(inner, ast.Call) for inner in ast.walk(node)):
            kept.append(node)
    return ast.Module(body=kept, type_ignores=[])


_inside = False  # show() is transforming a recorded cell's code: the transformer lets it be


def _define(shell, source: str) -> None:
    global _inside
    _inside = True
    try:
        code = shell.transform_cell(source)
    finally:
        _inside = False
    try:
        exec(compile(definitions(code), "<recorded cell>", "exec"), shell.user_ns)  # noqa: S102
    except Exception:  # noqa: BLE001 (an import this machine lacks: the recording stands)
        pass


def show(digest: str, source: str = "") -> None:
    """Run a recorded cell in replay mode: its definitions, its mark and recorded outputs (if it
    printed anything), and the simple variables it set."""
    from IPython import get_ipython
    shell = get_ipython()
    namespace = shell.user_ns if shell else {}
    name, index, entry = _cell_entry(digest, namespace)
    if entry is None:  # the recordings changed under the kernel
        sys.stderr.write(_(replay.NOT_RECORDED) + "\n")
        return
    _enter(name, index, entry["key"])
    if shell is not None and source:
        _define(shell, source)
    if entry.get("outputs"):
        _publish(mark_bundle(), {"podman_course": {"replay": True}})
    for output in entry.get("outputs", []):
        emit(output)
    namespace.update(entry.get("variables") or {})


def _enter(name: str | None, index: int, key: str | None) -> None:
    pos = replay.position()
    if name != pos.notebook:
        pos.notebook = name
    pos.cell_index, pos.cell_key = index, key


# -- IPython hooks -------------------------------------------------------------------------------
def transform(lines: list[str]) -> list[str]:
    """IPython input transformer: a recorded cell becomes a call of ``show``."""
    if _inside or not replay.active():
        return lines
    source = "".join(lines)
    digest = replay.cell_digest(source)
    from IPython import get_ipython
    shell = get_ipython()
    _name, _index, entry = _cell_entry(digest, shell.user_ns if shell else {})
    if entry is None or entry.get("live_widget"):  # a widget that works on the recording: it runs
        return lines
    return [f"__import__('kernel_helpers.replay_cells').replay_cells.show({digest!r}, {source!r})\n"]


class _Recorder:
    """``make record``: the key of each cell before it runs, its simple variables after."""

    def __init__(self, shell):
        self.shell, self.seen = shell, {}
        self.before = {name: id(value) for name, value in shell.user_ns.items()}

    def pre_run_cell(self, info) -> None:
        digest = replay.cell_digest(info.raw_cell or "")
        occurrence = self.seen.get(digest, 0)
        self.seen[digest] = occurrence + 1
        replay.position().cell_key = f"{digest}#{occurrence}"
        self.before = {name: id(value) for name, value in self.shell.user_ns.items()}

    def post_run_cell(self, result) -> None:
        found = simple_variables(self.shell.user_ns, self.before)
        if found:
            replay.record({"type": "variables", "cell": replay.position().cell_key, "values": found})


def _before_cell(info) -> None:
    """Replay mode, before any cell. A recorded cell whose widget replays live: it runs for real,
    at its place in the recording (its commands answer as when it was recorded), under the mark.
    Any other cell that runs for real (the learner's own): its commands answer as at the last
    recorded cell. (A recorded cell replaced by ``show`` sets its place itself.)"""
    pos = replay.position()
    pos.cell_key, pos.live_widget = None, False
    if _inside:
        return
    from IPython import get_ipython
    shell = get_ipython()
    name, index, entry = _cell_entry(replay.cell_digest(info.raw_cell or ""), shell.user_ns if shell else {})
    if entry is not None and entry.get("live_widget"):
        _enter(name, index, entry["key"])
        pos.live_widget = True
        _publish(mark_bundle(), {"podman_course": {"replay": True}})


def install(ipython) -> None:
    """Wire replay mode (or recording) into this kernel; show the banner in replay mode."""
    if replay.recording_to() is not None:
        recorder = _Recorder(ipython)
        ipython.events.register("pre_run_cell", recorder.pre_run_cell)
        ipython.events.register("post_run_cell", recorder.post_run_cell)
    if transform not in ipython.input_transformers_cleanup:
        ipython.input_transformers_cleanup.insert(0, transform)
    if replay.active():
        ipython.events.register("pre_run_cell", _before_cell)
        ipython.set_custom_exc((replay.NotRecorded,), _one_line)
        _publish(banner_bundle(replay.reason()), {"podman_course": {"replay": True}})


def _one_line(shell, etype, value, tb, tb_offset=None):
    sys.stderr.write(f"{value}\n")


def uninstall(ipython) -> None:
    if transform in ipython.input_transformers_cleanup:
        ipython.input_transformers_cleanup.remove(transform)
