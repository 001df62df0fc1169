"""The help of ``%lab`` (``%lab?``): usage, the lab file format, and the check kinds.

The check kinds' part is written from the registry (``kinds.REGISTRY``), so a new kind
documents itself. ``FORMAT`` is a whole lab file; the unit tests read it as one (it stays
English, like every lab file). The rest is in the learner's language when ``magic_doc()``
is called: ``%lab?`` calls it each time it is shown (``magics``).
"""

from __future__ import annotations

import textwrap

from ..i18n import N_, _
from .format import BUILTINS, CLEANUP_KEYS
from .kinds import REGISTRY
from .loader import LABS_ENV

USAGE = N_("""\
Practice on the real engine: start a lab, do the task, have it checked.

Usage:
    %lab list            the labs: name, notebook, title, minutes
    %lab start NAME      reset the lab and prepare it; shows the task and its hints
    %lab grade NAME      check what you did (read-only): one row per check, PASS or FAIL,
                         with a hint for each FAIL
    %lab finish NAME     remove everything the lab and you made since start

r = %lab grade NAME gives r.passed, r.df and r.row(CHECK_ID). From a terminal whose shell
lives in the sandbox: python -m kernel_helpers lab list|start|grade|finish [NAME].
""")

FORMAT = '''\
name = "03-example"                # the file's name, without .toml
notebook = "03_running_containers"
title = "Run a web server in the background"
minutes = 5
rootless = false                   # true: the learner types %podman --rootless ...
task = """
Start a container named `web` from `registry.redhat.io/rhel8/httpd-24`, in the background.
"""
hints = ["-d runs it in the background.", "--name gives it a name.",
         "podman run -d --name web IMAGE"]

[variables]                        # optional: more {NAME}s for any text
IMAGE = "registry.redhat.io/rhel8/httpd-24"

[ports]                            # optional: host ports leased at start, NAME = default
WEB_PORT = 8000                    # (another port if another learner holds 8000)

[setup]                            # optional: what start prepares
pull = ["{IMAGE}"]
steps = []                         # like solution.steps; each must succeed
systemd_host = false               # true: start boots the kit's systemd host, {SYSTEMD_HOST}

[solution]                         # a step: a %podman line, or {podman = "...", input = "cell
steps = ["run -d --name web -p {WEB_PORT}:8080 {IMAGE}"]  # body"}, {skopeo = ".."}, {shell = ".."}

[wrong]                            # a typical mistake; the tests check it fails WRONG.FAILS
what = "runs it in the foreground with --rm: it is gone at once"
steps = ["run --rm --name web {IMAGE} true"]
fails = ["running"]

[cleanup]                          # optional: names finish removes too (besides all that is
containers = ["web"]               # new since start); networks: only those named here
paths = []                         # host folders under {FILES} the learner made, e.g. "{FILES}/web"

[[checks]]
id = "running"                     # optional (default: the kind); wrong.fails names it
kind = "container_running"
name = "web"                       # the kind's params
hint = "Is it running? podman ps -a shows its state."
'''


def _param(key: str, p) -> str:
    shown = key if p.required else f"{key}={p.default!r}"
    return f"{shown} ({'|'.join(p.choices)})" if p.choices else shown


def kinds_text(width: int = 92) -> str:
    """One entry per check kind: its name, params (with defaults) and what it checks."""
    lines = []
    for name, kind in sorted(REGISTRY.items()):
        ordered = sorted(kind.params.items(), key=lambda item: not item[1].required)
        params = ", ".join(_param(key, p) for key, p in ordered)
        lines.append(f"  {name}({params})")
        lines += textwrap.wrap(_(kind.doc), width, initial_indent="      ", subsequent_indent="      ")
    return "\n".join(lines)


def magic_doc() -> str:
    """The whole help of ``%lab``, in the current language (the example file stays English)."""
    variables = "\n".join(f"  {{{k}}}: {_(v)}" for k, v in BUILTINS.items())
    return (_(USAGE) + "\n"
            + _("A lab is one TOML file: the kit's are in kernel_helpers/labs/catalog/, a teacher's "
                "in a folder named by ${env}.\nAn example of the format:").format(env=LABS_ENV)
            + f"\n\n{textwrap.indent(FORMAT, '    ')}\n"
            + _("[cleanup] keys: {keys}.").format(keys=", ".join(CLEANUP_KEYS)) + "\n\n"
            + _("Variables any text may use, besides [variables] and [ports]:") + f"\n{variables}\n\n"
            + _("Check kinds ([[checks]]: kind, hint, optional id and label; the other keys are "
                "the kind's params):") + f"\n{kinds_text()}\n")
