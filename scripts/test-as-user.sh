#!/usr/bin/env bash
# `make test-user` (root only): run the course's tests as an ORDINARY user made for the run.
#
#   test-as-user.sh [--user NAME] [--log FILE] [--keep] [--] [COMMAND ...]
#   test-as-user.sh [--user NAME] --remove      only remove a kept (--keep) or crashed run's account
#
# 1. Creates the account NAME (default pc-learner; env TEST_AS_USER): a login shell, no sudo,
#    GECOS "$MARKER" (so that a later run knows the account is its own), and its own
#    subordinate uid/gid ranges above every range in /etc/subuid and /etc/subgid.
#    An account of that name with the marker (a crashed run) is removed first; one without
#    the marker is someone's: the script stops.
# 2. Clones the committed HEAD of this checkout into ~NAME/podman-course and builds its .venv
#    AS ROOT with Debian's /usr/bin/python3 (only root reaches the package index here),
#    reusing root's pip cache: requirements.txt, `--no-deps -e .`, the podman-course kernel
#    (--sys-prefix). Then the clone is handed to NAME (chown -R).
# 3. Runs COMMAND (default: make test) in the clone as NAME with a clean login-like
#    environment: HOME USER LOGNAME SHELL PATH LANG XDG_RUNTIME_DIR (/run/user/UID, made 0700
#    for NAME if absent: no systemd-logind here), plus the caller's PODMAN_COURSE_* settings
#    except the state and runtime folders (the user's own defaults apply) and CI.
# 4. On exit, also after a failure or Ctrl-C (unless --keep): stops every process of NAME and
#    of its subordinate uids (registry, kernels, podman's pause process: TERM, wait, KILL),
#    removes the account, its home, its subuid/subgid lines, /run/user/UID and its files at
#    the top of /tmp and /var/tmp.
# Everything is logged to FILE (default test-artifacts/test-as-user-NAME.log). The exit status
# is COMMAND's (or 1 when the set-up failed).
set -uo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
MARKER="podman course test account (scripts/test-as-user.sh)"
NAME=${TEST_AS_USER:-pc-learner}
LOG=""
KEEP=0
REMOVE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --user) NAME=$2; shift 2 ;;
    --log) LOG=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --remove) REMOVE=1; shift ;;
    --) shift; break ;;
    -h|--help) sed -n '2,/^set -uo/{/^#/p}' "$0"; exit 0 ;;
    -*) echo "usage: $0 [--user NAME] [--log FILE] [--keep|--remove] [--] [COMMAND ...]" >&2; exit 2 ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || set -- make test
if [ "$(id -u)" -ne 0 ]; then
  echo "test-as-user: run as root (it creates and removes the test account $NAME)" >&2; exit 2
fi
case "$NAME" in
  *[!a-z0-9_-]*|""|[!a-z]*) echo "test-as-user: bad account name '$NAME'" >&2; exit 2 ;;
esac
LOG=${LOG:-$REPO/test-artifacts/test-as-user-$NAME.log}
mkdir -p "$(dirname "$LOG")"
exec > >(tee -a "$LOG") 2>&1
say() { echo "test-as-user: $(date -u +%H:%M:%S) $*"; }
say "=== $(date -u +%Y-%m-%dT%H:%M:%SZ) account $NAME, command: $*, log $LOG"

SUBIDS=65536
top_subid() {  # the first id above every range in /etc/subuid and /etc/subgid (at least 100000),
  # from the kit itself (standard library only: no venv needed yet)
  PYTHONPATH="$REPO" /usr/bin/python3 -B -c 'from kernel_helpers import rootless_account as a
print(a.free_subid_start("/etc/subuid", "/etc/subgid"))'
}

# every pid whose real uid is UID or in NAME's subordinate uid ranges (container processes)
pids_of() {
  local uid=$1 ranges
  ranges=$(awk -F: -v n="$NAME" '$1 == n { print $2 ":" $3 }' /etc/subuid 2>/dev/null | tr '\n' ' ')
  for status in /proc/[0-9]*/status; do
    awk -v uid="$uid" -v ranges="$ranges" -v pid="${status//[^0-9]/}" '
      /^Uid:/ { u = $2; if (u == uid) { print pid; exit }
                n = split(ranges, r, " "); for (i = 1; i <= n; i++) { split(r[i], p, ":")
                  if (u >= p[1] && u < p[1] + p[2]) { print pid; exit } }
                exit }' "$status" 2>/dev/null
  done
}

stop_processes() {
  local uid=$1 pids left i
  pids=$(pids_of "$uid" | tr '\n' ' ')
  [ -n "${pids// }" ] || return 0
  say "stopping $(wc -w <<<"$pids") processes of $NAME (uid $uid and its subordinate uids)"
  # shellcheck disable=SC2086
  kill -TERM $pids 2>/dev/null
  for i in $(seq 1 20); do
    left=$(pids_of "$uid" | tr '\n' ' ')
    [ -n "${left// }" ] || return 0
    sleep 0.5
  done
  say "still alive after 10 s, killing: $left"
  # shellcheck disable=SC2086
  kill -KILL $left 2>/dev/null
  sleep 1
}

