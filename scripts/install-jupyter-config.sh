#!/usr/bin/env bash
# The course's Jupyter set-up inside one Python environment (make venv, binder/postBuild,
# scripts/test-as-user.sh):
#   - the kernels: podman-course ("Podman course") and podman-course-zh-cn ("Podman 课程（中文）",
#     the same Python with PODMAN_COURSE_LANG=zh-CN: the kit speaks Chinese);
#   - JupyterLab's settings for an offline classroom (jupyter/lab-overrides.json: no "official
#     Jupyter news" prompt, no update check) as
#     {prefix}/share/jupyter/lab/settings/overrides.d/podman-course.json; JupyterLab applies
#     overrides.d/*.json first, then overrides.json, so a teacher's own overrides.json still wins;
#   - the course kernel as the default of new notebooks (jupyter/server-config.json), merged into
#     {prefix}/etc/jupyter/jupyter_server_config.json (the server reads its .d folder only for
#     the list of extensions; other keys there are kept).
# Everything lives under the environment's prefix: removing the venv removes it, and
# `make uninstall` has nothing to undo. Running it again rewrites the same files.
#   install-jupyter-config.sh [PYTHON [SERVER_CONFIG.json...]]
#     PYTHON: the environment's interpreter (default: python); SERVER_CONFIG.json: more server
#     settings merged after jupyter/server-config.json (binder/postBuild: JupyterLab opens on 00)
set -euo pipefail
PY=${1:-python}
SRC=$(cd "$(dirname "$0")/.." && pwd)/jupyter
PREFIX=$("$PY" -c 'import sys; print(sys.prefix)')

"$PY" -m ipykernel install --sys-prefix --name podman-course --display-name "Podman course"
"$PY" -m ipykernel install --sys-prefix --name podman-course-zh-cn --display-name "Podman 课程（中文）" \
  --env PODMAN_COURSE_LANG zh-CN
install -D -m 0644 "$SRC/lab-overrides.json" "$PREFIX/share/jupyter/lab/settings/overrides.d/podman-course.json"
"$PY" - "$PREFIX/etc/jupyter/jupyter_server_config.json" "$SRC/server-config.json" "${@:2}" <<'MERGE'
import json, sys
from pathlib import Path
dst, *srcs = map(Path, sys.argv[1:])
merged = json.loads(dst.read_text()) if dst.exists() else {}
for src in srcs:
    for section, values in json.loads(src.read_text()).items():
        merged.setdefault(section, {}).update(values)
dst.parent.mkdir(parents=True, exist_ok=True)
dst.write_text(json.dumps(merged, indent=2) + "\n")
MERGE
echo "JupyterLab settings for the classroom: $PREFIX/share/jupyter/lab/settings/overrides.d/podman-course.json;" \
  "podman-course the default kernel: $PREFIX/etc/jupyter/jupyter_server_config.json"
