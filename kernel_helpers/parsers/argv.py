"""The one model of a podman (or skopeo) command line, read the way podman itself reads it.

``parse(["--log-level", "debug", "run", "-d", "-p", "8080:80", "img", "sleep", "9"])`` is a
``Command``: the global options, the command words (``("run",)``), the run's own options
(``--detach``, ``--publish=8080:80``), the image (``target``) and the container's command.

Podman parses with cobra and pflag, and so does this module:

* before the command words, and between them (``container --log-level debug ls``), the
  options are the global ones;
* a command's options may follow its arguments (``ps web -a``, ``stats web --no-stream``),
  except for the commands in ``NOT_INTERSPERSED`` (``run``, ``create``, ``exec``, ``logs``...):
  there, the first argument ends the options and the rest belongs to the container;
* ``--`` ends the options; ``--name=value``, ``-p8080:80``, ``-p=8080:80``, ``-itp 80:80``
  and booleans given a value (``--rm=false``) are read as pflag reads them;
* whether an option takes a value comes from podman's own ``--help`` (``podman_flags``,
  generated from the recorded help texts); an option the tables do not know stands alone.

``-p``/``--publish`` specs are read by ``parse_publish``; ``published_host_ports`` says which
host ports a ``run``/``create``/``pod create`` asks for. Pure: no subprocess, no environment.
"""

from __future__ import annotations

import functools
import ipaddress
from dataclasses import dataclass

from ..errors import UsageError
from . import podman_flags

#: podman commands whose options end at their first argument (``flags.SetInterspersed(false)``
#: in podman 4.3 and 5.4's cmd/podman): what follows the image or container is its own.
NOT_INTERSPERSED = frozenset({
    "run", "create", "exec", "logs", "top", "unshare", "container run", "container create",
    "container exec", "container logs", "container top", "pod create", "pod logs", "pod top",
    "machine ssh",
})
#: podman commands that parse no option at all: they hand their arguments to another program.
PASSTHROUGH = frozenset({"compose"})
#: the commands whose ``-p``/``--publish`` publish host ports.
PUBLISHING = frozenset({"run", "create", "container run", "container create", "pod create"})
PROTOCOLS = frozenset({"tcp", "udp", "sctp"})
_FALSE = frozenset({"0", "f", "F", "false", "FALSE", "False"})  # Go's strconv.ParseBool


class ArgvError(UsageError):
    """A command line the kit can tell is wrong before podman runs (a bad ``-p`` spec)."""


@dataclass(frozen=True)
class Option:
    """One option as written: ``name`` is its long name (``--publish``), or the unknown
    option as written; ``value`` is None for an option given no value (``-d``, ``--rm``)."""

    name: str
    value: str | None
    at: int  # index in args of the token that holds it
    tokens: int = 1  # 2 when the value is the next token ("-p 8080:80")
    letter: int | None = None  # for a short option: its position in the token ("-it": 1, 2)

    @property
    def enabled(self) -> bool:
        """For a boolean option: given bare, or given a true value (``--rm=true``)."""
        return self.value is None or self.value not in _FALSE


@dataclass(frozen=True)
class Command:
    """A parsed command line (``args`` is what follows the tool's name)."""

    tool: str
    args: tuple[str, ...]
    words: tuple[str, ...]  # ("container", "ls"); () when there is no command word
    word_at: tuple[int, ...]  # the index of each word in args
    global_options: tuple[Option, ...]  # before and between the words
    options: tuple[Option, ...]  # the command's own options, wherever they stand
    stop: int  # where the options after the words end: first argument, "--", or len(args)
    arguments: tuple[int, ...]  # indexes of the command's arguments (not options, not "--")

    @property
    def path(self) -> str:
        """The command words joined: ``"container ls"``, ``"run"``, ``""``."""
        return " ".join(self.words)

    @property
    def verb(self) -> str:
        """The last command word: ``ls`` for ``container ls``."""
        return self.words[-1] if self.words else ""

    @property
    def first(self) -> int:
        """Index of the first token after the command words."""
        return self.word_at[-1] + 1 if self.words else 0

    @property
    def target(self) -> str | None:
        """The first argument: the image of ``run``, the container of ``exec``/``logs``."""
        return self.args[self.arguments[0]] if self.arguments else None

    @property
    def command(self) -> tuple[str, ...]:
        """The arguments after the first: for ``run``/``create``/``exec``, the container's command."""
        return tuple(self.args[i] for i in self.arguments[1:])

    def find(self, name: str) -> list[Option]:
        """The command's own options named ``name`` (a long name: ``--publish``)."""
        return [opt for opt in self.options if opt.name == name]

    def values(self, name: str) -> list[str]:
        """Every value given to option ``name``, in order."""
        return [opt.value for opt in self.find(name) if opt.value is not None]

    def enabled(self, name: str, default: bool = False) -> bool:
        """Whether boolean option ``name`` is on (the last one written wins)."""
        found = self.find(name)
        return found[-1].enabled if found else default

    def without(self, name: str) -> list[str]:
        """``args`` with the command's options ``name`` taken out (``-it`` becomes ``-i``)."""
        out = list(self.args)
        for opt in sorted(self.find(name), key=lambda o: (o.at, o.letter or 0), reverse=True):
            if opt.letter is None:
                del out[opt.at:opt.at + opt.tokens]
                continue
            token = out[opt.at]  # a short option: drop its letter, and its value if it has one
            kept = token[:opt.letter] + (token[opt.letter + 1:] if opt.value is None else "")
            out[opt.at:opt.at + opt.tokens] = [kept] if kept != "-" else []
        return out


