"""A real terminal in the kernel's sandbox: a JupyterLab terminal whose shell lives there.

``%podman_terminal`` asks the Jupyter server that runs this kernel for one of its own
terminals (jupyter_server_terminals/terminado, ``POST /api/terminals``), named after the
sandbox, and shows a button that JupyterLab's ``terminal:open`` command opens at once.
The terminal's process is not the server's default shell but ``python -m kernel_helpers
sandbox shell ID`` (terminado takes ``shell_command`` per terminal from the request body):
it checks that sandbox ID is alive, starts a watcher, and becomes ``bash`` with the
sandbox's environment, so ``podman``, ``skopeo``, ``podman exec -it web bash`` and
``python -m kernel_helpers lab grade NAME`` reach the containers the notebook sees. The
prompt starts with ``(sandbox ID)``.

The watcher (``python -m kernel_helpers.terminal ID PID START``) hangs up the shell's whole
session once the sandbox's owner is gone or the sandbox is removed (kernel shutdown,
restart, ``kill -9`` then the reaper): bash exits, terminado closes the terminal and
JupyterLab closes its tab. One mechanism for every way a sandbox goes, and no server
token outside the kernel.

How the kernel finds its server: ``jpserver-PID.json`` in the Jupyter runtime folder (its
parent process's first), read only when this user owns it and nobody else may write it,
and kept only if that server lists this kernel (``GET /api/kernels/ID``). The token goes
in a header, never in a URL or an output; the page's button uses the page's own login.
Without a server (papermill, nbval, a console) nothing is opened and the result says so
in one line.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import stat
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from . import paths, process, procinfo
from .errors import ToolMissing, UsageError
from .i18n import N_, _
from .owners import is_alive
from .sandbox import Sandbox

SANDBOX_ID = re.compile(r"[a-z]+-\d+-[0-9a-f]{6}")
HTTP_TIMEOUT = 10.0  # seconds for one call to the Jupyter server
MAX_BODY = 1 << 20  # bytes read from a server answer or a jpserver file
WATCH_INTERVAL = 1.0  # seconds between two looks at the sandbox
HANGUP_GRACE = 3.0  # seconds between SIGHUP and SIGKILL to what is left of the session
NO_SERVER = N_("%podman_terminal: a terminal needs JupyterLab, and no Jupyter server runs this "
               "kernel (papermill, nbval or a console): nothing was opened")
RCFILE_TEXT = """\
# The shell of a JupyterLab terminal in a podman-course sandbox (kernel_helpers/terminal.py):
# bash reads this instead of ~/.bashrc. The usual files first, then the kernel's Python first
# on PATH (python -m kernel_helpers lab grade NAME) and the sandbox in the prompt.
[ -r /etc/bash.bashrc ] && . /etc/bash.bashrc
[ -r "$HOME/.bashrc" ] && . "$HOME/.bashrc"
PATH={python_bin}:"$PATH"
PS1="(sandbox $PODMAN_COURSE_SANDBOX) ${{PS1:-\\u@\\h:\\w\\$ }}"
"""


def terminal_name(sandbox_id: str) -> str:
    """The terminal's name: word characters only (the server's routes are ``terminals/(\\w+)``)."""
    return "sandbox_" + sandbox_id.replace("-", "_")


def shell_argv(sandbox_id: str, python: str = sys.executable) -> list[str]:
    """What the terminal runs: the kit's shell in SANDBOX_ID, with the kernel's Python."""
    return [python, "-m", "kernel_helpers", "sandbox", "shell", sandbox_id]


def terminal_request(sandbox_id: str, cwd: str, pythonpath: str | None = None) -> dict:
    """The body of ``POST /api/terminals`` for SANDBOX_ID (the same kit code as the kernel)."""
    path = os.pathsep.join(filter(None, [str(paths.repo_root()), pythonpath]))
    return {"name": terminal_name(sandbox_id), "cwd": cwd, "shell_command": shell_argv(sandbox_id),
            "extra_env": {"PYTHONPATH": path}}


# --- the kernel's side: find the server, ask it for a terminal, show a button ------------


@dataclass(frozen=True)
class Server:
    url: str  # ends with "/" (base_url included)
    token: str = field(repr=False)

    def call(self, path: str, method: str = "GET", body: dict | None = None) -> tuple[int, object]:
        """(HTTP status, JSON answer or None); OSError when the server cannot be reached."""
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"} if data else {}
        if self.token:
            headers["Authorization"] = f"token {self.token}"
        request = urllib.request.Request(f"{self.url}api/{path}", data=data, method=method,
                                         headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as resp:  # noqa: S310 (http only)
                status, raw = resp.status, resp.read(MAX_BODY)
        except urllib.error.HTTPError as exc:
            return exc.code, None
        try:
            return status, json.loads(raw) if raw else None
        except ValueError:
            return status, None


def kernel_id(connection_file: str | None = None) -> str | None:
    """This kernel's id, from its connection file's name (``kernel-ID.json``), or None."""
    if connection_file is None:
        try:
            from ipykernel.connect import get_connection_file
            connection_file = get_connection_file()
        except Exception:  # noqa: BLE001 (no kernel app: IPython in a terminal, a test)
            return None
    found = re.fullmatch(r"kernel-([0-9a-f-]{8,})\.json", Path(connection_file).name)
    return found[1] if found else None


def _owned_json(path: Path) -> dict | None:
    """PATH's JSON if it is a regular file of this user that nobody else may write, else None."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid() or st.st_mode & 0o022:
            return None
        try:
            info = json.loads(fh.read(MAX_BODY))
        except ValueError:
            return None
    return info if isinstance(info, dict) else None


