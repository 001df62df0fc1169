#!/usr/bin/env bash
# `make test`: set-up (idempotent), lint, then the whole test suite, leaving nothing
# behind: sandboxes are reclaimed, and the classroom registry is stopped again if
# this run had to start it and nobody else uses it. Extra arguments go to pytest.
#
# Runs at once (a second `make test`, a learner's kernels) must not stop the classroom
# under each other. Each run holds the kit's lock "classroom-users" SHARED for its whole
# duration, on fd $users_fd, which only this shell keeps (every child gets it closed).
# At the end the run gives its share back and calls `classroom down --if-unused`, which
# stops the classroom only if no other run holds the lock, no set-up is running and no
# sandbox (kernel, shell, test) is alive. Whether the classroom "was up before" is
# decided by the first of overlapping runs and inherited by the later ones ($was_up_file),
# under the short lock "classroom-users-gate", which --if-unused takes too. `make setup`
# (apt-get, pip into .venv, then the kit's own set-up) runs under the lock "make-setup":
# two runs would otherwise race for dpkg's lock and for one venv.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
# the kit's locks and status verb need only the standard library: no venv yet is fine
mapfile -t lock_files < <(PYTHONPATH=. python3 -c 'from kernel_helpers import locks
for name in ("classroom-users", "classroom-users-gate", "make-setup"): print(locks.lock_file(name))')
if [ "${#lock_files[@]}" -ne 3 ]; then echo "run-tests: cannot locate the kit's lock files" >&2; exit 1; fi
was_up_file="${lock_files[0]%.lock}.was-up"
exec {users_fd}>>"${lock_files[0]}" {gate_fd}>>"${lock_files[1]}"
if ! flock -x -w 600 "$gate_fd"; then echo "run-tests: ${lock_files[1]} stayed locked 10 min" >&2; exit 1; fi
if flock -n -x "$users_fd"; then  # no other run: is the classroom up already?
  was_up=0
  PYTHONPATH=. python3 -m kernel_helpers classroom status >/dev/null 2>&1 {users_fd}>&- {gate_fd}>&- && was_up=1
  echo "$was_up" >"$was_up_file"
else                              # other runs are going: the first of them decided
  was_up=$(cat "$was_up_file" 2>/dev/null)
  [ "$was_up" = 0 ] || was_up=1
fi
flock -s "$users_fd"  # at once: only runs hold it (shared), and --if-unused waits on the gate
exec {gate_fd}>&-
cleanup() {
  "$PY" -m kernel_helpers clean >/dev/null 2>&1 {users_fd}>&- || true
  exec {users_fd}>&-  # this run's share back first: --if-unused must see only the others
  if [ "$was_up" -eq 0 ]; then "$PY" -m kernel_helpers classroom down --if-unused || true; fi
}
trap cleanup EXIT
flock -o -w 3600 "${lock_files[2]}" make --no-print-directory setup {users_fd}>&- || exit 1
.venv/bin/ruff check kernel_helpers tests benchmarks {users_fd}>&- || exit 1
"$PY" -m pytest --nbval "$@" {users_fd}>&-
