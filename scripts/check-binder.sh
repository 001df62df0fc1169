#!/usr/bin/env bash
# Check binder/ (issue 14) without Binder and without Docker, on the commit HEAD (Binder builds a
# commit: uncommitted changes are not seen; a warning says so):
#   venv        a fresh venv from /usr/bin/python3 (Debian's 3.11.2) with only binder/requirements.txt,
#               then `pip check`; pip's cache is a folder in the temp dir (a cold install, as a
#               Binder build is: every wheel is downloaded again);
#   postbuild   binder/postBuild in a temp HOME, that venv first on PATH (as repo2docker runs it);
#               then `jupyter notebook` (repo2docker's command) and `jupyter lab`, each started on
#               a free loopback port, must send / to notebooks/00_setup.ipynb;
#   notebooks   every notebook of both editions executed in replay mode (PODMAN_COURSE_MODE=replay,
#               a clean environment) with podman, skopeo and buildah absent: as root in private
#               mount and network namespaces where they do not exist and only loopback is up,
#               else from a PATH without them; nbclient from that venv; any cell error fails;
#   repo2docker jupyter-repo2docker (its own venv) with --no-build on the commit: it picks the
#               buildpack and renders the Dockerfile (Python version from runtime.txt, apt.txt's
#               names, requirements, postBuild, start), which is checked for each of them. It does
#               NOT install anything: whether the apt package exists in Ubuntu 24.04, whether the
#               pins resolve against repo2docker's own conda environment, and whether the image
#               starts are only checked by a real Binder build (r2denv approximates the second);
#   r2denv      repo2docker's image approximated: the Jupyter packages of its Python 3.11 conda
#               lock (same versions, from PyPI) in a venv, binder/requirements.txt on top, `pip check`.
# Everything happens in one temp dir, removed at the end (--keep: left, and its path printed).
#   scripts/check-binder.sh [--keep] [--as-root] [STEP...]
#     STEP: venv postbuild notebooks repo2docker r2denv (default: all; postbuild and notebooks
#     need venv). The notebooks run as an ordinary user (Binder's learner is not root): run by
#     root, as nobody, owning the checkout, HOME and state as jovyan does; --as-root: as root.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
R2D_VERSION=2026.4.0      # jupyter-repo2docker from PyPI
KEEP=0
AS_ROOT=0
STEPS=()
for arg in "$@"; do
  case $arg in
    --keep) KEEP=1 ;;
    --as-root) AS_ROOT=1 ;;
    venv|postbuild|notebooks|repo2docker|r2denv) STEPS+=("$arg") ;;
    *) echo "usage: $0 [--keep] [--as-root] [venv|postbuild|notebooks|repo2docker|r2denv]..." >&2
       exit 2 ;;
  esac
