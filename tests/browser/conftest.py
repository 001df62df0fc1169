"""A real JupyterLab (from the kit's venv) driven by Playwright with Debian's Chromium.

One JupyterLab server and one Chromium serve the whole session. Each test opens its
notebook in a fresh page, runs it, and finds its kernel's sandbox from the line the
first cell prints (``sandbox: kernel-...``). Teardown shuts the kernels down, removes
their sandboxes, closes Chromium and stops JupyterLab, also when a test fails.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from kernel_helpers import paths
from kernel_helpers.sandbox import Sandbox

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
NOTEBOOKS = Path(__file__).resolve().parent / "notebooks"
ARTIFACTS = paths.repo_root() / "test-artifacts" / "browser"
VENV_BIN = Path(sys.executable).parent
START_TIMEOUT = 60.0
WIDGET_TIMEOUT_MS = 60_000
NO_NEWS = {"fetchNews": "false", "checkForUpdates": False}
# xterm draws on a canvas: its accessibility tree is the text a test can read
TERMINAL_SETTINGS = {"screenReaderMode": True}
PORT_ENV = "PODMAN_COURSE_BROWSER_PORT"  # JupyterLab's port (default: a free one)
KERNEL = "podman-course"
KERNEL_NAME = "Podman course"  # its display name, as the status bar shows it

# The notebooks here are opened in the browser, not compared by nbval (they keep no outputs).
collect_ignore_glob = ["notebooks/*.ipynb"]


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives JupyterLab in headless Chromium")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so teardown knows if the test failed."""
    outcome = yield
    setattr(item, f"report_{call.when}", outcome.get_result())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, method: str = "GET", timeout: float = 30.0, body: dict | None = None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, method=method, data=data,
                                     headers={"Content-Type": "application/json"} if data else {})
    with urllib.request.urlopen(request, timeout=timeout) as resp:
        body = resp.read().decode()
        return json.loads(body) if body else None


class Lab:
    """A running JupyterLab: its URL, token, root folder and REST helpers."""

    def __init__(self, proc: subprocess.Popen, port: int, token: str, root: Path, log: Path):
        self.proc, self.port, self.token, self.root, self.log = proc, port, token, root, log
        self.base = f"http://127.0.0.1:{port}"

    def api(self, path: str, method: str = "GET", body: dict | None = None):
        return _get(f"{self.base}/api/{path}?token={self.token}", method, body=body)

    def start_kernel(self, notebook: str) -> None:
        """A session with the course kernel for ``notebook``, so the page never asks for one."""
        self.api("sessions", "POST", {"path": notebook, "name": notebook, "type": "notebook",
                                      "kernel": {"name": KERNEL}})

    def url(self, notebook: str) -> str:
        """The notebook alone in a fresh workspace of its own (no tabs of earlier tests)."""
        workspace = Path(notebook).stem
        return f"{self.base}/lab/workspaces/{workspace}/tree/{notebook}?reset&token={self.token}"

    def shutdown_kernels(self) -> None:
        for kernel in self.api("kernels") or []:
            try:
                self.api(f"kernels/{kernel['id']}", method="DELETE")
            except OSError:
                pass


def _skip_reason() -> str | None:
    if not CHROMIUM.exists():
        return "chromium is not installed at /usr/bin/chromium (make setup installs it)"
    if not shutil.which("podman"):
        return "podman is not installed on this host (make setup installs it)"
    return None


# The settings every test's JupyterLab starts with (user settings, plugin id -> values)
LAB_SETTINGS = {"@jupyterlab/apputils-extension:notification": NO_NEWS,
                "@jupyterlab/terminal-extension:plugin": TERMINAL_SETTINGS}


def write_settings(folder: Path, settings: dict[str, dict]) -> None:
    """JupyterLab's user settings: ``{folder}/{package}/{plugin}.jupyterlab-settings``."""
    for plugin, values in settings.items():
        package, name = plugin.split(":")
        target = folder / package / f"{name}.jupyterlab-settings"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values))


@contextmanager
def running_lab(home: Path, settings: dict[str, dict], port: int = 0,
                log_name: str = "jupyterlab.log") -> Iterator[Lab]:
    """JupyterLab on 127.0.0.1 (PORT or a free one, a token) with SETTINGS, serving a copy of
    the test notebooks in HOME; stopped on exit, its log in test-artifacts/browser/LOG_NAME."""
    root = home / "notebooks"
    shutil.copytree(NOTEBOOKS, root)
    write_settings(home / "settings", settings)
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
           "JUPYTER_CONFIG_DIR": str(home / "config"),
           "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces")}
    port, token = port or _free_port(), secrets.token_hex(16)
    argv = [str(VENV_BIN / "jupyter"), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
            "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if os.geteuid() == 0:
        argv.append("--allow-root")
    log = ARTIFACTS / log_name
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with open(log, "w") as out:
        proc = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True, cwd=str(root))
    server = Lab(proc, port, token, root, log)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"JupyterLab exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
            try:
                server.api("status")
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not answer in {START_TIMEOUT:g} s:\n"
                                f"{log.read_text()[-3000:]}")
                time.sleep(0.2)
        yield server
    finally:
        try:
            server.shutdown_kernels()
        except OSError:
            pass
        _stop(proc)


