"""Every child process the kit starts: one way to run a command, and the few exceptions.

``run`` is the rule: argv only (no shell), a timeout the caller must give, output read
with bounded memory (``output``: head and tail kept, a hard cap that stops a runaway),
the child in a session of its own so that a timeout, an interrupt or a failing watch
stops its whole process group. It returns a ``Completed``; ``check=True`` raises the
kit's typed errors instead (``CommandFailed``, ``CommandTimeout``); a missing program
is ``ToolMissing``.

The exceptions, each for a reason:

- ``run_logged``: output straight into files (a build log, a root file system tar), for
  steps whose output belongs on disk, not in memory; still with a timeout;
- ``spawn``: a daemon (the classroom's registry servers, a sandbox's reaper), meant to
  outlive the call, so without a timeout; its output goes to a log file kept small,
  never to a pipe that nobody reads;
- ``interactive``: the user's own command on the user's terminal
  (``python -m kernel_helpers sandbox run CMD``), neither timed nor captured.

Usage:
    done = process.run(["podman", "ps", "-a"], env=env, timeout=60)
    done.ok, done.returncode, done.stdout, done.note
    process.run(["htpasswd", "-Bin", user], stdin=password + "\\n", timeout=30, check=True)

Examples:
    process.run(argv, timeout=120, watch=live)   # live.output(stream, text), live.tick(elapsed)
    proc = process.spawn([binary, "serve", conf], log=log_path)
"""

from __future__ import annotations

import locale
import os
import subprocess
import time
from pathlib import Path
from typing import IO

from . import output
from .errors import ToolMissing
from .output import Completed, Watch, stop_group

__all__ = ["Completed", "Popen", "Watch", "run", "run_logged", "spawn", "interactive"]

Popen = subprocess.Popen  # what ``spawn`` returns

LAB_HINT = "run 'make lab' (or 'apt-get install podman skopeo') first"
INSTALL_HINTS = {"podman": LAB_HINT, "skopeo": LAB_HINT, "htpasswd": "apt-get install apache2-utils",
                 "systemd-analyze": "apt-get install systemd", "mmdebstrap": "apt-get install mmdebstrap"}
LOG_CAP = 4 * 2**20  # a daemon's log longer than this is cut at its next start...
LOG_KEEP = 512 * 1024  # ...to its last LOG_KEEP bytes


def _missing(tool: str | os.PathLike) -> ToolMissing:
    return ToolMissing(str(tool), INSTALL_HINTS.get(os.path.basename(str(tool)), ""))


def _popen(argv: list[str], *, cwd: str | os.PathLike | None = None, **kwargs) -> subprocess.Popen:
    """Popen in a new session (argv as strings); a program that is not there is ``ToolMissing``."""
    try:
        return subprocess.Popen([os.fspath(arg) for arg in argv], cwd=cwd, start_new_session=True,
                                **kwargs)
    except FileNotFoundError as exc:
        if cwd is not None and str(exc.filename) == str(cwd):  # the folder is missing, not the tool
            raise
        raise _missing(argv[0]) from None


def run(argv: list[str], *, stdin: str | bytes | None = None, env: dict | None = None,
        cwd: str | os.PathLike | None = None, timeout: float, check: bool = False,
        watch: Watch | None = None, hard_cap: int = output.HARD_CAP) -> Completed:
    """Run ARGV within TIMEOUT seconds, its output bounded; a ``Completed``.

    STDIN (text in the locale's encoding, or bytes) is written while the output is read;
    without it the child reads /dev/null. On timeout, on more than HARD_CAP bytes on one
    stream, on KeyboardInterrupt and on an exception raised by WATCH, the child's whole
    process group is stopped (the last two are then re-raised). WATCH, if given, gets
    ``output(stream, text)`` as output arrives and ``tick(elapsed)`` at least every 0.25 s.
    CHECK: raise ``CommandFailed`` or ``CommandTimeout`` instead of returning a failure.
    """
    data = stdin.encode(locale.getpreferredencoding(False)) if isinstance(stdin, str) else stdin
    start = time.monotonic()
    proc = _popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                  stdin=subprocess.PIPE if data is not None else subprocess.DEVNULL)
    done = output.communicate(proc, data, timeout, start, hard_cap, watch)
    return done.check() if check else done


def run_logged(argv: list[str], *, log: IO, stdout: IO | None = None, env: dict | None = None,
               cwd: str | os.PathLike | None = None, timeout: float, check: bool = False) -> Completed:
    """Run ARGV within TIMEOUT seconds with its output written to open files, not read.

    stderr, and stdout unless STDOUT is given, go to LOG (a build log); STDOUT may be a
    file that receives data (``mmdebstrap`` writes a root file system tar there). Nothing
    is held in memory, so no cap applies: the files are the point. The returned
    ``Completed`` has empty outputs. Timeout and interrupt stop the group, as in ``run``.
    """
    start = time.monotonic()
    proc = _popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                  stdout=stdout if stdout is not None else log, stderr=log)
    timed_out = False
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        stop_group(proc)
        proc.wait()
    except BaseException:
        stop_group(proc)
        proc.wait()
        raise
    done = Completed(list(proc.args), proc.returncode, timed_out=timed_out,
                     seconds=time.monotonic() - start, timeout=timeout)
    return done.check() if check else done


def _trim(log: Path) -> None:
    """Cut LOG to its last ``LOG_KEEP`` bytes (from a line start) once it passes ``LOG_CAP``."""
    try:
        with open(log, "r+b") as fh:
            size = fh.seek(0, os.SEEK_END)
            if size <= LOG_CAP:
                return
            fh.seek(size - LOG_KEEP)
            tail = fh.read()
            tail = tail[tail.find(b"\n") + 1:]
            fh.seek(0)
            fh.write(f"{output.left_out_line(size - len(tail))}\n".encode() + tail)
            fh.truncate()
    except FileNotFoundError:
        pass


def spawn(argv: list[str], *, log: Path | None = None, env: dict | None = None,
          cwd: str | os.PathLike | None = None) -> subprocess.Popen:
    """Start a daemon: ARGV in a session of its own, returned at once, never waited for here.

    No timeout, on purpose: the child is meant to keep running after this call (a registry
    server until ``classroom down``; a sandbox's reaper until the sandbox is removed), and
    whoever stops it stops it by pid. Its stdout and stderr are appended to LOG (cut to its
    last ``LOG_KEEP`` bytes when it has grown past ``LOG_CAP``) or discarded without LOG:
    never a pipe, which nobody would read and which would stall the child once full.
    Its stdin is /dev/null.
    """
    if log is not None:
        _trim(log)
    with open(log if log is not None else os.devnull, "ab") as out:
        return _popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out,
                      stderr=subprocess.STDOUT)


def interactive(argv: list[str], *, env: dict | None = None) -> int:
    """Run the user's own command on this terminal (``sandbox run CMD``); its exit status.

    The one child with neither timeout nor capture: the user typed it and watches it, so
    its output is theirs (straight to the terminal) and it runs as long as they want. It
    stays in the terminal's process group, so Ctrl-C reaches it directly; if this process
    is interrupted first, the child is killed (as ``subprocess.run`` does).
    """
    try:
        return subprocess.run(argv, env=env).returncode
    except FileNotFoundError:
        raise _missing(argv[0]) from None