done
[ ${#STEPS[@]} -gt 0 ] || STEPS=(venv postbuild notebooks repo2docker r2denv)

NB_USER=nobody
[ "$AS_ROOT" = 0 ] || NB_USER=root
TMP=$(mktemp -d /tmp/cbXXXXXX)    # short: the kit's runtime folder lives in it
cleanup() {
  if [ "$KEEP" = 1 ]; then echo "kept: $TMP"
  elif findmnt -rno TARGET | grep -q "^$TMP/"; then echo "not removed (a mount is in it): $TMP" >&2
  else rm -rf "$TMP"; fi
}
trap cleanup EXIT
VENV=$TMP/venv
REPO=$TMP/repo                    # the commit, as Binder checks it out
TIMINGS=()

COMMIT=$(git -C "$ROOT" rev-parse HEAD)
if [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no)" ]; then
  echo "warning: uncommitted changes are not checked (Binder builds the commit $COMMIT)" >&2
fi
mkdir -p "$REPO" "$TMP/home"
git -C "$ROOT" archive "$COMMIT" | tar -x -C "$REPO"

# pip, without the one-line warnings about this machine's missing extra index folders
pip_install() {
  "$@" 2>&1 | { grep -v 'is ignored: it is neither a file nor a directory' || true; }
}

step_venv() {
  /usr/bin/python3 -m venv "$VENV"
  PIP_CACHE_DIR=$TMP/pip-cache pip_install "$VENV/bin/python" -m pip install -q --disable-pip-version-check \
    -r "$REPO/binder/requirements.txt"
  "$VENV/bin/python" -m pip check
  echo "venv: $("$VENV/bin/python" --version), $(du -sm "$VENV" | cut -f1) MB," \
       "$("$VENV/bin/python" -m pip list --format=freeze 2>/dev/null | wc -l) packages" \
       "(pip's cache: $TMP/pip-cache, new and removed at the end: nothing comes from an earlier run)"
}

step_postbuild() {
  (cd "$REPO" && env HOME="$TMP/home" PATH="$VENV/bin:$PATH" PIP_CACHE_DIR="$TMP/pip-cache" \
     ./binder/postBuild)
  "$VENV/bin/jupyter" kernelspec list
  echo "venv after postBuild: $(du -sm "$VENV" | cut -f1) MB"
  opens_the_first_notebook notebook      # repo2docker's command
  opens_the_first_notebook lab
}

# `jupyter APP` started in the checkout (on a free loopback port) sends / to notebooks/00_setup.ipynb.
opens_the_first_notebook() {
  local app=$1 port pid location="" i
  port=$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  (cd "$REPO" && exec env HOME="$TMP/home" PATH="$VENV/bin:$PATH" "$VENV/bin/jupyter" "$app" --no-browser \
     --allow-root --ip 127.0.0.1 --port "$port" --IdentityProvider.token=check-binder) > "$TMP/$app.log" 2>&1 &
  pid=$!
  for i in $(seq 60); do
    location=$(curl -s -o /dev/null -w '%{redirect_url}' -H 'Authorization: token check-binder' \
               "http://127.0.0.1:$port/" || true)
    [ -z "$location" ] || break
    sleep 0.5
  done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  echo "jupyter $app: / -> ${location:-no answer in 30 s}"
  [[ $location == */lab/tree/notebooks/00_setup.ipynb ]] || { tail -20 "$TMP/$app.log" >&2; return 1; }
}

# Runs "$@" where podman, skopeo and buildah do not exist (exec gives ENOENT, as on Binder).
# As root: a private mount namespace in which each folder that holds one of them is replaced by
# a folder of symlinks to everything else in it (the real folder stays reachable under $TMP/real*);
# nothing changes outside that namespace. It has its own network too, only loopback (the kernels
# talk to nbclient on it): no classroom registry or hub of this machine can answer a replay.
# Otherwise: a PATH of such symlinks.
without_podman() {
  if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null; then
    unshare --mount --propagation private --net bash -c '
      set -euo pipefail
      tmp=$1; shift; n=0
      ip link set lo up
      user=$1; shift
      for dir in $(for t in podman skopeo buildah; do type -aP "$t" || true; done \
                   | xargs -r -n1 dirname | xargs -r -n1 realpath | sort -u); do
        n=$((n + 1)); mkdir -p "$tmp/real$n" "$tmp/farm$n"
        mount --bind "$dir" "$tmp/real$n"
        mount -o remount,bind,ro "$tmp/real$n"     # never writable through $TMP
        for f in "$tmp/real$n"/*; do
          case ${f##*/} in podman|skopeo|buildah) ;; *) ln -s "$f" "$tmp/farm$n/${f##*/}" ;; esac
        done
        mount --bind "$tmp/farm$n" "$dir"
      done
      if [ "$user" = root ]; then exec "$@"; fi
      exec setpriv --reuid="$user" --regid="$(id -g "$user")" --clear-groups "$@"' \
      masked "$TMP" "$NB_USER" "$@"
  else
    local bin=$TMP/sysbin; mkdir -p "$bin"
    for f in /usr/local/bin/* /usr/bin/* /bin/*; do
      case ${f##*/} in podman|skopeo|buildah) ;; *) ln -sf "$f" "$bin/${f##*/}" ;; esac
    done
    env PATH="$VENV/bin:$bin" "$@"
  fi
}

