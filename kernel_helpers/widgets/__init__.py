"""Course widgets (ipywidgets 8) that a teacher drives live, one module per family.

Each reads the real engine through ``runner.run`` in this kernel's sandbox, shows the
exact command it ran, and still renders a static table where there is no front end
(papermill, nbval) or no podman.

Usage:
    from kernel_helpers.widgets import dashboard, explorer, namespaces, run_builder, units
    dashboard()                  # containers, with start/stop/restart/rm/logs/exec
    explorer()                   # classroom catalog, skopeo inspect, pull, name parts
    namespaces("web")            # host vs container namespaces, process tree
    run_builder()                # a podman run form that writes the command line
    units("web")                 # podman generate systemd, with and without --new

    %podman_widget dashboard | explorer | namespaces NAME | run | units NAME

The functions are named after the widgets; each family's module ends in ``_view`` or
names what it builds (``dashboard_view``, ``explorer_view``, ``run_builder_view``,
``namespace_view``, ``unit_generator``), so no function shadows a submodule:
``from kernel_helpers.widgets.dashboard_view import Dashboard``.
"""

from __future__ import annotations

import shlex

from ..errors import UsageError
from ..i18n import N_, _
from . import dashboard_view, explorer_view, run_builder_view
from .common import Notice

USAGE = N_("usage: %podman_widget dashboard | explorer | namespaces NAME | run | units NAME")
NEEDS_NAME = {"namespaces", "units"}
KINDS = ("dashboard", "explorer", "namespaces", "run", "units")


def dashboard(interval: float = dashboard_view.DEFAULT_INTERVAL):
    """The container dashboard of this kernel's sandbox (auto-refresh every ``interval`` s)."""
    return dashboard_view.Dashboard(interval=interval)


def explorer(reference: str = explorer_view.EXAMPLE_REFERENCE):
    """The classroom registry explorer; ``reference`` is the name shown split into parts."""
    return explorer_view.Explorer(reference=reference)


def run_builder(image: str = "", name: str = ""):
    """The ``podman run`` form, optionally with an image and a name filled in."""
    return run_builder_view.RunBuilder(image=image, name=name)


def namespaces(container: str = ""):
    """Host vs container namespaces and the process tree of ``container``."""
    from .namespace_view import NamespaceView

    return NamespaceView(container=container)


def units(container: str = ""):
    """``podman generate systemd`` for ``container``: unit text, verify result, --new diff."""
    from .unit_generator import UnitGenerator

    return UnitGenerator(container=container)


def parse_widget_line(line: str) -> tuple[str, str | None]:
    """``"namespaces web"`` -> ``("namespaces", "web")``; raises UsageError when wrong."""
    try:
        words = shlex.split(line)
    except ValueError as exc:
        raise UsageError(f"{exc}; {USAGE}") from None
    if not words or words[0] not in KINDS:
        raise UsageError(_(USAGE) if not words else _("no widget {name}; {usage}").format(
            name=repr(words[0]), usage=_(USAGE)))
    kind, rest = words[0], words[1:]
    if kind in NEEDS_NAME and len(rest) != 1:
        raise UsageError(_("%podman_widget {kind} needs one container name, e.g. "
                           "%podman_widget {kind} web").format(kind=kind))
    if kind not in NEEDS_NAME and rest:
        raise UsageError(_("%podman_widget {kind} takes no arguments; {usage}").format(
            kind=kind, usage=_(USAGE)))
    return kind, rest[0] if rest else None


def open_widget(line: str):
    """What ``%podman_widget LINE`` shows: the widget, or a one-line notice."""
    try:
        kind, name = parse_widget_line(line)
    except UsageError as exc:
        return Notice(str(exc))
    if kind == "namespaces":
        return namespaces(name)
    if kind == "units":
        return units(name)
    return {"dashboard": dashboard, "explorer": explorer, "run": run_builder}[kind]()


__all__ = ["Notice", "dashboard", "explorer", "namespaces", "open_widget", "parse_widget_line",
           "run_builder", "units"]