def server_files(folders: list[Path], parent_pid: int) -> list[Path]:
    """The ``jpserver-*.json`` files of FOLDERS, the parent process's first."""
    found: list[Path] = []
    for folder in folders:
        for path in [folder / f"jpserver-{parent_pid}.json", *sorted(folder.glob("jpserver-*.json"))]:
            if path not in found and path.is_file():
                found.append(path)
    return found


def _runtime_folders() -> list[Path]:
    folders = []
    try:
        from ipykernel.connect import get_connection_file
        folders.append(Path(get_connection_file()).parent)
    except Exception:  # noqa: BLE001
        pass
    try:
        from jupyter_core.paths import jupyter_runtime_dir
        folders.append(Path(jupyter_runtime_dir()))
    except ImportError:
        pass
    return list(dict.fromkeys(folders))


def find_server(kernel: str, files: list[Path] | None = None) -> Server | None:
    """The Jupyter server that lists KERNEL among its kernels, or None."""
    for path in files if files is not None else server_files(_runtime_folders(), os.getppid()):
        info = _owned_json(path)
        url = str((info or {}).get("url") or "")
        if not url.startswith(("http://", "https://")):
            continue
        server = Server(url.rstrip("/") + "/", str(info.get("token") or ""))
        try:
            status, _answer = server.call(f"kernels/{kernel}")
        except OSError:
            continue
        if status == 200:
            return server
    return None


_OPEN_JS = """\
(function () {
  var name = %(name)s, sandbox = %(sandbox)s;
  var button = document.createElement("button");
  button.className = "jp-Button kh-terminal-open";
  button.textContent = "Open the terminal of sandbox " + sandbox;
  button.setAttribute("data-commandlinker-command", "terminal:open");
  button.setAttribute("data-commandlinker-args", JSON.stringify({name: name}));
  element.appendChild(button);
  var config = {};
  try { config = JSON.parse(document.getElementById("jupyter-config-data").textContent); }
  catch (e) { config = {}; }
  var headers = config.token ? {Authorization: "token " + config.token} : {};
  fetch((config.baseUrl || "/") + "api/terminals/" + name, {headers: headers, credentials: "same-origin"})
    .then(function (answer) {
      if (answer.ok) { button.click(); return; }
      button.disabled = true;
      button.textContent = "The terminal of sandbox " + sandbox + " is closed: run %%podman_terminal again";
    });
})();
"""


@dataclass
class Terminal:
    """What ``%podman_terminal`` did: a terminal NAME in SANDBOX_ID, opened or not (and why)."""

    sandbox_id: str
    name: str | None = None
    message: str = NO_SERVER

    @property
    def opened(self) -> bool:
        return self.name is not None

    def __repr__(self) -> str:
        return _(self.message)  # NO_SERVER is translated here; the others when they are made

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        bundle = {"text/plain": _(self.message)}
        if self.opened:  # JupyterLab runs it (a trusted output) and opens the terminal
            bundle["application/javascript"] = _OPEN_JS % {
                "name": json.dumps(self.name), "sandbox": json.dumps(self.sandbox_id)}
        return bundle


