"""Run builder: a form that writes the ``podman run`` command line as you fill it in.

Image (from ``podman images``), name, ports, environment, volumes (one per line),
command, ``-d`` and ``--rm``: the command line below the form changes with every
keystroke, and Run runs exactly that. Host ports given to ``-p`` are leased to this
sandbox first, as ``%podman`` does, so two notebooks never race for one port.

Usage:
    from kernel_helpers.widgets import run_builder
    run_builder()                    # or: %podman_widget run

Examples:
    form = RunForm(image="localhost:5000/busybox:latest", name="web", ports=["8080:80"],
                   detach=True, command="httpd -f")
    run_argv(form)   # ['run', '-d', '--name', 'web', '-p', '8080:80',
                     #  'localhost:5000/busybox:latest', 'httpd', '-f']
    command_line(run_argv(form))     # the same, shell-quoted, starting with 'podman'
"""

from __future__ import annotations

import html
import re
import shlex
from dataclasses import dataclass, field

import ipywidgets as widgets

from ..i18n import N_, _
from ..parsers.argv import ArgvError, parse_publish, published_host_ports
from .common import CommandLog, CourseWidget, Engine, failure_line

_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")
_ENV = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(=.*)?$")


@dataclass
class RunForm:
    """What the form says, as plain values (lists hold one item per line)."""

    image: str = ""
    name: str = ""
    ports: list[str] = field(default_factory=list)
    env: list[str] = field(default_factory=list)
    volumes: list[str] = field(default_factory=list)
    command: str = ""
    detach: bool = True
    rm: bool = False