def _tables(tool: str) -> tuple[dict[str, str], dict[str, str]]:
    """``tool``'s generated tables: command path -> options, and path -> path it shares them with."""
    if tool == "podman":
        return podman_flags.PODMAN, podman_flags.PODMAN_SAME
    if tool == "skopeo":
        return podman_flags.SKOPEO, podman_flags.SKOPEO_SAME
    return {"": ""}, {}


def known_path(tool: str, path: str) -> bool:
    """Whether ``path`` (``"container ls"``) is a command of ``tool``."""
    table, same = _tables(tool)
    return path in table or path in same


@functools.cache
def groups(tool: str) -> frozenset[str]:
    """The command paths that have subcommands: ``""``, ``container``, ``system connection``..."""
    table, same = _tables(tool)
    return frozenset(" ".join(path.split()[:n]) for path in (*table, *same)
                     for n in range(len(path.split())))


@functools.cache
def option_table(tool: str, path: str) -> dict[str, tuple[str, bool]]:
    """``"-p"``/``"--publish"`` -> ``("--publish", takes_value)`` for the options ``path`` accepts:
    its own, over the global ones (cobra hands the global options down to every command)."""
    table, same = _tables(tool)
    found: dict[str, tuple[str, bool]] = {}
    for key in ("", same.get(path, path)) if path else ("",):
        for spelling in table.get(key, "").split():
            names, takes_value = spelling.rstrip("="), spelling.endswith("=")
            long = names.split("/")[-1]
            for name in names.split("/"):
                found[name] = (long, takes_value)
    return found


def _read_option(args: tuple[str, ...], i: int, table: dict) -> list[Option]:
    """The option(s) the token ``args[i]`` starts (it starts with ``-`` and is not ``-``/``--``)."""
    tok = args[i]
    nxt = i + 1 < len(args)
    if tok.startswith("--"):
        name, eq, value = tok.partition("=")
        long, takes_value = table.get(name, (name, False))
        if eq:
            return [Option(long, value, i)]
        if takes_value and nxt:
            return [Option(long, args[i + 1], i, tokens=2)]
        return [Option(long, None, i)]
    found, j = [], 1
    while j < len(tok):
        short = "-" + tok[j]
        long, takes_value = table.get(short, (short, False))
        rest = tok[j + 1:]
        if rest.startswith("="):  # -d=false, -p=8080:80
            return [*found, Option(long, rest[1:], i, letter=j)]
        if takes_value and rest:  # -p8080:80, -itp8080:80
            return [*found, Option(long, rest, i, letter=j)]
        if takes_value and nxt:
            return [*found, Option(long, args[i + 1], i, tokens=2, letter=j)]
        found.append(Option(long, None, i, letter=j))
        j += 1
    return found


def _is_option(tok: str) -> bool:
    return tok.startswith("-") and tok not in ("-", "--")


def parse(args, tool: str = "podman") -> Command:
    """Read a podman (or skopeo) command line: ``args`` follow the tool's name.

    >>> cmd = parse(["--hooks-dir", "/h", "run", "-d", "-p", "8080:80", "img", "ls", "-p"])
    >>> cmd.words, cmd.values("--publish"), cmd.target, cmd.command
    (('run',), ['8080:80'], 'img', ('ls', '-p'))
    """
    args = tuple(args)
    words: list[str] = []
    word_at: list[int] = []
    global_options: list[Option] = []
    i = 0
    while i < len(args) and args[i] != "--":  # global options and command words (cobra's Traverse)
        path = " ".join(words)
        if words and path not in groups(tool):
            break
        if _is_option(args[i]):
            read = _read_option(args, i, option_table(tool, path))
            global_options += read
            i = read[-1].at + read[-1].tokens
            continue
        words.append(args[i])
        word_at.append(i)
        i += 1
        if not known_path(tool, " ".join(words)):
            break  # an unknown command: podman refuses it; its arguments follow
    path = " ".join(words)
    table = option_table(tool, path)
    options: list[Option] = []
    arguments: list[int] = []
    stop = None
    podman = tool == "podman"
    while i < len(args):  # the command's options and arguments (pflag)
        tok = args[i]
        if tok == "--" or (podman and path in PASSTHROUGH):
            stop = i if stop is None else stop
            arguments += range(i + (tok == "--"), len(args))
            break
        if _is_option(tok):
            read = _read_option(args, i, table)
            options += read
            i = read[-1].at + read[-1].tokens
            continue
        stop = i if stop is None else stop
        if podman and path in NOT_INTERSPERSED:
            arguments += range(i, len(args))
            break
        arguments.append(i)
        i += 1
    return Command(tool, args, tuple(words), tuple(word_at), tuple(global_options), tuple(options),
                   len(args) if stop is None else stop, tuple(arguments))


