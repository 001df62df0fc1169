"""What ``/proc`` says about processes: who listens on a TCP port, what runs, is it alive.

A leaf module (standard library only). A process is told from a later one with the
same pid by its start time (``start_time``, field 22 of ``/proc/PID/stat``); what it
runs is ``argv`` (``/proc/PID/cmdline``) and ``executable``.

Who listens: ``/proc/net/tcp{,6}`` socket inodes -> ``/proc/PID/fd`` links. The
classroom uses this to tell its own registry processes from a squatter that happens
to answer HTTP on the same port. Only sockets in LISTEN state on an address
that a client of ``localhost:PORT`` can reach count: loopback (127.0.0.0/8, ::1,
::ffff:127.x) and the wildcards (0.0.0.0, ::).

Every function takes ``proc`` (default ``/proc``) so tests can hand in a fake tree.
"""

from __future__ import annotations

import ipaddress
import os
import signal
import sys
import time
from collections.abc import Iterable
from pathlib import Path

LISTEN = "0A"  # TCP_LISTEN in /proc/net/tcp's "st" column
ARGV_LIMIT = 65536  # bytes of /proc/PID/cmdline read: a process's argv cannot make us read more


def _address(hex_addr: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """Decode /proc/net/tcp's address: 32-bit words, each in the host's byte order."""
    raw = bytes.fromhex(hex_addr)
    if sys.byteorder == "little":
        raw = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
    return ipaddress.ip_address(raw)


def _reaches_loopback(addr: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    mapped = getattr(addr, "ipv4_mapped", None)
    addr = mapped or addr
    return addr.is_loopback or addr.is_unspecified


def listening_inodes(port: int, proc: Path = Path("/proc"), anywhere: bool = False) -> set[int]:
    """Inodes of the sockets listening on PORT where ``localhost:PORT`` reaches them (with
    ANYWHERE: on any address, as a bind of the port on all addresses would meet them)."""
    inodes = set()
    for table in ("tcp", "tcp6"):
        try:
            lines = (proc / "net" / table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) < 10 or fields[3] != LISTEN:
                continue
            hex_addr, _, hex_port = fields[1].partition(":")
            try:
                if int(hex_port, 16) == port and (anywhere or _reaches_loopback(_address(hex_addr))):
                    inodes.add(int(fields[9]))
            except ValueError:
                continue
    return inodes


def socket_inodes(pid: int, proc: Path = Path("/proc")) -> set[int]:
    """Inodes of the sockets PID holds open (empty if it is gone or not ours to read)."""
    found = set()
    try:
        fds = os.listdir(proc / str(pid) / "fd")
    except OSError:
        return found
    for fd in fds:
        try:
            target = os.readlink(proc / str(pid) / "fd" / fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            found.add(int(target[8:-1]))
    return found


def holders(inodes: Iterable[int], proc: Path = Path("/proc")) -> dict[int, int]:
    """``{inode: pid}`` for each of INODES that some visible process holds open."""
    wanted, found = set(inodes), {}
    if not wanted:
        return found
    for entry in os.listdir(proc):
        if not entry.isdigit():
            continue
        for inode in socket_inodes(int(entry), proc) & wanted:
            found.setdefault(inode, int(entry))
        if len(found) == len(wanted):
            break
    return found


def executable(pid: int, proc: Path = Path("/proc")) -> str:
    """``/proc/PID/exe`` (without a `` (deleted)`` suffix), else argv[0], else ``"?"``."""
    try:
        return os.readlink(proc / str(pid) / "exe").removesuffix(" (deleted)")
    except OSError:
        pass
    return (argv(pid, proc) or [""])[0] or "?"


def argv(pid: int, proc: Path = Path("/proc")) -> list[str]:
    """PID's command line from ``/proc/PID/cmdline`` (its first ARGV_LIMIT bytes), or [] when
    it is gone or unreadable; also [] for a kernel thread, and for a moment just after exec."""
    try:
        with open(proc / str(pid) / "cmdline", "rb") as fh:
            raw = fh.read(ARGV_LIMIT)
    except OSError:
        return []
    args = raw.decode(errors="replace").split("\0")
    return args[:-1] if args[-1] == "" else args


def start_time(pid: int, proc: Path = Path("/proc")) -> str | None:
    """The kernel's start time of ``pid`` (field 22 of /proc/PID/stat), or None."""
    try:
        stat = (proc / str(pid) / "stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def alive(pid: int) -> bool:
    """True if PID exists and is not a zombie (reaping it first if it is our child)."""
    reap(pid)
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return False


def reap(pid: int) -> None:
    """Collect PID's exit status if it is our child and has exited."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def stop(pid: int, timeout: float = 5.0) -> None:
    """SIGTERM, then SIGKILL after TIMEOUT. Only for a pid the caller started and verified."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive(pid):
            return
        time.sleep(0.05)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    time.sleep(0.1)
    reap(pid)
