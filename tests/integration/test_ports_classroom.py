"""Two learners of a hub classroom publish the notes' 8080 at once; each reaches their own page.

Each learner is a kernel-like process of its own (its own sandbox) with the environment the
hub gives learner INDEX (``hub.resources.learner_environment``): a port block and the notes'
port map. Both run ``-p 8080:8080`` as the notes write it and ``fetch(8080)``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import urllib.request

from kernel_helpers import classroom, paths, portmap
from kernel_helpers.hub import resources

INDEXES = (97, 98)  # blocks 19700-19799 and 19800-19899: clear of a real classroom's first ones

LEARNER = textwrap.dedent("""
    import sys
    from kernel_helpers import lesson
    image, page = sys.argv[1], sys.argv[2]
    run = lesson.podman(["run", "-d", "--name", "web", "-p", "8080:8080", image, "sh", "-c",
                         f"mkdir /www && echo {page} > /www/index.html && exec httpd -f -p 8080 -h /www"])
    print(run.to_text(), flush=True)
    status, body = lesson.fetch(8080)
    print("GOT", status, body.strip(), flush=True)
    print(lesson.podman("port web").to_text(), flush=True)
    print("READY", flush=True)
    sys.stdin.read()  # keep the container until the test has looked at both
""")


def _learner(index: int, image: str) -> subprocess.Popen:
    env = {**os.environ, **resources.learner_environment(index, f"pcr-{index}")}
    return subprocess.Popen([sys.executable, "-c", LEARNER, image, f"page-of-learner-{index}"],
                            cwd=str(paths.repo_root()), env=env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _until_ready(proc: subprocess.Popen) -> list[str]:
    lines = []
    for line in proc.stdout:
        lines.append(line.rstrip("\n"))
        if line.startswith("READY"):
            break
    return lines


def test_two_learners_publish_the_notes_8080_at_once(classroom_up):
    image = f"{classroom.pull_host()}/busybox:latest"
    learners = {index: _learner(index, image) for index in INDEXES}
    try:
        seen = {index: _until_ready(proc) for index, proc in learners.items()}
        for index in INDEXES:
            out = "\n".join(seen[index])
            mine = resources.notes_map(index)[8080]
            assert f"$ podman run -d --name web -p 8080:8080 {image}" in out, out
            assert f"note: port 8080 is {mine} in this classroom" in out, out
            assert f"GOT 200 page-of-learner-{index}" in out, out
            assert re.search(r"\n\s*8080/tcp\s+0\.0\.0\.0\s+8080\n", out), out  # podman port, shown back
            # both servers are up now: each block's port serves its own learner's page
            with urllib.request.urlopen(f"http://127.0.0.1:{mine}/", timeout=5) as answer:
                assert answer.read().decode().strip() == f"page-of-learner-{index}"
        print(f"\nlearners {INDEXES}: 8080 -> "
              f"{[resources.notes_map(i)[8080] for i in INDEXES]}, each served its own page")
    finally:
        for proc in learners.values():
            proc.stdin.close()
        for proc in learners.values():
            proc.wait(timeout=120)
    assert portmap.MAP_ENV not in os.environ  # the test process itself stayed outside a classroom
