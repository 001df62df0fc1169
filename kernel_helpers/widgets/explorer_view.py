"""Image and registry explorer: the classroom catalog, skopeo inspect, pull, name parts.

Pick ``REPO:TAG`` from the classroom registry's catalog to see ``skopeo inspect``'s
facts and the image's layers; Pull runs ``podman pull localhost:5000/REPO:TAG``. The
text box splits any image reference into registry / user / image / tag as you type.

Usage:
    from kernel_helpers.widgets import explorer
    explorer()                       # or: %podman_widget explorer

Examples:
    catalog_options([{"repository": "busybox", "tags": ["latest"]}])
    # [('busybox:latest', 'busybox:latest')]
    pull_argv("busybox:latest", "localhost:5000")   # ['pull', 'localhost:5000/busybox:latest']
    reference_table("quay.io/me/app:v1")            # one row per part
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import pandas as pd

from .. import classroom, parsers
from ..errors import KitError, ParseError
from ..i18n import N_, _
from .common import CommandLog, CourseWidget, Engine, failure_line, frame_html, frame_text, one_line

PARTS = ["registry", "user", "image", "tag", "digest"]
EXAMPLE_REFERENCE = "registry.access.redhat.com/ubi8/ubi:latest"
EXPLAIN = {
    "registry": "where the image is stored (none: a short name, resolved by registries.conf)",
    "user": "the account or project in the registry",
    "image": "the repository name",
    "tag": "the version label (latest when none is given)",
    "digest": "the content hash that pins one exact image",
}


def catalog_options(rows: list[dict]) -> list[tuple[str, str]]:
    """``(label, REPO:TAG)`` for every tag of every repository of ``classroom.catalog()``."""
    return [(f"{row['repository']}:{tag}",) * 2 for row in rows for tag in row.get("tags") or []]


def catalog_frame(rows: list[dict]) -> pd.DataFrame:
    """The catalog as a table: one row per repository, its tags joined."""
    return pd.DataFrame([{"Repository": r["repository"], "Tags": ", ".join(r.get("tags") or [])}
                         for r in rows], columns=["Repository", "Tags"])


def inspect_argv(repo_tag: str, host: str) -> list[str]:
    """``skopeo`` arguments that inspect ``REPO:TAG`` on the registry at ``host``."""
    return ["inspect", f"docker://{host}/{repo_tag}"]


def pull_argv(repo_tag: str, host: str) -> list[str]:
    """``podman`` arguments that pull ``REPO:TAG`` from the registry at ``host``."""
    return ["pull", f"{host}/{repo_tag}"]


def reference_table(text: str) -> pd.DataFrame:
    """The parts of an image reference, one row each (``ValueError`` if it is not one)."""
    parts = parsers.split_image_reference(text)
    return pd.DataFrame([{"Part": p, "Value": "" if parts[p] is None else parts[p],
                          "Meaning": EXPLAIN[p]} for p in PARTS], columns=["Part", "Value", "Meaning"])


class Explorer(CourseWidget):
    """Browse the classroom registry: catalog, skopeo inspect + layers, pull, name parser."""

    title = N_("Classroom registry explorer")
    css_class = "kh-explorer"

    def __init__(self, engine: Engine | None = None, reference: str = EXAMPLE_REFERENCE):
        self.host = classroom.pull_host()
        self.catalog: list[dict] = []
        self.details = pd.DataFrame()
        self.layers = pd.DataFrame()
        self.images = widgets.Select(options=[], rows=6, layout=widgets.Layout(width="24em"))
        self.images.add_class("kh-images")
        self.pull_button = widgets.Button(description=_("Pull"), icon="download", disabled=True,
                                          tooltip=f"podman pull {self.host}/REPO:TAG")
        self.pull_button.add_class("kh-pull")
        self.pull_button.on_click(self.guard(lambda _b: self.pull()))
        self.info = widgets.HTML()
        self.reference = widgets.Text(value=reference, continuous_update=True, description=_("image name"),
                                      style={"description_width": "initial"},
                                      layout=widgets.Layout(width="36em"))
        self.reference.add_class("kh-reference")
        self.parts = widgets.HTML()
        self.parts.add_class("kh-parts")
        self.command_log = CommandLog()
        super().__init__([
            widgets.HTML(_("<b>Catalog of {host}</b> (pick one)").format(host=html.escape(self.host))),
            widgets.HBox([self.images, self.pull_button]),
            self.info,
            widgets.HTML(_("<b>What is in a name?</b> Type any image reference:")),
            self.reference, self.parts,
            self.command_log,
        ], engine)
        self.images.observe(self.guard(lambda change: self.inspect(change["new"])), "value")
        self.reference.observe(self.guard(lambda change: self.split(change["new"])), "value")
        self.load_catalog()
        self.split(reference)

    def load_catalog(self) -> None:
        """Read the registry's catalog (``/v2/_catalog`` and each ``tags/list``)."""
        try:
            self.catalog = classroom.catalog()
        except KitError as exc:
            self.catalog = []
            self.say(_("{error} (start it with: python -m kernel_helpers classroom up)").format(
                error=one_line(exc)), error=True)
        self.images.options = catalog_options(self.catalog)
        self.images.value = None

    def inspect(self, repo_tag: str | None) -> None:
        """``skopeo inspect docker://HOST/REPO:TAG``: details and layers."""
        self.pull_button.disabled = repo_tag is None
        if repo_tag is None:
            self.info.value = ""
            return
        result = self.command_log.show(self.engine.run(inspect_argv(repo_tag, self.host), tool="skopeo"))
        if not result.ok:
            self.details = self.layers = pd.DataFrame()
            self.info.value = ""
            self.say(failure_line(result), error=True)
            return
        try:
            self.details = result.df if result.df is not None else parsers.skopeo_inspect_frame(result.stdout)
            self.layers = parsers.layers_frame(result.stdout)
        except ParseError as exc:
            self.say(one_line(exc), error=True)
            return
        self.say("")
        self.info.value = (f"<b>{html.escape(repo_tag)}</b>{frame_html(self.details)}"
                           + _("<b>Layers</b> (bottom first)") + frame_html(self.layers))

    def pull(self):
        """Pull the picked image into this sandbox's own store; show the command."""
        if self.images.value is None:
            self.say(_("pick an image in the catalog first"), error=True)
            return None
        self.say(_("pulling {image} ...").format(image=f"{self.host}/{self.images.value}"))
        result = self.command_log.show(self.engine.run(pull_argv(self.images.value, self.host), table=False))
        self.say(_("pulled {image}").format(image=f"{self.host}/{self.images.value}") if result.ok
                 else failure_line(result), error=not result.ok)
        return result

    def split(self, text: str) -> None:
        """Show the parts of ``text`` (an image reference), or one line saying why not."""
        try:
            self.parts.value = frame_html(reference_table(text))
        except ValueError as exc:
            self.parts.value = f'<div class="kh-message kh-error">{html.escape(one_line(exc))}</div>'

    def static_text(self) -> str:
        return frame_text(catalog_frame(self.catalog), N_("(the classroom catalog is empty or down)"))

    def static_html(self) -> str:
        return frame_html(catalog_frame(self.catalog), N_("(the classroom catalog is empty or down)"))