step_notebooks() {
  local books=("$REPO"/notebooks/[0-9]*.ipynb "$REPO"/notebooks/zh-CN/[0-9]*.ipynb)
  mkdir -p "$TMP/out" "$TMP/state" "$TMP/r"
  chmod 700 "$TMP/r"
  if [ "$NB_USER" != root ] && [ "$(id -u)" = 0 ]; then   # the learner owns what jovyan owns
    chmod 755 "$TMP"
    chown -R "$NB_USER:$(id -g "$NB_USER")" "$REPO" "$TMP/home" "$TMP/out" "$TMP/state" "$TMP/r"
  fi
  echo "as $(if [ "$(id -u)" = 0 ]; then echo "$NB_USER"; else id -un; fi), podman absent, PODMAN_COURSE_MODE=replay"
  cat > "$TMP/execute.py" <<'EXECUTE'
"""Execute each notebook (argv[2:]) with nbclient into argv[1]; fail on a cell error, an output
without the replay mark, or a reachable podman."""
import re, shutil, sys, time
from pathlib import Path
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

for tool in ("podman", "skopeo", "buildah"):
    if shutil.which(tool):
        sys.exit(f"{tool} is still reachable: {shutil.which(tool)}")
out, failed = Path(sys.argv[1]), []
MARKS = ("\u25b6 recorded output (", "\u25b6 \u5f55\u5236\u7684\u8f93\u51fa\uff08")  # ▶ recorded output, zh
BANNERS = ("Replay mode: ", "\u56de\u653e\u6a21\u5f0f\uff1a")  # the banner under %load_ext, zh
for name in sys.argv[2:]:
    path = Path(name)
    edition = "zh-CN" if path.parent.name == "zh-CN" else "en"
    nb = nbformat.read(path, as_version=4)
    start = time.monotonic()
    try:
        NotebookClient(nb, timeout=600, resources={"metadata": {"path": str(path.parent)}}).execute()
        status = "ok"
    except CellExecutionError as error:
        last = (str(error).strip().splitlines() or ["?"])[-1]
        status = "FAILED: " + re.sub(r"\x1b\[[0-9;]*m", "", last)
        failed.append(f"{edition}/{path.name}")
    shown = [c.outputs[0] for c in nb.cells if c.cell_type == "code" and c.get("outputs")]
    firsts = [str(o.get("text") or o.get("data", {}).get("text/plain", "")) for o in shown]
    unmarked = [t for t in firsts if not t.startswith(MARKS) and not t.startswith(BANNERS)]
    if status == "ok" and unmarked:
        status = f"FAILED: {len(unmarked)} output(s) without the replay mark, e.g. {unmarked[0][:80]!r}"
        failed.append(f"{edition}/{path.name}")
    (out / edition).mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out / edition / path.name)
    outputs = sum(len(c.get("outputs", [])) for c in nb.cells if c.cell_type == "code")
    print(f"{edition:5} {path.name:34} {time.monotonic() - start:6.1f} s {outputs:4} outputs  {status}",
          flush=True)
sys.exit(f"{len(failed)} notebook(s) failed: {', '.join(failed)}" if failed else 0)
EXECUTE
  without_podman env -i PATH="$VENV/bin:/usr/local/bin:/usr/bin:/bin" HOME="$TMP/home" LANG=C.UTF-8 \
    PODMAN_COURSE_MODE=replay PODMAN_COURSE_STATE="$TMP/state" PODMAN_COURSE_RUNTIME="$TMP/r" \
    "$VENV/bin/python" "$TMP/execute.py" "$TMP/out" "${books[@]}"
}

# jupyter-repo2docker from PyPI in its own venv (once)
r2d_venv() {
  [ -x "$TMP/r2d-venv/bin/jupyter-repo2docker" ] && return
  /usr/bin/python3 -m venv "$TMP/r2d-venv"
  PIP_CACHE_DIR=$TMP/pip-cache pip_install "$TMP/r2d-venv/bin/python" -m pip install -q \
    --disable-pip-version-check "jupyter-repo2docker==$R2D_VERSION"
}

