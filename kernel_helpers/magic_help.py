"""The help of the kit's magics (``%podman?``, ``%skopeo?`` ...), in the learner's language.

Each text is a catalogue message (``N_``). ``attach(TEXT)`` gives a magic TEXT as its
docstring (English) and a ``getdoc()`` that IPython's ``?`` calls first: it translates
TEXT when the help is shown, so ``%podman_lang zh-CN`` changes the help of magics
registered before it. A leaf module: it imports only ``i18n``.

Usage:
    @line_magic
    @magic_help.attach(magic_help.PODMAN_LANG)
    def podman_lang(self, line): ...
    magic_help.attach_call(labs.magic_doc)(lab)   # a help written when it is shown
"""

from __future__ import annotations

from collections.abc import Callable

from .i18n import N_, _

PODMAN = N_("""\
Run ``podman ARGS`` for real, in this kernel's private sandbox.

Usage:
    %podman [--timeout SECONDS] [--raw] [--rootless] PODMAN-ARGS...
    %%podman [--timeout SECONDS] run -i IMAGE COMMAND
    <lines fed to the container's standard input>

Listing and inspecting commands (ps, images, inspect, port, search, history,
info, network ls, volume ls) are shown as a table: the kit asks podman for JSON
behind the scenes. Other commands show their output as text. The result is
returned: ``r = %podman ps -a`` gives ``r.df``, ``r.stdout``, ``r.returncode``.
A failing command shows podman's own message, its exit status and a hint; it
raises nothing, so a notebook can assert on it.

-i reads the cell body as input (there is no terminal: -t next to -i is dropped).
Streaming commands (events, stats, logs -f, attach) run for a few seconds and
show what arrived. In JupyterLab, output shows in the cell while a command runs;
interrupting the kernel (■) stops it. A bad kit option is a one-line UsageError.
Every command has a timeout (%config PodmanMagics.timeout).
Host ports given to -p are leased to this kernel, so two notebooks never race
for one port. --rootless runs the command as the kit's unprivileged course user
(podman-student; you yourself when Jupyter runs as an ordinary user), in a
private rootless world of this kernel.

Examples:
    %podman images
    %podman run --rm registry.access.redhat.com/ubi8/ubi:latest uname -r
    %podman run -d --name web -p {HTTP_PORT}:8080 registry.redhat.io/rhel8/httpd-24
    %podman --rootless run -d -p 80:8080 registry.redhat.io/rhel8/httpd-24
    r = %podman rmi busybox
    assert r.returncode != 0
    %%podman run -i --rm ubi8/ubi bash
    ps -ef
    hostname
""")

SKOPEO = N_("""\
Run ``skopeo ARGS`` for real, with this kernel's registries and login.

Usage:
    %skopeo [--timeout SECONDS] [--raw] SKOPEO-ARGS...

``skopeo inspect`` is shown as a table (``r.df``); other commands as text.

Examples:
    %skopeo inspect docker://localhost:5000/ubi8/ubi:latest
    %skopeo copy docker://localhost:5000/busybox docker://localhost:5001/me/busybox
""")

PODMAN_WIDGET = N_("""\
Open a course widget on this kernel's sandbox (see ``kernel_helpers.widgets``).

Usage:
    %podman_widget dashboard | explorer | namespaces NAME | run | units NAME

Examples:
    %podman_widget dashboard
    %podman_widget namespaces web
""")

PODMAN_TERMINAL = N_("""\
Open a JupyterLab terminal whose shell lives in this kernel's sandbox.

Usage:
    %podman_terminal

podman, skopeo and ``podman exec -it NAME bash`` work there for real, on this
notebook's containers; ``python -m kernel_helpers lab grade NAME`` grades a lab
done there. The prompt starts with ``(sandbox ID)``; the terminal closes when
this kernel's sandbox goes. Without JupyterLab (papermill, nbval) it opens
nothing and says so in one line.
""")

PODMAN_LANG = N_("""\
Show or set the language of the kit's messages (hints, doctor, widgets, labs).

Usage:
    %podman_lang            prints the current language
    %podman_lang zh-CN      简体中文 (zh_CN and zh work too)
    %podman_lang en         English

It wins over the notebook's ``lang`` variable (papermill's parameter) and over
``$PODMAN_COURSE_LANG``. Commands' own output (podman's) is never translated.
""")


def attach(text: str) -> Callable:
    """Decorator: TEXT is the magic's help, translated each time ``?`` shows it."""
    return attach_call(lambda: _(text), default=text)


def attach_call(make: Callable[[], str], default: str | None = None) -> Callable:
    """Decorator: MAKE() writes the magic's help when ``?`` shows it; DEFAULT (else MAKE()
    now) is its ``__doc__``."""
    def give(function: Callable) -> Callable:
        function.__doc__ = make() if default is None else default
        function.getdoc = make  # IPython's oinspect.getdoc asks the object first
        return function
    return give
