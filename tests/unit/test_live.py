"""The live view of a running command: when it appears, what it keeps, how it ends."""

from __future__ import annotations

from kernel_helpers import live


class FakeHandle:
    def __init__(self, bundle):
        self.bundles = [bundle]

    def update(self, bundle, raw=False):
        assert raw
        self.bundles.append(bundle)


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def make(hint=None):
    handles, clock = [], Clock()

    def show(bundle):
        handles.append(FakeHandle(bundle))
        return handles[-1]

    return live.LiveView("$ podman pull x", hint, display=show, clock=clock), handles, clock


def test_a_quick_command_shows_nothing():
    view, handles, _ = make()
    view.output("stdout", "done\n")
    view.tick(0.3)
    view.close()
    assert handles == []


def test_output_appears_after_the_first_show_and_ends_empty():
    view, handles, clock = make()
    view.output("stderr", "Trying to pull...\n")
    clock.now = view.elapsed = 0.6
    view.tick(0.6)
    assert len(handles) == 1 and "Trying to pull..." in handles[0].bundles[0]["text/plain"]
    assert "0 s, running" in handles[0].bundles[0]["text/plain"]
    clock.now = 0.9
    view.output("stdout", "a\nhalf")
    assert handles[0].bundles[-1]["text/plain"].splitlines()[1:] == ["Trying to pull...", "a", "half"]
    view.close()
    assert handles[0].bundles[-1] == {"text/plain": ""}


def test_updates_are_throttled_and_the_timer_moves_each_second():
    view, handles, clock = make()
    clock.now = 1.0
    view.tick(1.0)
    for step in range(1, 10):  # ten ticks in 0.9 s and no output: one update at most
        clock.now = 1.0 + step / 10
        view.tick(clock.now)
    assert len(handles[0].bundles) == 1
    clock.now = 2.1
    view.tick(2.1)
    assert "2 s, running" in handles[0].bundles[-1]["text/plain"]


def test_memory_stays_bounded():
    view, handles, clock = make()
    view.output("stdout", "".join(f"line {i}\n" for i in range(10_000)) + "x" * 100_000)
    assert len(view.lines) == live.KEEP_LINES and len(view.partial) == live.LINE_CHARS
    clock.now = view.elapsed = 1.0
    view.tick(1.0)
    text = handles[0].bundles[-1]["text/plain"]
    assert f"… {10_000 - live.KEEP_LINES} earlier lines …" in text and "line 9999" in text


def test_the_stop_hint_comes_after_a_few_seconds():
    view, handles, clock = make(hint=live.STOP_HINT)
    clock.now = 1.0
    view.tick(1.0)
    assert "interrupt" not in handles[0].bundles[-1]["text/plain"]
    clock.now = live.HINT_AFTER + 0.1
    view.tick(clock.now)
    assert handles[0].bundles[-1]["text/plain"].endswith("note: " + live.STOP_HINT)
    assert "■" in handles[0].bundles[-1]["text/html"]


def test_html_is_escaped():
    view, handles, clock = make()
    view.output("stdout", "<script>alert(1)</script>\n")
    clock.now = 1.0
    view.tick(1.0)
    assert "<script>" not in handles[0].bundles[-1]["text/html"]


def test_enabled_needs_an_interactive_kernel(monkeypatch):
    monkeypatch.setenv(live.ENV, "1")
    assert not live.enabled()  # no kernel here (pytest): nothing to update in place
    monkeypatch.setenv(live.ENV, "0")
    assert not live.enabled()