remove_account() {
  local entry uid home
  entry=$(getent passwd "$NAME") || return 0
  uid=$(cut -d: -f3 <<<"$entry"); home=$(cut -d: -f6 <<<"$entry")
  if [ "$(cut -d: -f5 <<<"$entry")" != "$MARKER" ]; then
    say "account $NAME exists and is not this script's (GECOS is not the marker): not touched"
    return 1
  fi
  cd / || return 1
  stop_processes "$uid"
  say "removing account $NAME (uid $uid), $home, its subordinate ids and /run/user/$uid"
  userdel "$NAME" || say "userdel $NAME failed"
  for file in /etc/subuid /etc/subgid; do
    if grep -q "^$NAME:" "$file" 2>/dev/null; then
      sed -i "/^$NAME:/d" "$file"
    fi
  done
  case "$home" in /home/"$NAME"|/var/tmp/"$NAME") rm -rf --one-file-system "$home" ;; esac
  rm -rf --one-file-system "/run/user/$uid"
  find /tmp /var/tmp /dev/shm -xdev -mindepth 1 -maxdepth 1 -uid "$uid" \
    -exec rm -rf --one-file-system {} + 2>/dev/null
  return 0
}

finish() {
  local rc=$?
  # the clean-up runs to its end: a second Ctrl-C or TERM, or a log reader gone, cannot cut it
  trap - EXIT
  trap '' INT TERM PIPE
  if [ "$KEEP" -eq 1 ]; then
    say "--keep: account $NAME and ~$NAME/podman-course are left; remove with: $0 --user $NAME --remove"
  else
    remove_account
    getent passwd "$NAME" >/dev/null && say "account $NAME is still there" && rc=1
  fi
  say "=== done, exit $rc, total $(( $(date +%s) - STARTED )) s"
  exit "$rc"
}
STARTED=$(date +%s)

# a crashed run's account first
if getent passwd "$NAME" >/dev/null; then
  say "account $NAME exists: a previous run's, removing it first"
  remove_account || exit 1
fi
if [ "$REMOVE" -eq 1 ]; then say "=== removed what there was of $NAME"; exit 0; fi
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start=$(top_subid)
case "$start" in ""|*[!0-9]*) say "cannot find a free subordinate id range: '$start'"; exit 1 ;; esac
say "creating $NAME: subordinate ids $start-$((start + SUBIDS - 1))"
useradd --create-home --shell /bin/bash --comment "$MARKER" \
  -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 "$NAME" || exit 1
usermod --add-subuids "$start-$((start + SUBIDS - 1))" --add-subgids "$start-$((start + SUBIDS - 1))" "$NAME" \
  || exit 1
UID_=$(id -u "$NAME"); GID_=$(id -g "$NAME"); HOME_=$(getent passwd "$NAME" | cut -d: -f6)
say "uid $UID_, groups: $(id -nG "$NAME")"

CLONE=$HOME_/podman-course
HEAD=$(git -C "$REPO" rev-parse HEAD) || exit 1
say "cloning $REPO at $HEAD (committed HEAD; uncommitted changes are not taken)"
git clone -q --no-checkout "$REPO" "$CLONE" && git -C "$CLONE" checkout -q --detach "$HEAD" || exit 1

t0=$(date +%s)
VPY=$CLONE/.venv/bin/python
PIP=("$VPY" -m pip install -q --disable-pip-version-check --root-user-action=ignore)
say "building $CLONE/.venv as root with /usr/bin/python3 ($(/usr/bin/python3 --version)), pip cache $(/usr/bin/python3 -c 'import os; print(os.environ.get("PIP_CACHE_DIR") or os.path.expanduser("~/.cache/pip"))')"
/usr/bin/python3 -m venv "$CLONE/.venv" \
  && (cd "$CLONE" && "${PIP[@]}" -r requirements.txt && "${PIP[@]}" --no-deps -e . \
      && bash scripts/install-jupyter-config.sh "$VPY" \
      && touch .venv/.installed .venv/.jupyter-config) || { say "venv build failed"; exit 1; }
say "venv built in $(( $(date +%s) - t0 )) s"
chown -R "$UID_:$GID_" "$CLONE" || exit 1

RUN_DIR=/run/user/$UID_
if [ ! -d "$RUN_DIR" ]; then
  mkdir -p /run/user && install -d -m 0700 -o "$UID_" -g "$GID_" "$RUN_DIR" || exit 1
  say "made $RUN_DIR (0700, $NAME)"
fi

ENV=(HOME="$HOME_" USER="$NAME" LOGNAME="$NAME" SHELL=/bin/bash LANG=C.UTF-8
     PATH=/usr/local/bin:/usr/bin:/bin XDG_RUNTIME_DIR="$RUN_DIR")
while IFS='=' read -r key value; do
  case "$key" in
    PODMAN_COURSE_STATE|PODMAN_COURSE_RUNTIME) ;;
    PODMAN_COURSE_*|CI) ENV+=("$key=$value") ;;
  esac
done < <(env)
say "running as $NAME in $CLONE: $* (environment: ${ENV[*]})"
t0=$(date +%s)
# in the background of its own process group, so that a TERM or INT to this script runs the
# clean-up at once (bash defers traps while a foreground command runs); job control (set -m)
# keeps SIGINT's default in the command (a plain background job would start with it ignored)
cd "$CLONE" || exit 1
set -m
runuser -u "$NAME" -- env -i "${ENV[@]}" "$@" </dev/null &
child=$!
set +m
wait "$child"
rc=$?
say "command exited $rc after $(( $(date +%s) - t0 )) s"
exit "$rc"
