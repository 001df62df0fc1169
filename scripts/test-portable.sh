#!/usr/bin/env bash
# `make test-portable`: what a new machine does, on this one. Every notebook is executed
# again against a NEW state folder: course images rebuilt from the recipes, a new classroom
# registry with new data (on the notes' ports 5000/5001), and another rootless course user
# (so another uid and other subordinate ids). nbval compares the outputs with the stored
# ones. Afterwards `uninstall` removes that state, its classroom and its user again.
# Needs the default classroom to be down (make test stops it when it started it).
# Extra arguments go to pytest.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
[ -x "$PY" ] || { echo "test-portable: run 'make setup' first (no .venv)" >&2; exit 2; }

started=$(date +%s)
# the classroom of the usual state must not hold the notes' ports
if "$PY" -m kernel_helpers classroom status >/dev/null 2>&1; then
  "$PY" -m kernel_helpers classroom down --if-unused || {
    echo "test-portable: the classroom of $("$PY" -c 'from kernel_helpers import paths; print(paths.state_dir())') is in use; run this when it is free" >&2
    exit 2
  }
fi

export PODMAN_COURSE_STATE
PODMAN_COURSE_STATE=$(mktemp -d /var/tmp/podman-course-portable.XXXXXX)
export PODMAN_COURSE_RUNTIME=/run/pcp-$$  # short: podman 4.3 stalls on run roots > 50 chars
[ "$(id -u)" -eq 0 ] || PODMAN_COURSE_RUNTIME=/tmp/pcp-$$
export PODMAN_COURSE_ROOTLESS_USER=${PODMAN_COURSE_PORTABLE_USER:-pc-portable}
export PYTHONDONTWRITEBYTECODE=1
echo "test-portable: state $PODMAN_COURSE_STATE, runtime $PODMAN_COURSE_RUNTIME, course user $PODMAN_COURSE_ROOTLESS_USER"

cleanup() {
  "$PY" -m kernel_helpers uninstall || echo "test-portable: uninstall of the portable state failed" >&2
  rm -rf "$PODMAN_COURSE_STATE" "$PODMAN_COURSE_RUNTIME"
}
trap cleanup EXIT

"$PY" -m kernel_helpers setup || exit 1
setup_done=$(date +%s)
"$PY" -m pytest --nbval -p no:cacheprovider notebooks "$@"
rc=$?
echo "test-portable: set-up $((setup_done - started)) s, notebooks $(( $(date +%s) - setup_done )) s, exit $rc"
exit $rc
