"""Namespace view: what a running container shares with the host, and its process tree.

Pick a running container and press Show: a table compares this kernel's namespaces
(the host's) with those of the container's main process (``/proc/PID/ns``), and
``podman top`` gives its processes as a tree, each with its PID inside the container
next to its PID on the host. The podman commands behind the view are listed under it.

Usage:
    from kernel_helpers.widgets import namespaces
    namespaces("web")                # or: %podman_widget namespaces web

Examples:
    view_commands("web")   # ['podman inspect --format {{.State.Pid}} web', 'podman top web ...']
    static_tree(tree)      # the process tree without host PIDs (they change every run)
"""

from __future__ import annotations

import html
import shlex

import ipywidgets as widgets
import pandas as pd

from .. import namespaces as ns
from ..errors import KitError
from .common import Engine, PicksContainer, frame_html, frame_text, one_line

NO_CONTAINER = "(no running container in this sandbox: start one, then press Refresh)"


def view_commands(container: str) -> list[str]:
    """The podman commands the view runs for ``container``, as a learner would type them."""
    return [shlex.join(["podman", "inspect", "--format", "{{.State.Pid}}", container]),
            shlex.join(["podman", "top", container, *ns.TOP_FIELDS])]


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

    title = "Namespaces: host vs container"
    css_class = "kh-namespaces"
    ps_args = ["ps"]  # only running containers have namespaces to show
    no_container = NO_CONTAINER
    missing = "{name} is not running here: pick a running container"

    def __init__(self, engine: Engine | None = None, container: str = ""):
        self.container = container
        self.table = pd.DataFrame()
        self.tree = pd.DataFrame()
        self.containers = widgets.Dropdown(options=[], description="container")
        self.containers.add_class("kh-containers")
        self.show_button = widgets.Button(description="Show", icon="eye", button_style="primary")
        self.show_button.add_class("kh-show")
        self.show_button.on_click(self.guard(lambda _b: self.show()))
        self.refresh_button = widgets.Button(description="Refresh", icon="refresh")
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
            self.say(NO_CONTAINER, error=True)
            return
        self.container = container
        try:
            self.table = ns.namespace_table(container, env=self.engine.env)
            self.tree = ns.process_tree(container, env=self.engine.env)
        except (KitError, OSError, ValueError) as exc:
            self.table = self.tree = pd.DataFrame()
            self.namespace_html.value = self.tree_html.value = ""
            self.say(f"{container}: {one_line(exc)}", error=True)
            return
        own = int(self.table["isolated"].sum()) if not self.table.empty else 0
        self.say(f"{container} has {own} of {len(self.table)} namespace types of its own")
        self.namespace_html.value = (f"<b>Namespaces of {html.escape(container)} and of the host</b>"
                                     + frame_html(self.table))
        self.tree_html.value = "<b>Its processes</b> (podman top)" + frame_html(self.tree)
        self.commands.value = ('<pre class="kh-mono" style="color:#555">'
                               + html.escape("\n".join(f"$ {c}" for c in view_commands(container)))
                               + "</pre>")

    def static_text(self) -> str:
        if self.table.empty:
            return NO_CONTAINER if not self.container else f"{self.container}: nothing to show"
        return (f"{self.container}\n{frame_text(self.table)}\n\nprocesses (podman top)\n"
                f"{frame_text(static_tree(self.tree))}")

    def static_html(self) -> str:
        if self.table.empty:
            return f"<p>{html.escape(self.static_text())}</p>"
        return (f"<p>{html.escape(self.container)}</p>{frame_html(self.table)}"
                f"<p>processes (podman top)</p>{frame_html(static_tree(self.tree))}")
