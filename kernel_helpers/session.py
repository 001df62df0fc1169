"""This kernel's podman world: the one place that knows the current sandbox.

A leaf module (jupysql's ``_current.py`` is the model): the magics, the widgets, the
namespace tables, the systemd host and the notebooks all ask ``kernel_sandbox()`` for
"this kernel's world", and none of them imports the magic module for it. The sandbox is
made and activated on first use (< 1 s) and removed by ``close()`` (the extension's
unload), at exit, or by the reaper when the kernel is killed.

Usage:
    from kernel_helpers.session import kernel_sandbox
    NET = f"course04-{kernel_sandbox().id}"
"""

from __future__ import annotations

from .sandbox import Sandbox

_current: Sandbox | None = None


def kernel_sandbox() -> Sandbox:
    """This kernel's sandbox, created and activated on first use."""
    global _current
    if _current is None or not _current.exists():
        _current = Sandbox.create(kind="kernel").activate()
    return _current


def adopt(sandbox: Sandbox) -> Sandbox:
    """Make an existing sandbox this process's world (a terminal whose shell lives in it)."""
    global _current
    _current = sandbox
    return sandbox


def close() -> None:
    """Remove this kernel's sandbox (and everything it started), if it has one."""
    global _current
    if _current is not None:
        _current.remove()
        _current = None
