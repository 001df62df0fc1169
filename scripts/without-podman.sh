#!/usr/bin/env bash
# Run a command where podman, skopeo and buildah are really absent, as on a Binder host: replay
# mode's test (tests/notebooks/test_replay.py). As root: a private mount namespace in which each
# binary is covered by /dev/null (not executable, so `shutil.which` finds nothing and a call by
# absolute path fails too). As an ordinary user (no mount namespace without a user namespace, which
# would make the kit think it is root): a PATH whose folders hold everything but them; the kit never
# calls them by absolute path (tests/unit/test_replay.py checks its sources).
# Usage: scripts/without-podman.sh COMMAND [ARGS...]
set -euo pipefail
TOOLS=(podman skopeo buildah)
if [ "$(id -u)" -eq 0 ] && [ -z "${WITHOUT_PODMAN_INSIDE:-}" ]; then
  exec unshare -m --propagation private env WITHOUT_PODMAN_INSIDE=1 "$0" "$@"
fi
if [ -n "${WITHOUT_PODMAN_INSIDE:-}" ]; then
  for tool in "${TOOLS[@]}"; do
    for dir in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin; do
      if [ -f "$dir/$tool" ] && [ ! -L "$dir" ]; then mount --bind /dev/null "$dir/$tool"; fi
    done
  done
else
  # each PATH folder that holds one of them is replaced by a copy made of symlinks to the rest
  shadow=$(mktemp -d "${TMPDIR:-/tmp}/without-podman.XXXXXX")
  trap 'rm -rf "$shadow"' EXIT
  kept=()
  IFS=: read -r -a dirs <<<"$PATH"
  for dir in "${dirs[@]}"; do
    holds=0
    for tool in "${TOOLS[@]}"; do [ -e "$dir/$tool" ] && holds=1; done
    if [ "$holds" -eq 0 ]; then kept+=("$dir"); continue; fi
    copy="$shadow/${#kept[@]}"; mkdir "$copy"
    for entry in "$dir"/*; do
      name=${entry##*/}
      case " ${TOOLS[*]} " in *" $name "*) continue ;; esac
      ln -s "$entry" "$copy/$name"
    done
    kept+=("$copy")
  done
  PATH=$(IFS=:; echo "${kept[*]}")
  export PATH
fi
for tool in "${TOOLS[@]}"; do
  if command -v "$tool" >/dev/null && [ -x "$(command -v "$tool")" ]; then
    echo "without-podman: $tool is still reachable at $(command -v "$tool")" >&2; exit 1
  fi
done
unset WITHOUT_PODMAN_INSIDE
if [ -n "${shadow:-}" ]; then "$@"; else exec "$@"; fi