step_repo2docker() {
  local dockerfile=$TMP/Dockerfile missing=()
  r2d_venv
  # a git URL (not a folder): repo2docker clones it and checks out --ref, as Binder does; only
  # its git content provider (the others ask the network whether the URL is theirs)
  printf '%s\n' 'from repo2docker.contentproviders import Git' \
    'c.Repo2Docker.content_providers = [Git]' > "$TMP/r2d_config.py"
  "$TMP/r2d-venv/bin/jupyter-repo2docker" --config "$TMP/r2d_config.py" --no-build --ref "$COMMIT" \
    "file://$ROOT" > "$dockerfile" 2> "$TMP/r2d.log" || { cat "$TMP/r2d.log" >&2; return 1; }
  grep -q 'python=3.11' "$TMP/r2d.log" || missing+=("python=3.11 (runtime.txt)")
  # (the lock file's name is escaped in the Dockerfile: environment.py-3.11-linux-64.lock)
  for expected in 'environment-2epy-2d3-2e11-2dlinux' 'install .*fonts-noto-cjk' \
                  'pip install .*-r "binder/requirements.txt"' 'RUN ./binder/postBuild' \
                  'R2D_ENTRYPOINT="${REPO_DIR}/binder/start"'; do
    grep -qF -- "$expected" "$dockerfile" || grep -q -- "$expected" "$dockerfile" || missing+=("$expected")
  done
  echo "repo2docker $R2D_VERSION rendered a $(wc -l < "$dockerfile")-line Dockerfile:" \
       "$(grep -m1 -o 'python=[0-9.]*' "$TMP/r2d.log"), apt.txt, binder/requirements.txt, postBuild, start"
  [ ${#missing[@]} = 0 ] || { echo "not in the Dockerfile: ${missing[*]}" >&2; return 1; }
}

# repo2docker's own environment (its conda lock for Python 3.11: the Jupyter packages it ships),
# approximated with the same versions from PyPI, then binder/requirements.txt on top, as the
# Dockerfile does, then `pip check`: a pin that breaks a package of the image shows here.
step_r2denv() {
  local lock env=$TMP/r2d-env base=()
  r2d_venv
  lock=$(ls "$TMP"/r2d-venv/lib/python3*/site-packages/repo2docker/buildpacks/conda/environment.py-3.11-linux-64.lock)
  mapfile -t base < <(grep -oE '/(jupyterhub-base|jupyter-resource-usage|jupyter-offlinenotebook|jupyter_server|jupyterlab|notebook|ipywidgets|ipykernel)-[0-9][^-]*-' "$lock" \
                      | sed -E 's#^/##; s#-$##; s#^jupyterhub-base#jupyterhub#; s#-([0-9][^-]*)$#==\1#')
  echo "repo2docker's image (from $(basename "$lock")): ${base[*]}"
  /usr/bin/python3 -m venv "$env"
  PIP_CACHE_DIR=$TMP/pip-cache pip_install "$env/bin/python" -m pip install -q --disable-pip-version-check "${base[@]}"
  PIP_CACHE_DIR=$TMP/pip-cache pip_install "$env/bin/python" -m pip install -q --disable-pip-version-check \
    -r "$REPO/binder/requirements.txt"
  "$env/bin/python" -m pip check
}

status=0
for step in "${STEPS[@]}"; do
  echo "== $step"
  start=$SECONDS
  set +e      # a step runs in a subshell with errexit on (an `if` would turn it off inside)
  (set -e; "step_$step")
  rc=$?
  set -e
  if [ $rc = 0 ]; then result=ok; else result=FAILED; status=1; fi
  TIMINGS+=("$(printf '%-12s %5d s  %s' "$step" $((SECONDS - start)) "$result")")
  if [ "$result" = FAILED ] && [ "$step" = venv ]; then break; fi
done
echo "== timings"
printf '%s\n' "${TIMINGS[@]}"
exit $status
