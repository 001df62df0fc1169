"""``%podman_terminal`` in a real JupyterLab, in Chromium: a terminal in the kernel's sandbox.

The notebook starts a container and runs ``%podman_terminal``; JupyterLab opens the
terminal. The test types ``podman exec -it box bash`` and ``hostname`` into it, like a
learner, and reads xterm's screen: the container's hostname (its short id) must be there,
under a prompt that names the kernel's sandbox. Then the kernel goes, and so must the
terminal.
"""

from __future__ import annotations

import time

import pytest

pytestmark = pytest.mark.browser

SCREEN_TIMEOUT = 60.0
CLOSE_TIMEOUT = 30.0


def _screen(terminal) -> str:
    """The text xterm shows, from its accessibility tree (screenReaderMode), plain spaces."""
    return terminal.locator(".xterm-accessibility-tree").inner_text().replace("\xa0", " ")


def _answer(screen: str, command: str) -> str | None:
    """The line the screen shows right under the last line that typed COMMAND, if any."""
    lines = [line.rstrip() for line in screen.splitlines()]
    typed = [i for i, line in enumerate(lines) if line.endswith(f" {command}")]
    return lines[typed[-1] + 1].strip() if typed and typed[-1] + 1 < len(lines) else None


def _wait_for_text(terminal, text: str, answers: str | None = None,
                   timeout: float = SCREEN_TIMEOUT) -> str:
    """Wait until TEXT shows on the screen (as the answer to command ANSWERS, if given)."""
    deadline = time.monotonic() + timeout
    while True:
        screen = _screen(terminal)
        if (text == _answer(screen, answers)) if answers else (text in screen):
            return screen
        if time.monotonic() > deadline:
            raise AssertionError(f"{text!r} not on the terminal's screen after {timeout:g} s:\n{screen}")
        time.sleep(0.25)


def test_terminal_runs_podman_exec_it_in_the_kernels_sandbox(notebook, lab):
    nb = notebook("terminal.ipynb")
    nb.run_all()
    name = "sandbox_" + nb.sandbox_id.replace("-", "_")
    terminal = nb.page.locator(".jp-Terminal").first
    terminal.wait_for()
    prompt = f"(sandbox {nb.sandbox_id})"
    _wait_for_text(terminal, prompt)
    short_id = nb.podman_json("inspect", "box")[0]["Id"][:12]
    terminal.click()
    nb.page.keyboard.type("podman exec -it box bash\n")
    _wait_for_text(terminal, f"@{short_id}")  # the container's own prompt: [root@ID /]#
    nb.page.keyboard.type("hostname\n")
    screen = _wait_for_text(terminal, short_id, answers="hostname")
    assert prompt in screen
    nb.screenshot(terminal, "terminal")
    assert name in [t["name"] for t in lab.api("terminals")]
    lab.shutdown_kernels()  # the kernel goes, the reaper removes its sandbox: the terminal closes
    deadline = time.monotonic() + CLOSE_TIMEOUT
    while name in [t["name"] for t in lab.api("terminals")]:
        assert time.monotonic() < deadline, f"terminal {name} still open {CLOSE_TIMEOUT:g} s after its kernel"
        time.sleep(0.5)