def lines(text: str) -> list[str]:
    """The non-blank lines of a text box, stripped."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _valid_port(spec: str) -> bool:
    """Whether podman would accept ``spec`` for ``-p`` (see ``parsers.argv.parse_publish``)."""
    try:
        parse_publish(spec)
    except ArgvError:
        return False
    return True


def problems(form: RunForm) -> list[str]:
    """What stops ``form`` from being run, one short sentence each (empty: fine)."""
    found = []
    if not form.image:
        found.append(_("pick an image"))
    if form.name and not _NAME.match(form.name):
        found.append(_("name {name}: use letters, digits, '_', '.', '-'").format(name=repr(form.name)))
    found += [_("port {port}: write HOST:CONTAINER, e.g. 8080:80").format(port=repr(p))
              for p in form.ports if not _valid_port(p)]
    found += [_("environment {env}: write NAME=VALUE").format(env=repr(e))
              for e in form.env if not _ENV.match(e)]
    found += [_("volume {volume}: write SOURCE:/path/in/container").format(volume=repr(v))
              for v in form.volumes if ":" not in v or not v.split(":")[1].startswith("/")]
    try:
        shlex.split(form.command)
    except ValueError as exc:
        found.append(_("command: {error}").format(error=exc))
    return found


def run_argv(form: RunForm) -> list[str]:
    """``podman run`` arguments for ``form`` (flags first, then image, then command)."""
    argv = ["run"]
    argv += ["-d"] if form.detach else []
    argv += ["--rm"] if form.rm else []
    argv += ["--name", form.name] if form.name else []
    for flag, values in (("-p", form.ports), ("-e", form.env), ("-v", form.volumes)):
        for value in values:
            argv += [flag, value]
    argv.append(form.image or "IMAGE")
    try:
        argv += shlex.split(form.command)
    except ValueError:
        argv += form.command.split()
    return argv


def command_line(argv: list[str]) -> str:
    """``podman ARGS``, shell-quoted, as a learner would type it."""
    return shlex.join(["podman", *argv])


def image_names(images_df) -> list[str]:
    """``REPOSITORY:TAG`` of every named local image (``podman images`` table), sorted."""
    if images_df is None or images_df.empty:
        return []
    pairs = zip(images_df["Repository"], images_df["Tag"], strict=True)
    return sorted({f"{repo}:{tag}" for repo, tag in pairs if "<none>" not in (repo, tag)})


class RunBuilder(CourseWidget):
    """A ``podman run`` form: the command line is built live, Run runs it."""

    replays = True  # its data is podman's answers: replay mode answers them from the recording
    title = N_("podman run builder")
    css_class = "kh-run-builder"

    def __init__(self, engine: Engine | None = None, image: str = "", name: str = ""):
        wide = widgets.Layout(width="36em")
        self.image = widgets.Dropdown(options=[], description=_("image"), layout=wide)
        self.name = widgets.Text(value=name, description="--name", placeholder=_("(podman picks one)"),
                                 continuous_update=True, layout=wide)
        self.ports = widgets.Textarea(description="-p", placeholder=_("HOST:CONTAINER, one per line"),
                                      rows=2, continuous_update=True, layout=wide)
        self.env = widgets.Textarea(description="-e", placeholder=_("NAME=VALUE, one per line"),
                                    rows=2, continuous_update=True, layout=wide)
        self.volumes = widgets.Textarea(description="-v", placeholder=_("SOURCE:/path, one per line"),
                                        rows=2, continuous_update=True, layout=wide)
        self.command = widgets.Text(description=_("command"), placeholder=_("(the image's default)"),
                                    continuous_update=True, layout=wide)
        self.detach = widgets.Checkbox(value=True, description="-d (in the background)", indent=True)
        self.rm = widgets.Checkbox(value=False, description="--rm (remove when it stops)", indent=True)
        for box, css in ((self.image, "image"), (self.name, "name"), (self.ports, "ports"),
                         (self.env, "env"), (self.volumes, "volumes"), (self.command, "command"),
                         (self.detach, "detach"), (self.rm, "rm")):
            box.add_class(f"kh-{css}")
        self.line = widgets.HTML()
        self.line.add_class("kh-command-line")
        self.run_button = widgets.Button(description=_("Run"), icon="play", button_style="primary")
        self.run_button.add_class("kh-run")
        self.run_button.on_click(self.guard(lambda _b: self.run()))
        self.command_log = CommandLog()
        super().__init__([self.image, self.name, self.ports, self.env, self.volumes, self.command,
                          widgets.HBox([self.detach, self.rm]), self.line, self.run_button,
                          self.command_log], engine)
        self.load_images(image)
        for box in (self.image, self.name, self.ports, self.env, self.volumes, self.command,
                    self.detach, self.rm):
            box.observe(self.guard(lambda _c: self.update()), "value")
        self.update()

    def load_images(self, prefer: str = "") -> None:
        """Fill the image list from ``podman images`` (this sandbox and the course store)."""
        result = self.engine.run(["images"])
        names = image_names(result.df) if result.ok else []
        if not result.ok:
            self.say(failure_line(result), error=True)
        self.image.options = names
        self.image.value = prefer if prefer in names else (names[0] if names else None)

    @property
    def form(self) -> RunForm:
        """The form's current values."""
        return RunForm(image=self.image.value or "", name=self.name.value.strip(),
                       ports=lines(self.ports.value), env=lines(self.env.value),
                       volumes=lines(self.volumes.value), command=self.command.value.strip(),
                       detach=self.detach.value, rm=self.rm.value)

    @property
    def argv(self) -> list[str]:
        return run_argv(self.form)

    def update(self) -> None:
        """Rewrite the command line; disable Run while the form has problems."""
        found = problems(self.form)
        self.line.value = (f'<pre class="kh-mono" style="margin:4px 0;white-space:pre-wrap">$ '
                           f"{html.escape(command_line(self.argv))}</pre>")
        self.run_button.disabled = bool(found)
        self.say("; ".join(found), error=bool(found))

    def run(self):
        """Lease the published host ports, run the command line, show the result."""
        form = self.form
        found = problems(form)
        if found:
            self.say("; ".join(found), error=True)
            return None
        argv = run_argv(form)
        busy = self.engine.claim_ports(published_host_ports(argv))
        if busy:
            self.say(busy, error=True)
            return None
        self.say(_("running: {command}").format(command=command_line(argv)))
        result = self.command_log.show(self.engine.run(argv, table=False))
        self.say("" if result.ok else failure_line(result), error=not result.ok)
        return result

    def static_text(self) -> str:
        return f"$ {command_line(self.argv)}"

    def static_html(self) -> str:
        return f'<pre>$ {html.escape(command_line(self.argv))}</pre>'
