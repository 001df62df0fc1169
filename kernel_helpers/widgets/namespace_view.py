"""Namespace view: what a running container shares with the host, and its process tree.

Pick a running container and press Show: a table compares this kernel's namespaces
(the host's) with those of the container's main process (``/proc/PID/ns``), and
``podman top`` gives its processes as a tree, each with its PID and user inside the
container next to its PID and user on the host (read from ``/proc``, as podman's own ``hpid``
and ``huser`` print ``?`` on some machines). The commands behind the view are listed under it.

Usage:
    from kernel_helpers.widgets import namespaces
    namespaces("web")                # or: %podman_widget namespaces web

Examples:
    view_commands("web")   # ['podman inspect --format {{.State.Pid}} web', 'podman top web ...', ...]
    static_tree(tree)      # the process tree without host PIDs (they change every run)
"""

from __future__ import annotations

import html
import shlex

import ipywidgets as widgets
import pandas as pd

from .. import namespaces as ns
from ..errors import KitError
from ..i18n import N_, _
from ..results import NO_ROWS
from .common import Engine, PicksContainer, frame_html, frame_text, one_line

NO_CONTAINER = N_("(no running container in this sandbox: start one, then press Refresh)")
NOTHING = N_("nothing to show")
PROCESSES = N_("processes (podman top)")  # the heading of the process tree in the static view


# how the view finds the host side of each process (podman's hpid/huser can print "?")
HOST_SIDE = "grep -e NSpid -e Uid /proc/PID/status   # for each PID whose /proc/PID/ns/pid is the container's"


def view_commands(container: str) -> list[str]:
    """The commands the view runs for ``container``, as a learner would type them."""
    return [shlex.join(["podman", "inspect", "--format", "{{.State.Pid}}", container]),
            shlex.join(["podman", "top", container, *ns.TOP_FIELDS]),
            HOST_SIDE]


def empty_table() -> pd.DataFrame:
    """A namespace table with no rows (and all its columns, so filters on them still work)."""
    return ns.compare({}, {})


def running_names(ps: pd.DataFrame | None) -> list[str]:
    """Names of the running containers in a ``ps_frame``, sorted."""
    if ps is None or ps.empty:
        return []
    return sorted(ps.loc[ps["State"] == "running", "Names"].tolist())


def static_tree(tree: pd.DataFrame) -> pd.DataFrame:
    """The process tree without the host PID column (it differs on every run)."""
    return tree.drop(columns=["PID on host"], errors="ignore")


class NamespaceView(PicksContainer):
    """Host vs container namespaces and the container's process tree."""

    title = N_("Namespaces: host vs container")
    css_class = "kh-namespaces"
    ps_args = ["ps"]  # only running containers have namespaces to show
    no_container = NO_CONTAINER
    missing = N_("{name} is not running here: pick a running container")

    def __init__(self, engine: Engine | None = None, container: str = ""):
        self.container = container
        self.table = empty_table()
        self.tree = ns.tree_frame("")
        self.problem = ""  # the one-line error of the last Show, if any
        self.containers = widgets.Dropdown(options=[], description=_("container"))
        self.containers.add_class("kh-containers")
        self.show_button = widgets.Button(description=_("Show"), icon="eye", button_style="primary")
        self.show_button.add_class("kh-show")
        self.show_button.on_click(self.guard(lambda _b: self.show()))
        self.refresh_button = widgets.Button(description=_("Refresh"), icon="refresh")
        self.refresh_button.add_class("kh-refresh")
        self.refresh_button.on_click(self.guard(lambda _b: self.load_containers()))
        self.namespace_html = widgets.HTML()
        self.namespace_html.add_class("kh-namespace-table")
        self.tree_html = widgets.HTML()
        self.tree_html.add_class("kh-process-tree")
        self.commands = widgets.HTML()
        super().__init__([widgets.HBox([self.containers, self.show_button, self.refresh_button]),
                          self.namespace_html, self.tree_html, self.commands], engine)
        self.load_containers(prefer=container)
        self.containers.observe(self.guard(lambda change: self._loading or self.show(change["new"])),
                                "value")
        if self.containers.value and (not container or self.containers.value == container):
            self.show()

    def names(self, ps: pd.DataFrame | None) -> list[str]:
        return running_names(ps)

    def show(self, container: str | None = None) -> None:
        """Read the namespaces and the process tree of ``container`` (default: the picked one)."""
        container = container or self.containers.value
        if not container:
            self.say(_(NO_CONTAINER), error=True)
            return
        self.container = container
        self.tree = ns.tree_frame("")
        self.problem = ""
        try:
            self.table = ns.namespace_table(container, env=self.engine.env)
        except (KitError, OSError, ValueError) as exc:
            self.table = empty_table()
            self.namespace_html.value = self.tree_html.value = ""
            self.problem = one_line(exc)
            self.say(f"{container}: {self.problem}", error=True)
            return
        own = int(self.table["isolated"].sum())
        self.namespace_html.value = (_("<b>Namespaces of {name} and of the host</b>").format(
            name=html.escape(container)) + frame_html(self.table))
        try:
            self.tree = ns.process_tree(container, env=self.engine.env)
        except (KitError, OSError, ValueError) as exc:  # the namespaces are still worth showing
            self.tree_html.value = ""
            self.problem = _("its processes: {error}").format(error=one_line(exc))
            self.say(f"{container}: {self.problem}", error=True)
        else:
            self.say(_("{name} has {own} of {total} namespace types of its own").format(
                name=container, own=own, total=len(self.table)))
            self.tree_html.value = (_("<b>Its processes</b> (podman top; on the host: /proc)")
                                    + frame_html(self.tree))
        self.commands.value = ('<pre class="kh-mono" style="color:#555">'
                               + html.escape("\n".join(f"$ {c}" for c in view_commands(container)))
                               + "</pre>")

    def static_text(self) -> str:
        if self.table.empty:
            if not self.container:
                return _(NO_CONTAINER)
            return f"{self.container}: {self.problem or _(NOTHING)}"
        return (f"{self.container}\n{frame_text(self.table)}\n\n{_(PROCESSES)}\n"
                f"{frame_text(static_tree(self.tree), empty=self.problem or NO_ROWS)}")

    def static_html(self) -> str:
        if self.table.empty:
            return f"<p>{html.escape(self.static_text())}</p>"
        return (f"<p>{html.escape(self.container)}</p>{frame_html(self.table)}"
                f"<p>{html.escape(_(PROCESSES))}</p>"
                f"{frame_html(static_tree(self.tree), empty=self.problem or NO_ROWS)}")
