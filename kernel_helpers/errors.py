"""The kit's error taxonomy: typed exceptions with structured fields.

Every exception the kit raises derives from ``KitError``. Commands that ran and
failed carry their argv, exit status and stderr as fields, so tests and notebooks
can assert on them; the magics render them as a short message plus a hint
(see ``hints``), never as a traceback.
"""

from __future__ import annotations

from .i18n import _


class KitError(Exception):
    """Root of every error raised by the podman course kit."""


class ToolMissing(KitError):
    """A required executable (podman, skopeo, docker-registry...) is not installed."""

    def __init__(self, tool: str, install_hint: str = ""):
        self.tool = tool
        self.install_hint = install_hint
        msg = _("{tool} is not installed").format(tool=tool)
        super().__init__(f"{msg}: {install_hint}" if install_hint else msg)


class CommandFailed(KitError):
    """A command ran and exited non-zero."""

    def __init__(self, argv: list[str], returncode: int, stderr: str = "", stdout: str = ""):
        self.argv = list(argv)
        self.returncode = returncode
        self.stderr = stderr
        self.stdout = stdout
        last = (stderr or stdout).strip().splitlines()
        super().__init__(f"{argv[0]} exited {returncode}: {last[-1] if last else '(no output)'}")


class CommandTimeout(KitError):
    """A command did not finish within its timeout and was stopped."""

    def __init__(self, argv: list[str], timeout: float, stdout: str = "", stderr: str = ""):
        self.argv = list(argv)
        self.timeout = timeout
        self.stdout = stdout
        self.stderr = stderr
        super().__init__(_("{command} did not finish within {seconds} s and was stopped").format(
            command=" ".join(argv), seconds=f"{timeout:g}"))


class ParseError(KitError):
    """Output that should have been JSON (or a known table) could not be parsed."""

    def __init__(self, what: str, text: str, reason: str = ""):
        self.what = what
        self.text = text
        self.reason = reason
        super().__init__(f"could not parse {what} output: {reason or 'unexpected format'}")


class UsageError(KitError):
    """The user asked for something the kit cannot do as asked (bad magic arguments)."""


class PortBusy(KitError):
    """A host port is leased to another sandbox or bound by another process."""

    def __init__(self, port: int, holder: str):
        self.port = port
        self.holder = holder
        super().__init__(_("host port {port} is already taken by {holder}").format(port=port, holder=holder))
