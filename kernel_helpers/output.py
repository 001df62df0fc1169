"""Read a child's output with a bounded memory: a head, a tail, and a count of the rest.

A cell keeps at most ``HEAD_BYTES`` + ``TAIL_BYTES`` of each stream; the text shown
between them is one line, ``… N bytes left out …``. A stream that passes
``HARD_CAP`` bytes gets its process group stopped (``yes`` would otherwise run until
the timeout). Memory stays flat whatever the child writes: chunks are read with
``selectors`` and never accumulated past head + tail. Standard input is written in
the same loop, so a child that writes before reading cannot deadlock the kernel.

A *watch* (``communicate(..., watch=w)``) sees the output live: ``w.output(stream, text)``
as it arrives, decoded incrementally (a character split between two reads arrives
whole), and ``w.tick(elapsed)`` at least every ``TICK`` seconds while the child runs.

``Completed`` is what every command run by the kit gives back (``process.run``).
"""

from __future__ import annotations

import codecs
import io
import locale
import os
import selectors
import signal
import subprocess
import time
from dataclasses import dataclass, field
from typing import Protocol

from .errors import CommandFailed, CommandTimeout, KitError
from .i18n import _

HEAD_BYTES = 512 * 1024
TAIL_BYTES = 512 * 1024
HARD_CAP = 64 * 1024 * 1024  # bytes read from one stream before the command is stopped
CHUNK = 64 * 1024
DRAIN_SECONDS = 5.0  # after a stop: how long to wait for the pipes to close
TICK = 0.2  # seconds between two ``watch.tick`` calls (promised: at most 0.25)


