"""Small pure helpers shared by the table parsers: JSON loading, dates, sizes, lookups."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone

from ..errors import ParseError

_ISO = re.compile(r"^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d(?::\d\d)?)")
_UNITS = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"]


def load_json(kind: str, text: str):
    """Parse ``text`` as JSON; blank or ``null`` output is an empty list."""
    if text is None or not text.strip():
        return []
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ParseError(kind, text, str(exc)) from None
    return [] if data is None else data


def load_list(kind: str, text: str) -> list[dict]:
    """Parse a JSON array of objects (a lone object counts as a one-item array)."""
    data = load_json(kind, text)
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise ParseError(kind, text, f"expected a JSON array, got {type(data).__name__}")
    return [item for item in data if isinstance(item, dict)]


def get(obj, path: str, default=None):
    """``get(d, "State.Status")``: nested lookup that never raises."""
    for part in path.split("."):
        if not isinstance(obj, dict) or part not in obj:
            return default
        obj = obj[part]
    return default if obj is None else obj


def when(value) -> str:
    """A timestamp as ``YYYY-MM-DD HH:MM:SS`` (UTC for epochs); other text unchanged."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        if value <= 0:
            return ""
        return datetime.fromtimestamp(value, timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    match = _ISO.match(str(value))
    return f"{match.group(1)} {match.group(2)}" if match else str(value)


def human_size(size) -> str:
    """Bytes the way podman prints them (decimal units, 3 significant digits): ``2 MB``."""
    if size is None or size == "":
        return ""
    try:
        value = float(size)
    except (TypeError, ValueError):
        return str(size)
    i = 0
    while value >= 1000 and i < len(_UNITS) - 1:
        value /= 1000
        i += 1
    return f"{value:.3g} {_UNITS[i]}"


def short_id(value) -> str:
    """A 12-character ID (``sha256:`` dropped); ``<missing>`` and names unchanged."""
    text = str(value or "")
    if text.startswith("sha256:"):
        text = text[7:]
    return text[:12] if re.fullmatch(r"[0-9a-f]{13,}", text) else text


def joined(value, sep: str = ", ") -> str:
    """A list shown as text; dicts as ``k=v`` sorted by key; scalars unchanged."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return sep.join(f"{k}={v}" for k, v in sorted(value.items()))
    if isinstance(value, (list, tuple)):
        return sep.join(str(v) for v in value)
    return str(value)


def argv_text(value) -> str:
    """Cmd/Entrypoint: lists as a JSON array (exec form), strings unchanged."""
    if value is None or value == "":
        return ""
    if isinstance(value, (list, tuple)):
        return json.dumps(list(value))
    return str(value)


def scalar(value):
    """A cell value: scalars kept, lists and dicts turned into short text."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, dict) and not value:
        return ""
    if isinstance(value, dict) or (isinstance(value, list) and any(
            isinstance(v, (dict, list)) for v in value)):
        return json.dumps(value, sort_keys=True)
    return joined(value)
