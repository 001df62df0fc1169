"""Unit generator: ``podman generate systemd`` for a container, checked and compared.

Pick a container and toggle ``--new``: the widget shows the unit podman writes (and
the exact command), the result of ``systemd-analyze verify`` on it, and a diff between
the unit without and with ``--new`` (start/stop an existing container, or create a
fresh one at every start).

Usage:
    from kernel_helpers.widgets import units
    units("web")                     # or: %podman_widget units web

Examples:
    generate_argv("web", new=True)   # ['generate', 'systemd', '--name', '--new', 'web']
"""

from __future__ import annotations

import html
import shlex

import ipywidgets as widgets
import pandas as pd

from .. import units as unit_tools
from ..errors import KitError
from ..i18n import N_, _
from ..results import CommandResult
from .common import Engine, PicksContainer, failure_line, one_line, result_html

NO_CONTAINER = N_("(no container in this sandbox: create one, then press Refresh)")


def generate_argv(container: str, new: bool) -> list[str]:
    """podman's arguments for the unit of ``container`` (``units.generate_args``)."""
    return unit_tools.generate_args(container, new)


def all_names(ps: pd.DataFrame | None) -> list[str]:
    """Names of every container in a ``ps_frame`` (running or not), sorted."""
    return [] if ps is None or ps.empty else sorted(ps["Names"].tolist())


def pre(text: str, css: str) -> str:
    return f'<pre class="kh-mono {css}" style="margin:2px 0">{html.escape(text)}</pre>'


class UnitGenerator(PicksContainer):
    """``podman generate systemd [--new]``: unit text, verify result, diff of both variants."""

    title = N_("systemd unit generator")
    css_class = "kh-units"
    no_container = NO_CONTAINER  # any container, running or not, can have a unit

    def __init__(self, engine: Engine | None = None, container: str = "", new: bool = False):
        self.container = container
        self.units: dict[bool, str] = {}
        self.verified: CommandResult | None = None
        self.containers = widgets.Dropdown(options=[], description=_("container"))
        self.containers.add_class("kh-containers")
        self.new = widgets.ToggleButton(value=new, description="--new", icon="check",
                                        tooltip=_("create a fresh container at every start"))
        self.new.add_class("kh-new")
        self.refresh_button = widgets.Button(description=_("Refresh"), icon="refresh")
        self.refresh_button.add_class("kh-refresh")
        self.refresh_button.on_click(self.guard(lambda _b: self.load_containers()))
        self.unit_html = widgets.HTML()
        self.unit_html.add_class("kh-unit")
        self.verify_html = widgets.HTML()
        self.verify_html.add_class("kh-verify")
        self.diff_html = widgets.HTML()
        self.diff_html.add_class("kh-diff")
        super().__init__([widgets.HBox([self.containers, self.new, self.refresh_button]),
                          self.unit_html, self.verify_html, self.diff_html], engine)
        self.load_containers(prefer=container)
        self.containers.observe(self.guard(lambda _c: self._loading or self.generate()), "value")
        self.new.observe(self.guard(lambda _c: self.generate()), "value")
        if self.containers.value and (not container or self.containers.value == container):
            self.generate()

    def names(self, ps: pd.DataFrame | None) -> list[str]:
        return all_names(ps)

    def _unit(self, container: str, new: bool) -> CommandResult:
        return self.engine.run(generate_argv(container, new), table=False)

    def _verify(self, text: str, name: str) -> CommandResult:
        try:
            return unit_tools.verify(text, name)
        except (KitError, OSError) as exc:
            return CommandResult.not_run("systemd-analyze", ["verify", "--man=no", name], one_line(exc))

    def generate(self) -> None:
        """Generate both variants, verify the one picked, show it and the diff."""
        container, new = self.containers.value, self.new.value
        if not container:
            self.say(_(NO_CONTAINER), error=True)
            return
        self.container = container
        picked, other = self._unit(container, new), self._unit(container, not new)
        for result in (picked, other):
            if not result.ok:
                self.units = {}
                self.unit_html.value = self.verify_html.value = self.diff_html.value = ""
                self.say(failure_line(result), error=True)
                return
        self.units = {new: picked.stdout, not new: other.stdout}
        name = unit_tools.unit_name(container)
        self.verified = self._verify(picked.stdout, name)
        self.say("" if self.verified.ok else failure_line(self.verified), error=not self.verified.ok)
        self.unit_html.value = f"<b>{html.escape(name)}</b>" + pre(f"$ {picked.command_line}", "kh-cmd") \
            + pre(picked.stdout.rstrip("\n"), "kh-unit-text")
        verdict = "valid: systemd found nothing to complain about" if self.verified.ok else "not valid"
        self.verify_html.value = (f"<b>systemd-analyze verify</b> ({verdict})"
                                  + result_html(self.verified))
        self.diff_html.value = ("<b>What --new changes</b> (- without, + with)"
                                + pre(self.diff_text(), "kh-diff-text"))

    def diff_text(self) -> str:
        """The unified diff of the unit without and with ``--new`` ('' before generating)."""
        if set(self.units) != {False, True}:
            return ""
        return unit_tools.diff(self.units[False], self.units[True])

    def static_text(self) -> str:
        if not self.units:
            return _(NO_CONTAINER) if not self.container else _("{name}: no unit").format(name=self.container)
        new = self.new.value
        verify = "ok" if self.verified is not None and self.verified.ok else "failed"
        return (f"$ {shlex.join(['podman', *generate_argv(self.container, new)])}\n"
                f"{self.units[new].rstrip()}\n\n"
                f"systemd-analyze verify: {verify}\n\n{self.diff_text().rstrip()}")

    def static_html(self) -> str:
        return pre(self.static_text(), "kh-static-unit")