def stop_group(proc: subprocess.Popen) -> None:
    """SIGINT (podman's own way to stop), then SIGTERM, then SIGKILL the process group.

    Once the leader is gone, stragglers of its group (which may ignore SIGINT and hold
    the output pipes open) are killed too.
    """
    for sig, wait in ((signal.SIGINT, 2.0), (signal.SIGTERM, 2.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(wait)
            break
        except subprocess.TimeoutExpired:
            continue
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def left_out_line(count: int) -> str:
    return _("… {count} bytes left out …").format(count=count)


def _decode(data: bytes) -> str:
    """As ``Popen(text=True, errors="replace")`` does: locale encoding, universal newlines."""
    text = data.decode(locale.getpreferredencoding(False), errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _whole_chars(head: bytes, tail: bytes) -> tuple[bytes, bytes]:
    """Cut a UTF-8 character split at the end of ``head`` or the start of ``tail``."""
    for back in range(1, min(4, len(head)) + 1):
        byte = head[-back]
        if byte & 0xC0 == 0x80:
            continue
        if byte >= 0xC0 and back < (2 if byte < 0xE0 else 3 if byte < 0xF0 else 4):
            head = head[:-back]
        break
    start = 0
    while start < min(3, len(tail)) and tail[start] & 0xC0 == 0x80:
        start += 1
    return head, tail[start:]


@dataclass
class Kept:
    """One stream: its first ``head_max`` bytes, its last ``tail_max``, and how many in all."""

    head_max: int = HEAD_BYTES
    tail_max: int = TAIL_BYTES
    head: bytearray = field(default_factory=bytearray)
    tail: bytearray = field(default_factory=bytearray)
    total: int = 0

    def add(self, chunk: bytes) -> None:
        self.total += len(chunk)
        room = self.head_max - len(self.head)
        if room > 0:
            self.head += chunk[:room]
            chunk = chunk[room:]
        if chunk:
            self.tail += chunk[-self.tail_max:]
            if len(self.tail) > self.tail_max:
                del self.tail[:len(self.tail) - self.tail_max]

    @property
    def left_out(self) -> int:
        return self.total - len(self.head) - len(self.tail)

    def text(self) -> str:
        """The kept bytes as text, with the ``… N bytes left out …`` line between them."""
        if not self.left_out:
            return _decode(bytes(self.head + self.tail))
        head, tail = _whole_chars(bytes(self.head), bytes(self.tail))
        skipped = len(self.head) + len(self.tail) - len(head) - len(tail)
        head_text = _decode(head)
        sep = "" if head_text.endswith("\n") else "\n"
        return f"{head_text}{sep}{left_out_line(self.left_out + skipped)}\n{_decode(tail)}"


def _size(count: int) -> str:
    return f"{count // 2**20} MiB" if count >= 2**20 else f"{count} bytes"


@dataclass
class Completed:
    """One finished command: its outputs as text (head and tail kept), and why it ended."""

    argv: list[str]
    returncode: int
    stdout: str = ""
    stderr: str = ""
    timed_out: bool = False
    seconds: float = 0.0
    capped: str | None = None  # "stdout" or "stderr": the stream that passed the hard cap
    left_out: dict[str, int] = field(default_factory=dict)  # bytes left out, per stream
    timeout: float | None = None
    hard_cap: int = HARD_CAP

    @property
    def ok(self) -> bool:
        """True when the command exited 0 and was not stopped by its timeout."""
        return self.returncode == 0 and not self.timed_out

    @property
    def note(self) -> str | None:
        """One line for the learner when output was left out, else None."""
        if self.capped:
            return _("stopped after more than {size} of output on {stream} "
                     "(the kit's cap); a cell keeps the first {head} KiB and "
                     "the last {tail} KiB").format(size=_size(self.hard_cap), stream=self.capped,
                                                   head=HEAD_BYTES // 1024, tail=TAIL_BYTES // 1024)
        if self.left_out:
            streams = _(" and ").join(self.left_out)
            return _("{streams}: only the first {head} KiB and the last {tail} KiB are "
                     "kept").format(streams=streams, head=HEAD_BYTES // 1024, tail=TAIL_BYTES // 1024)
        return None

    def error(self) -> KitError | None:
        """``CommandTimeout`` or ``CommandFailed`` (with argv, status, outputs), or None if ok."""
        if self.timed_out:
            return CommandTimeout(self.argv, self.timeout or 0.0, self.stdout, self.stderr)
        if self.returncode != 0:
            return CommandFailed(self.argv, self.returncode, self.stderr, self.stdout)
        return None

    def check(self) -> Completed:
        """Raise ``error()`` unless ``ok``; return self for chaining."""
        problem = self.error()
        if problem is not None:
            raise problem
        return self


class Watch(Protocol):
    """What ``communicate`` tells while the child runs (the notebook's live output)."""

    def output(self, stream: str, text: str) -> None:
        """TEXT arrived on STREAM ("stdout" or "stderr"): whole characters, ``\\n`` newlines."""

    def tick(self, elapsed: float) -> None:
        """ELAPSED seconds since the start; called at least every ``TICK`` s, output or not."""


class _Live:
    """Hands output to a watch as it arrives, decoded incrementally, and ticks it."""

    def __init__(self, watch: Watch, start: float):
        encoding = locale.getpreferredencoding(False)
        self.watch, self.start, self.next_tick = watch, start, start + TICK
        self.decoders = {name: io.IncrementalNewlineDecoder(
            codecs.getincrementaldecoder(encoding)(errors="replace"), translate=True)
            for name in ("stdout", "stderr")}

    def output(self, name: str, chunk: bytes, final: bool = False) -> None:
        text = self.decoders[name].decode(chunk, final=final)
        if text:
            self.watch.output(name, text)

    def wait(self, remaining: float) -> float:
        """How long to block: until the deadline or the next tick, whichever comes first."""
        return max(min(remaining, self.next_tick - time.monotonic()), 0.0)

    def tick(self) -> None:
        now = time.monotonic()
        if now >= self.next_tick:
            self.next_tick = now + TICK
            self.watch.tick(now - self.start)


def communicate(proc: subprocess.Popen, stdin: bytes | None, timeout: float,
                start: float, hard_cap: int = HARD_CAP, watch: Watch | None = None) -> Completed:
    """Feed ``stdin``, read stdout/stderr with bounded memory, honour ``timeout``.

    ``watch`` (optional) gets every piece of output as it arrives and regular ticks. On
    KeyboardInterrupt, or any exception (one raised by ``watch`` too), the process group is
    stopped, then the exception re-raised.
    """
    kept = {"stdout": Kept(), "stderr": Kept()}
    names = {proc.stdout.fileno(): "stdout", proc.stderr.fileno(): "stderr"}
    live = _Live(watch, start) if watch is not None else None
    pending = memoryview(stdin or b"")
    timed_out, capped, stopped = False, None, False
    deadline = start + timeout
    try:
        with selectors.DefaultSelector() as sel:
            for fd in names:
                sel.register(fd, selectors.EVENT_READ)
            if proc.stdin is not None:
                if pending:
                    os.set_blocking(proc.stdin.fileno(), False)
                    sel.register(proc.stdin.fileno(), selectors.EVENT_WRITE)
                else:
                    proc.stdin.close()
            while sel.get_map():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    if stopped:
                        break  # stragglers outside the group hold the pipes: give up on them
                    timed_out, stopped = True, True
                    stop_group(proc)
                    deadline = time.monotonic() + DRAIN_SECONDS
                    continue
                for key, _ in sel.select(remaining if live is None else live.wait(remaining)):
                    if key.events & selectors.EVENT_WRITE:
                        pending = _write_some(sel, proc, pending)
                        continue
                    name = names[key.fd]
                    chunk = os.read(key.fd, CHUNK)
                    if live is not None:
                        live.output(name, chunk, final=not chunk)
                    if not chunk:
                        sel.unregister(key.fd)
                        continue
                    stream = kept[name]
                    stream.add(chunk)
                    if stream.total > hard_cap and not stopped:
                        capped, stopped = name, True
                        stop_group(proc)
                        deadline = time.monotonic() + DRAIN_SECONDS
                if live is not None:
                    live.tick()
        _close(proc)
        timed_out = _wait(proc, deadline, live) or timed_out
    except BaseException:
        stop_group(proc)
        _close(proc)
        proc.wait()
        raise
    return Completed(list(proc.args), proc.returncode, kept["stdout"].text(), kept["stderr"].text(),
                     timed_out, time.monotonic() - start, capped,
                     {name: k.left_out for name, k in kept.items() if k.left_out}, timeout, hard_cap)


def _wait(proc: subprocess.Popen, deadline: float, live: _Live | None) -> bool:
    """Wait for PROC, which closed its outputs, until DEADLINE; True if it had to be stopped."""
    while True:
        remaining = deadline - time.monotonic()
        try:
            proc.wait(max(remaining if live is None else live.wait(remaining), 0.01))
            return False
        except subprocess.TimeoutExpired:
            if live is None or time.monotonic() >= deadline:  # closed its outputs, kept running
                stop_group(proc)
                proc.wait()
                return True
            live.tick()


def _write_some(sel: selectors.BaseSelector, proc: subprocess.Popen, pending: memoryview) -> memoryview:
    fd = proc.stdin.fileno()
    try:
        pending = pending[os.write(fd, pending[:CHUNK]):]
    except BlockingIOError:
        return pending
    except BrokenPipeError:  # the child stopped reading: the rest of the cell is not needed
        pending = pending[:0]
    if not pending:
        sel.unregister(fd)
        proc.stdin.close()
    return pending


def _close(proc: subprocess.Popen) -> None:
    for pipe in (proc.stdin, proc.stdout, proc.stderr):
        if pipe is not None and not pipe.closed:
            pipe.close()
