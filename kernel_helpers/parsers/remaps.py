"""The registries.conf remaps that ``podman search`` and ``skopeo inspect/list-tags`` ignore.

A ``[[registry]]`` table with ``prefix = "registry.redhat.io"`` and
``location = "localhost:5000"`` makes pulls of ``registry.redhat.io/rhel8/httpd-24``
fetch from the classroom. ``podman search HOST/TERM``, ``skopeo list-tags`` and the tag
listing of ``skopeo inspect`` talk to HOST itself, so the notes' commands would fail.
``remap_args`` rewrites those references to the mapped location, and says so (in the
learner's language). Pure: the caller reads the file.
"""

from __future__ import annotations

import tomllib

from ..i18n import N_, _
from .argv import parse

#: tool -> command words whose image references are rewritten, and the note that says so.
REWRITTEN = {
    ("podman", "search"): N_("{prefix} is remapped to {location} by the kit's registries.conf: "
                             "searched {reference}"),
    ("skopeo", "inspect"): N_("{prefix} is remapped to {location} by the kit's registries.conf: "
                              "inspected {reference}"),
    ("skopeo", "list-tags"): N_("{prefix} is remapped to {location} by the kit's registries.conf: "
                                "listed the tags of {reference}"),
}
DOCKER = "docker://"


def remaps_from_toml(text: str) -> list[tuple[str, str]]:
    """``(prefix, location)`` of each remapping ``[[registry]]`` table, longest prefix first.

    Tables without a prefix, blocked ones, wildcard prefixes and those that map a name
    to itself are left out. A file that is not TOML gives no remaps.
    """
    try:
        tables = tomllib.loads(text).get("registry", [])
    except tomllib.TOMLDecodeError:
        return []
    found = []
    for table in tables if isinstance(tables, list) else []:
        prefix, location = table.get("prefix"), table.get("location")
        if (isinstance(prefix, str) and isinstance(location, str) and location
                and prefix != location and "*" not in prefix and not table.get("blocked")):
            found.append((prefix, location))
    return sorted(found, key=lambda pair: len(pair[0]), reverse=True)


def _remap(name: str, remaps: list[tuple[str, str]]) -> tuple[str, str] | None:
    """The ``(prefix, location)`` that ``name`` (no transport) falls under, if any."""
    for prefix, location in remaps:
        # as containers/image matches: a path boundary; a tag or digest after a repository
        ends, rest = ("/", ":", "@") if "/" in prefix else ("/",), name[len(prefix):]
        if name.startswith(prefix) and (rest.startswith(ends) if rest else "/" in prefix):
            return prefix, location
    return None


def remap_args(tool: str, args: list[str], remaps: list[tuple[str, str]]) -> tuple[list[str], str | None]:
    """``args`` with remapped references rewritten, and a one-line note (None if unchanged).

    >>> remap_args("podman", ["search", "registry.redhat.io/rhel8"],
    ...            [("registry.redhat.io", "localhost:5000")])[0]
    ['search', 'localhost:5000/rhel8']
    """
    cmd = parse(args, tool)
    said = REWRITTEN.get((tool, cmd.path))
    if not said or not remaps:
        return list(args), None
    out, notes = list(args), []
    transport = DOCKER if tool == "skopeo" else ""
    for i in cmd.arguments:  # the references, not the values of options
        tok = args[i]
        if not tok.startswith(transport):
            continue
        name = tok[len(transport):]
        mapped = _remap(name, remaps)
        if mapped:
            prefix, location = mapped
            out[i] = transport + location + name[len(prefix):]
            notes.append(_(said).format(prefix=prefix, location=location, reference=out[i]))
    return out, "; ".join(notes) or None
