"""``python -m kernel_helpers setup``: everything after packages and venv, idempotent.

Order: reclaim leftovers of crashed kernels, start the classroom registry, run the
doctor (which chooses host workarounds and makes the rootless course user), build and
push course images that changed, pull them into the rootless user's shared store, and
let matplotlib build its font cache with the CJK font (so a kernel's first start is quick).
A second run redoes nothing that is already done. With a shared classroom (the hub's,
``classroom.shared()``) it starts no registry and builds no image: the host does both.

The whole set-up holds the kit's ``setup`` lock: a second set-up at the same time
(two ``make test`` runs) waits for the first and then finds everything done. Lock
order: setup -> images -> classroom (``images.build`` and ``classroom.up`` take theirs).
"""

from __future__ import annotations

import time

from . import classroom, doctor, images, locks, plotfonts, rootless, sandbox


def main() -> int:
    start = time.monotonic()
    if locks.held_by_others("setup"):
        print("setup: another set-up is running; waiting for it to finish", flush=True)
    with locks.hold("setup"):
        for line in sandbox.reclaim():
            print(f"clean: {line}")
        print(classroom.up().describe())
        report = doctor.run()
        print(report.text())
        if not report.healthy:
            print("setup stopped: the doctor found a problem the kit cannot work around (see FIX)")
            return 1
        if classroom.shared():  # the host builds and pushes them
            print(f"images: {classroom.OWNER}'s classroom serves the course images: nothing to build")
        else:
            images.build(log=print)
        rootless.prepare_store(log=print)
        fonts = time.monotonic()  # matplotlib's font cache, with the CJK font: built here, once,
        drawn = plotfonts.configure()  # not in a learner's first kernel (tens of seconds)
        said = f"CJK labels drawn with {plotfonts.CJK_FAMILY}" if drawn else "no CJK font for matplotlib"
        print(f"plots: {said} ({time.monotonic() - fonts:.1f} s)")
    print(f"setup done in {time.monotonic() - start:.1f} s")
    return 0