def open_terminal(sandbox: Sandbox, cwd: str | None = None, kernel: str | None = None,
                  server: Server | None = None) -> Terminal:
    """Make (or find) the terminal of SANDBOX on this kernel's Jupyter server."""
    kernel = kernel or kernel_id()
    server = server or (find_server(kernel) if kernel else None)
    if server is None:
        return Terminal(sandbox.id)
    name = terminal_name(sandbox.id)
    shown = _("terminal {name}: a shell in sandbox {sandbox} (prompt '(sandbox {sandbox})'); "
              "it closes when this kernel's sandbox goes").format(name=name, sandbox=sandbox.id)
    try:
        status, _answer = server.call(f"terminals/{name}")
        if status == 200:
            return Terminal(sandbox.id, name, shown)
        body = terminal_request(sandbox.id, cwd or os.getcwd(), os.environ.get("PYTHONPATH"))
        status, answer = server.call("terminals", "POST", body)
    except OSError as exc:
        return Terminal(sandbox.id, message=_("%podman_terminal: the Jupyter server did not answer: "
                                              "{error}").format(error=exc))
    if status != 200 or not isinstance(answer, dict) or answer.get("name") != name:
        return Terminal(sandbox.id, message=_("%podman_terminal: the Jupyter server refused a terminal "
                                              "(HTTP {status}): are terminals enabled "
                                              "(ServerApp.terminals_enabled)?").format(status=status))
    return Terminal(sandbox.id, name, shown)


def open_line(line: str, sandbox: Sandbox) -> Terminal:
    """``%podman_terminal`` (no arguments)."""
    if line.strip():
        raise UsageError(_("%podman_terminal takes no arguments (usage: %podman_terminal)"))
    return open_terminal(sandbox)


# --- the terminal's side: the shell in the sandbox, and its watcher -----------------------


def live_sandbox(sandbox_id: str) -> Sandbox:
    """The sandbox SANDBOX_ID if its owner is alive; UsageError otherwise."""
    if not SANDBOX_ID.fullmatch(sandbox_id or ""):
        raise UsageError(f"sandbox shell: {sandbox_id!r} is not a sandbox id (like kernel-123-a1b2c3)")
    if not is_alive(sandbox_id):
        raise UsageError(f"sandbox shell: sandbox {sandbox_id} is gone (its kernel stopped): "
                         "run %podman_terminal again in the notebook")
    return Sandbox.for_id(sandbox_id)


def rcfile_text(python: str = sys.executable) -> str:
    """The shell's rc file: the usual ones, the kernel's Python first on PATH, the prompt."""
    return RCFILE_TEXT.format(python_bin=shlex.quote(str(Path(python).parent)))


def shell(argv: list[str]) -> int:
    """``python -m kernel_helpers sandbox shell ID``: become bash in sandbox ID (never returns)."""
    if len(argv) != 1:
        raise UsageError("usage: python -m kernel_helpers sandbox shell SANDBOX-ID")
    sandbox = live_sandbox(argv[0])
    rcfile = sandbox.world.conf_dir / "terminal.bashrc"
    paths.write_private(rcfile, rcfile_text())
    pid = os.getpid()
    process.spawn([sys.executable, "-m", "kernel_helpers.terminal", sandbox.id, str(pid),
                   str(procinfo.start_time(pid))], cwd=str(paths.repo_root()))
    print(f"This shell lives in sandbox {sandbox.id}, with the notebook's containers "
          f"(podman, skopeo, python -m kernel_helpers lab grade NAME). It closes when the "
          "kernel's sandbox goes.", flush=True)
    bash = shutil.which("bash")
    if bash is None:
        raise ToolMissing("bash", "the terminal's shell is bash")
    os.execve(bash, ["bash", "--rcfile", str(rcfile), "-i"], sandbox.full_env())
    return 0  # not reached


def session_members(leader: int, proc: Path = Path("/proc")) -> list[int]:
    """Pids of the processes in the session LEADER leads (field 6 of /proc/PID/stat)."""
    members = []
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if len(fields) > 3 and fields[3] == str(leader):
            members.append(int(entry.name))
    return members


def hang_up(leader: int, start: str, grace: float = HANGUP_GRACE) -> None:
    """SIGHUP to the session LEADER (started at START) leads, then SIGKILL to what is left."""
    for sig in (signal.SIGHUP, signal.SIGKILL):
        if procinfo.start_time(leader) not in (start, None):  # the pid is another process's now
            return
        for pid in session_members(leader):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + grace
        while session_members(leader) and time.monotonic() < deadline:
            time.sleep(0.1)


def watch(sandbox_id: str, pid: int, start: str, interval: float = WATCH_INTERVAL) -> None:
    """Hang up the shell PID (started at START) once sandbox SANDBOX_ID is gone; end with it."""
    while procinfo.start_time(pid) == start:
        if not is_alive(sandbox_id):
            hang_up(pid, start)
            return
        time.sleep(interval)


if __name__ == "__main__":
    watch(sys.argv[1], int(sys.argv[2]), sys.argv[3])
