"""Reading a lab file (TOML) into a ``format.Lab``, checking every field on the way.

Every problem is one line naming the file and the field (``LabFileError``):
``lab file .../03-rhel7.toml: checks[2].kind: unknown kind 'container_up' (known: ...)``.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import tomllib

from .format import (
    BUILTINS,
    CHECK_KEYS,
    CLEANUP_KEYS,
    NAME,
    PLACEHOLDER,
    STEP_TOOLS,
    TOP_KEYS,
    Check,
    Cleanup,
    Lab,
    LabFileError,
    Step,
    texts,
)
from .kinds import REGISTRY


class _Reader:
    """Reads one lab file's table, raising LabFileError that names the file and field."""

    def __init__(self, source: Path):
        self.source = source

    def error(self, field: str, problem: str) -> LabFileError:
        return LabFileError(f"lab file {self.source}: {field}: {problem}")

    def text(self, table: dict, key: str, field: str) -> str:
        value = table.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.error(field, "missing" if value is None else "must be a non-empty string")
        return value.strip()

    def texts(self, table: dict, key: str, field: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.error(field, "must be a list of non-empty strings")
        return tuple(v.strip() for v in value)

    def table(self, data: dict, key: str, allowed: tuple[str, ...] | None = None) -> dict:
        value = data.get(key, {})
        if not isinstance(value, dict):
            raise self.error(key, "must be a table")
        unknown = sorted(set(value) - set(allowed)) if allowed is not None else []
        if unknown:
            raise self.error(f"{key}.{unknown[0]}", f"unknown key (known: {', '.join(allowed)})")
        return value

    def steps(self, table: dict, field: str) -> tuple[Step, ...]:
        value = table.get("steps", [])
        if not isinstance(value, list):
            raise self.error(field, "must be a list of steps")
        return tuple(self.step(item, f"{field}[{i}]") for i, item in enumerate(value))

    def step(self, item, field: str) -> Step:
        if isinstance(item, str) and item.strip():
            return Step("podman", item.strip())
        if not isinstance(item, dict):
            raise self.error(field, 'must be a %podman line or a table like {podman = "...", '
                             'input = "..."}, {skopeo = "..."}, {shell = "..."}')
        tools = [t for t in STEP_TOOLS if t in item]
        unknown = sorted(set(item) - set(STEP_TOOLS) - {"input"})
        if len(tools) != 1 or unknown:
            raise self.error(field, f"needs exactly one of {', '.join(STEP_TOOLS)} (and maybe input)")
        line, given = item[tools[0]], item.get("input")
        if not isinstance(line, str) or not line.strip() or not isinstance(given, (str, type(None))):
            raise self.error(field, "the command and its input must be strings")
        if tools[0] == "shell" and given is not None:
            raise self.error(field, "a shell step takes no input")
        return Step(tools[0], line.strip(), given)

    def check(self, item, field: str) -> Check:
        if not isinstance(item, dict):
            raise self.error(field, "must be a table")
        kind = item.get("kind")
        if kind not in REGISTRY:
            raise self.error(f"{field}.kind", f"unknown kind {kind!r} (known: {', '.join(sorted(REGISTRY))})")
        spec = REGISTRY[kind]
        params = {k: v for k, v in item.items() if k not in CHECK_KEYS}
        for key, value in params.items():
            if key not in spec.params:
                raise self.error(f"{field}.{key}", f"{kind} takes no {key!r} "
                                 f"(it takes: {', '.join(spec.params) or 'nothing'})")
            want = spec.params[key].type
            fits = (isinstance(value, want) and not (want is int and isinstance(value, bool))) or (
                want is int and isinstance(value, str) and PLACEHOLDER.fullmatch(value))
            if not fits:
                raise self.error(f"{field}.{key}", f"must be {want.__name__}, not {value!r}")
            choices = spec.params[key].choices
            if choices and value not in choices:
                raise self.error(f"{field}.{key}", f"must be one of {', '.join(choices)}, not {value!r}")
        missing = [key for key, p in spec.params.items() if p.required and key not in params]
        if missing:
            raise self.error(f"{field}.{missing[0]}", f"missing ({kind} needs it)")
        label = item.get("label", "")
        if not isinstance(label, str):
            raise self.error(f"{field}.label", "must be a string")
        check_id = item.get("id", kind)
        if not isinstance(check_id, str) or not NAME.match(check_id.replace("_", "-")):
            raise self.error(f"{field}.id", "must be a short name (letters, digits, - and _)")
        return Check(check_id, kind, params, self.text(item, "hint", f"{field}.hint"), label)


def parse(data: dict, source: Path) -> Lab:
    """DATA (a lab file's TOML) as a ``Lab``; raises LabFileError naming SOURCE and the field."""
    r = _Reader(source)
    unknown = sorted(set(data) - TOP_KEYS)
    if unknown:
        raise r.error(unknown[0], f"unknown key (known: {', '.join(sorted(TOP_KEYS))})")
    name = r.text(data, "name", "name")
    if name != source.stem:
        raise r.error("name", f"{name!r} must be the file's name, {source.stem!r}")
    if not NAME.match(name):
        raise r.error("name", "lowercase letters, digits and -, like 03-rhel7")
    minutes = data.get("minutes")
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 0 < minutes <= 240:
        raise r.error("minutes", "must be a whole number of minutes, 1 to 240")
    rootless = data.get("rootless", False)
    if not isinstance(rootless, bool):
        raise r.error("rootless", "must be true or false")
    hints = r.texts(data, "hints", "hints")
    if not 2 <= len(hints) <= 3:
        raise r.error("hints", f"give 2 or 3 progressive hints, not {len(hints)}")
    variables = r.table(data, "variables")
    ports = r.table(data, "ports")
    for key, value in variables.items():
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            raise r.error(f"variables.{key}", "must be a string or a number")
    for key, port in ports.items():
        if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
            raise r.error(f"ports.{key}", "must be a port number (the default host port)")
    for key in [*variables, *ports]:
        if not PLACEHOLDER.fullmatch(f"{{{key}}}") or key in BUILTINS or (key in variables and key in ports):
            raise r.error(f"{'ports' if key in ports else 'variables'}.{key}",
                          "must be a new name (letters, digits, _), not a built-in one or used twice")
    setup = r.table(data, "setup", ("pull", "steps", "systemd_host"))
    systemd_host = setup.get("systemd_host", False)
    if not isinstance(systemd_host, bool):
        raise r.error("setup.systemd_host", "must be true or false")
    solution = r.table(data, "solution", ("steps",))
    wrong = r.table(data, "wrong", ("what", "steps", "fails"))
    cleanup = r.table(data, "cleanup", CLEANUP_KEYS)
    raw_checks = data.get("checks")
    if not isinstance(raw_checks, list) or not raw_checks:
        raise r.error("checks", "give at least one [[checks]] table")
    checks = tuple(r.check(item, f"checks[{i}]") for i, item in enumerate(raw_checks))
    ids = [c.id for c in checks]
    for i, check_id in enumerate(ids):
        if check_id in ids[:i]:
            raise r.error(f"checks[{i}].id", f"{check_id!r} is used twice (give each check "
                          "of the same kind its own id)")
    fails = wrong.get("fails", [])
    fails = [fails] if isinstance(fails, str) else fails
    if not isinstance(fails, list) or not fails or any(f not in ids for f in fails):
        raise r.error("wrong.fails", "must name the check(s) the wrong attempt fails, among: "
                      + ", ".join(ids))
    lab = Lab(
        name=name, notebook=r.text(data, "notebook", "notebook"), title=r.text(data, "title", "title"),
        minutes=minutes, task=r.text(data, "task", "task"), hints=hints, checks=checks,
        solution=r.steps(solution, "solution.steps"), wrong_what=r.text(wrong, "what", "wrong.what"),
        wrong_steps=r.steps(wrong, "wrong.steps"), wrong_fails=tuple(fails), rootless=rootless,
        variables=tuple((k, str(v)) for k, v in variables.items()), ports=tuple(ports.items()),
        setup_pull=r.texts(setup, "pull", "setup.pull"), setup_steps=r.steps(setup, "setup.steps"),
        systemd_host=systemd_host,
        cleanup=Cleanup(**{k: r.texts(cleanup, k, f"cleanup.{k}") for k in CLEANUP_KEYS}),
        source=source)
    for field, steps in (("solution.steps", lab.solution), ("wrong.steps", lab.wrong_steps)):
        if not steps:
            raise r.error(field, "give the commands (the tests run them)")
    _check_variables(lab, r)
    return lab


def _check_variables(lab: Lab, r: _Reader) -> None:
    """Every ``{NAME}`` in the lab is a known variable."""
    known = set(BUILTINS) | {k for k, _ in lab.variables} | {k for k, _ in lab.ports}
    for f in fields(lab):
        used = {m[1] for text in texts(getattr(lab, f.name)) for m in PLACEHOLDER.finditer(text)}
        unknown = sorted(used - known)
        if unknown:
            field = f.name.replace("_", ".", 1) if f.name.startswith(("wrong_", "setup_")) else f.name
            raise r.error(field, f"unknown variable {{{unknown[0]}}} (known: {', '.join(sorted(known))})")


def load_file(path: Path) -> Lab:
    """Read and check one lab file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise LabFileError(f"lab file {path}: cannot read it: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise LabFileError(f"lab file {path}: not valid TOML: {exc}") from None
    return parse(data, path)
