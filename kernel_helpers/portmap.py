"""The notes' ports in a hub classroom: learner N's 8080 is a port of N's own block.

On one host the notes' ports (8000, 8080, 3306) can be bound once, and twenty learners
share the host. The hub gives each learner a block of ports (``hub.resources``) and sets
``$PODMAN_COURSE_PORT_MAP`` (``8000=10000,8080=10080,3306=10006``) in the learner's server.
The kit then applies the map wherever a learner's command or the lesson API names a notes
port, and says so in one line: ``port 8080 is 10080 in this classroom``.
- ``%podman run -p 8080:8080`` publishes 10080 (``remap_publish``; the cell shows the
  command as typed, and the line as its note); the lease is taken on 10080 (``sandbox``);
- ``podman port`` shows the notes port back in its table (``notes_view``), with the line;
- ``lesson.fetch(8080)`` and ``lesson.mariadb(3306)`` reach 10080 and 10006 (``host_port``).
Without the variable (a laptop, a root kernel, the tests) nothing changes: ``port_map()``
is empty and every function here returns what it was given.

Usage:
    portmap.host_port(8080)                  # 10080 in the classroom, 8080 elsewhere
    args, note = portmap.remap_publish("podman", ["run", "-p", "8080:80", "img"])
"""

from __future__ import annotations

import os

import pandas as pd

from .errors import KitError
from .i18n import _
from .parsers.argv import PUBLISHING, ArgvError, parse, parse_publish

MAP_ENV = "PODMAN_COURSE_PORT_MAP"
HOST_PORT = "Host port"  # the column of ``podman port``'s table (parsers.tables.PORT_COLUMNS)


def parse_map(raw: str) -> dict[int, int]:
    """``"8080=10080,3306=10006"`` as ``{8080: 10080, 3306: 10006}``; KitError if malformed."""
    mapping: dict[int, int] = {}
    for item in filter(None, (part.strip() for part in raw.split(","))):
        notes, eq, host = item.partition("=")
        if not (eq and notes.strip().isdigit() and host.strip().isdigit()):
            raise KitError(f"{MAP_ENV} must look like 8080=10080,3306=10006, not {raw!r}")
        mapping[int(notes)] = int(host)
    if len(set(mapping.values())) != len(mapping):
        raise KitError(f"{MAP_ENV} maps two notes ports to one host port: {raw!r}")
    return mapping


def format_map(mapping: dict[int, int]) -> str:
    """The inverse of ``parse_map``: ``{8080: 10080}`` as ``"8080=10080"``."""
    return ",".join(f"{notes}={host}" for notes, host in mapping.items())


def port_map() -> dict[int, int]:
    """This kernel's map (notes port -> host port): ``$PODMAN_COURSE_PORT_MAP``, else {}."""
    raw = os.environ.get(MAP_ENV, "").strip()
    return parse_map(raw) if raw else {}


def host_port(port: int) -> int:
    """The host port that stands for notes port PORT here (PORT itself outside a classroom)."""
    return port_map().get(port, port)


def reserved() -> frozenset[int]:
    """Host ports kept for the notes' ports: never leased for anything else."""
    return frozenset(port_map().values())


def line(port: int) -> str | None:
    """``port 8080 is 10080 in this classroom`` when PORT is mapped, else None."""
    mapped = host_port(port)
    if mapped == port:
        return None
    return _("port {port} is {mapped} in this classroom").format(port=port, mapped=mapped)


def _with_host_port(spec: str, mapped: int) -> str:
    """The ``-p`` SPEC (one host port given) with its host port replaced by MAPPED."""
    address, slash, proto = spec.partition("/")
    head = ""
    if "]" in address:  # [ipv6]:host:container
        bracket, _, address = address.partition("]")
        head, address = bracket + "]:", address[1:]
    parts = address.split(":")
    parts[-2] = str(mapped)
    return head + ":".join(parts) + slash + proto


def remap_publish(tool: str, args: list[str]) -> tuple[list[str], str | None]:
    """ARGS with each notes host port given to ``-p`` replaced by its classroom port, and the
    note (``port 8080 is 10080 in this classroom``), or (ARGS, None) when nothing is mapped.

    Only single host ports are mapped (a range like ``8080-8081:80-81`` is left as written).
    A spec podman would refuse is left for the caller's own check to report.
    """
    mapping = port_map()
    if not mapping or tool != "podman":
        return list(args), None
    cmd = parse(args, tool)
    if cmd.path not in PUBLISHING:
        return list(args), None
    out, lines = list(args), []
    for opt in cmd.find("--publish"):
        try:
            publish = parse_publish(opt.value or "")
        except ArgvError:
            continue
        hosts = publish.host_ports
        if hosts is None or len(hosts) != 1 or hosts[0] not in mapping:
            continue
        new = _with_host_port(publish.spec, mapping[hosts[0]])
        if opt.tokens == 2:
            out[opt.at + 1] = new
        else:  # "--publish=8080:80", "-p8080:80", "-dp8080:80": the value ends the token
            out[opt.at] = out[opt.at][:len(out[opt.at]) - len(publish.spec)] + new
        lines.append(line(hosts[0]))
    return out, "; ".join(dict.fromkeys(lines)) or None


def notes_view(df: pd.DataFrame | None) -> tuple[pd.DataFrame | None, str | None]:
    """A ``podman port`` table with classroom ports shown as the notes ports they stand for,
    and the note that says so; (DF, None) when no row has a mapped port."""
    mapping = port_map()
    if df is None or not mapping or HOST_PORT not in df.columns:
        return df, None
    back = {host: notes for notes, host in mapping.items()}
    shown = [p for p in df[HOST_PORT] if p in back]
    if not shown:
        return df, None
    view = df.assign(**{HOST_PORT: df[HOST_PORT].map(lambda p: back.get(p, p))})
    return view, "; ".join(dict.fromkeys(line(back[p]) for p in shown))
