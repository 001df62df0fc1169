"""`setup` runs under the kit's 'setup' lock, from reclaim to the rootless store."""

from __future__ import annotations

from types import SimpleNamespace

from kernel_helpers import classroom, doctor, images, locks, rootless, sandbox, setup


def test_every_step_of_setup_runs_under_the_setup_lock(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("PODMAN_COURSE_STATE", str(tmp_path))
    seen = []

    def step(name, result=None):
        def run(*args, **kwargs):
            seen.append((name, locks.held_by_others("setup")))  # our lock, on another open file
            return result
        return run

    status = SimpleNamespace(describe=lambda: "classroom registry: running")
    monkeypatch.setattr(sandbox, "reclaim", step("reclaim", []))
    monkeypatch.setattr(classroom, "up", step("up", status))
    monkeypatch.setattr(doctor, "run", step("doctor", SimpleNamespace(text=lambda: "", healthy=True)))
    monkeypatch.setattr(images, "build", step("images"))
    monkeypatch.setattr(rootless, "prepare_store", step("store"))
    assert setup.main() == 0
    assert seen == [(name, True) for name in ("reclaim", "up", "doctor", "images", "store")]
    assert not locks.held_by_others("setup")
    assert "setup done" in capsys.readouterr().out


def test_another_thread_waits_for_an_exclusive_lock_instead_of_entering():
    import threading

    from kernel_helpers import locks

    order, inside = [], threading.Event()

    def other():
        with locks.hold("thread-test", wait=10):
            order.append("other in")

    with locks.hold("thread-test"):
        with locks.hold("thread-test"):  # re-entrant in this thread
            thread = threading.Thread(target=other)
            thread.start()
            inside.wait(0.5)
            order.append("first out")
    thread.join(10)
    assert order == ["first out", "other in"]