@pytest.fixture(scope="session")
def lab(tmp_path_factory, classroom_up):
    """JupyterLab on 127.0.0.1 (free port, token), serving a temp copy of the notebooks."""
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for stale in ARTIFACTS.glob("failed-*.png"):
        stale.unlink()
    with running_lab(tmp_path_factory.mktemp("lab"), LAB_SETTINGS,
                     port=int(os.environ.get(PORT_ENV) or 0)) as server:
        yield server


def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM (JupyterLab then shuts its kernels down), then SIGKILL its process group."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait(5)


@pytest.fixture(scope="session")
def chromium(tmp_path_factory):
    """Headless Debian Chromium with a fresh user-data dir (never Playwright's own build)."""
    if not CHROMIUM.exists():
        pytest.skip(f"chromium is not installed at {CHROMIUM} (make setup installs it)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is missing from the venv: run 'make setup'")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 2000})
        try:
            yield context
        finally:
            context.close()


@pytest.fixture(scope="session")
def browser_context(lab, chromium):
    """Chromium, once the course's JupyterLab runs."""
    return chromium


class NotebookPage:
    """One notebook opened in JupyterLab: run it, find its sandbox, screenshot a widget."""

    def __init__(self, page, lab: Lab, name: str):
        self.page, self.lab, self.name = page, lab, name
        self.sandbox_id: str | None = None

    def open(self) -> NotebookPage:
        """Open the notebook on a kernel started for it; wait until JupyterLab shows it idle."""
        self.lab.start_kernel(self.name)
        accept = self.page.locator(".jp-Dialog button.jp-mod-accept")
        # "Select Kernel" should not come (the session exists); if it does, take the course kernel.
        self.page.add_locator_handler(accept, lambda button: button.click())
        self.page.goto(self.lab.url(self.name))
        self.page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=WIDGET_TIMEOUT_MS)
        self.page.locator(".jp-StatusBar-TextItem", has_text=f"{KERNEL_NAME} | Idle").first.wait_for(
            timeout=WIDGET_TIMEOUT_MS)
        return self

    def run_all(self) -> None:
        """Run > Run All Cells, from JupyterLab's own menu; wait for the sandbox line."""
        self.page.locator(".lm-MenuBar-item", has_text="Run").first.click()
        self.page.locator(".lm-Menu-item[data-command='runmenu:run-all']").click()
        line = self.page.locator(".jp-OutputArea-output", has_text="sandbox:").first
        # attached, not visible: a later cell may open a tab (a terminal) over the notebook
        line.wait_for(state="attached", timeout=WIDGET_TIMEOUT_MS)
        text = line.text_content() or ""
        found = re.search(r"sandbox: (\S+)", text)
        assert found, text
        self.sandbox_id = found[1]

    @property
    def sandbox(self) -> Sandbox:
        assert self.sandbox_id, "run the notebook first"
        return Sandbox.for_id(self.sandbox_id)

    def podman_json(self, *args: str):
        """``podman ARGS --format json`` in this notebook's sandbox (outside the browser)."""
        done = self.sandbox.podman(*args, "--format", "json", timeout=60)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout or "[]")

    def widget(self, css: str):
        widget = self.page.locator(f".kh-widget{css}").first
        widget.wait_for(timeout=WIDGET_TIMEOUT_MS)
        return widget

    def screenshot(self, widget, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        target = ARTIFACTS / f"{name}.png"
        widget.scroll_into_view_if_needed()
        widget.screenshot(path=str(target))
        return target


@pytest.fixture
def notebook(request, browser_context, lab):
    """``notebook("widgets_dashboard.ipynb")`` opens it in a new page; all is cleaned after.

    When the test failed, the whole page is kept as ``test-artifacts/browser/failed-*.png``.
    """
    opened: list[NotebookPage] = []

    def open_notebook(name: str) -> NotebookPage:
        page = browser_context.new_page()
        page.set_default_timeout(WIDGET_TIMEOUT_MS)
        opened.append(NotebookPage(page, lab, name))
        return opened[-1].open()

    yield open_notebook
    report = getattr(request.node, "report_call", None)
    for nb in opened:
        if report is not None and report.failed and not nb.page.is_closed():
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            nb.page.screenshot(path=str(ARTIFACTS / f"failed-{Path(nb.name).stem}.png"), full_page=True)
        if not nb.page.is_closed():
            nb.page.close()
    lab.shutdown_kernels()
    for nb in opened:
        if nb.sandbox_id:
            nb.sandbox.remove()