def command_words(args, tool: str = "podman") -> list[str]:
    """The command words of ``args``, global options skipped: ``["network", "ls"]``, ``["inspect"]``."""
    return list(parse(args, tool).words)


@dataclass(frozen=True)
class Publish:
    """One ``-p [ip:][hostPort:]containerPort[/protocol]`` spec, checked as podman checks it."""

    spec: str
    host_ip: str | None
    host_ports: range | None  # None: podman picks a free host port
    container_ports: range
    protocols: tuple[str, ...] = ("tcp",)


def _ports(spec: str, text: str, which: str) -> range:
    """``8080`` or ``8080-8082`` as a range of valid ports (podman's parseAndValidateRange)."""
    low, dash, high = text.partition("-")
    bounds = [low, high] if dash else [low]
    for bound in bounds:
        if not bound.isdigit():
            raise ArgvError(f"-p {spec}: {which} port {text!r} is not a port number or LOW-HIGH range")
        if not 1 <= int(bound) <= 65535:
            raise ArgvError(f"-p {spec}: {which} port must be 1-65535")
    if dash and int(high) <= int(low):
        raise ArgvError(f"-p {spec}: {which} port range {text} must go from low to high")
    return range(int(low), int(bounds[-1]) + 1)


def parse_publish(spec: str) -> Publish:
    """Read one ``-p`` value: ``8080:80``, ``127.0.0.1:8080:80/udp``, ``[::1]:8080:80``,
    ``8080-8082:80-82``, ``80`` (a random host port), ``127.0.0.1::80``.

    >>> parse_publish("127.0.0.1:8080-8081:80-81/udp").host_ports
    range(8080, 8082)
    """
    address, slash, proto = spec.partition("/")
    protocols = tuple(proto.split(",")) if slash else ("tcp",)
    if "/" in proto:
        raise ArgvError(f"-p {spec}: give the protocol once, e.g. 8080:80/udp")
    if not set(protocols) <= PROTOCOLS:
        raise ArgvError(f"-p {spec}: the protocol must be tcp, udp or sctp")
    host_ip = None
    if "]" in address:  # [ipv6]:hostPort:containerPort
        bracket, _, address = address.partition("]")
        if not bracket.startswith("[") or not address.startswith(":"):
            raise ArgvError(f"-p {spec}: write an IPv6 address in brackets before a colon: [::1]:8080:80")
        host_ip, address = bracket[1:], address[1:]
    parts = address.split(":")
    if len(parts) > 3 or (host_ip is not None and len(parts) != 2):
        raise ArgvError(f"-p {spec}: write [IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL], e.g. 8080:80")
    if len(parts) == 3:
        host_ip = parts.pop(0)
    if host_ip is not None:
        try:
            ipaddress.ip_address(host_ip)
        except ValueError:
            raise ArgvError(f"-p {spec}: {host_ip!r} is not an IP address") from None
    if not parts[-1]:
        raise ArgvError(f"-p {spec}: the container port is missing, e.g. 8080:80")
    container = _ports(spec, parts[-1], "container")
    host = _ports(spec, parts[0], "host") if len(parts) == 2 and parts[0] else None
    if host is not None and len(host) != len(container):
        raise ArgvError(f"-p {spec}: the host range has {len(host)} ports, the container range "
                        f"{len(container)}")
    return Publish(spec, host_ip, host, container, protocols)


def published_host_ports(args, tool: str = "podman") -> list[int]:
    """Host ports named by ``-p``/``--publish`` of ``run``/``create``/``pod create`` (random
    ones left out); raises ``ArgvError`` for a spec podman would refuse.

    >>> published_host_ports(["run", "-p", "8080:80", "-p", "9000-9001:90-91/udp", "img", "-p", "1:2"])
    [8080, 9000, 9001]
    """
    cmd = parse(args, tool)
    if tool != "podman" or cmd.path not in PUBLISHING:
        return []
    found: list[int] = []
    for value in cmd.values("--publish"):
        found += parse_publish(value).host_ports or []
    return found
