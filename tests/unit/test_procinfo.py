"""procinfo's readers of /proc/PID: start time (pid reuse) and command line."""

from __future__ import annotations

import os

from kernel_helpers import procinfo


def test_start_time_is_field_22_even_with_a_paren_in_the_name(tmp_path):
    (tmp_path / "7").mkdir()
    rest = " ".join(str(n) for n in range(4, 22))  # fields 4..21, then starttime, then more
    (tmp_path / "7" / "stat").write_text(f"7 (a) b) S {rest} 98765 1 2 3\n")
    assert procinfo.start_time(7, tmp_path) == "98765"
    assert procinfo.start_time(8, tmp_path) is None


def test_start_time_of_this_process_is_stable():
    first = procinfo.start_time(os.getpid())
    assert first is not None and first.isdigit() and procinfo.start_time(os.getpid()) == first
