#!/usr/bin/env bash
# Install the Debian packages the course needs, only those missing.
#   install-system-packages.sh                   the course's packages (make lab, make setup)
#   install-system-packages.sh --tests           also those only the test suite needs (make test)
#   install-system-packages.sh --list [--tests]  print the package names, one a line; change nothing
#   install-system-packages.sh --registry-service  only the docker-registry service step below
# Without root or apt, print the exact command for this host and fail.
#
# Debian's docker-registry package enables (and, where it can, starts) its own service on
# :5000, all interfaces: the port of the kit's classroom. As root, that service is disabled
# and stopped once, and what was done is written to
# $PODMAN_COURSE_STATE/host-changes.d/docker-registry-service (default state folder
# /var/lib/podman-course), one line of key=value fields ending in undo=<the command that
# turns it back on>. If it is running again later, that was someone's choice: it is only reported.
set -euo pipefail

# What the kit and the notebooks run (see kernel_helpers/ and notebooks/src/):
COURSE_PKGS=(
  podman skopeo                         # the course itself
  runc crun                             # the doctor uses whichever OCI runtime works
  uidmap slirp4netns fuse-overlayfs     # rootless lessons: newuidmap, the user's network
  netavark iptables nftables            # -p forwarding; notebook 04 reads nft and iptables rules
  aardvark-dns                          # container names resolve on user networks (01, 04)
  containernetworking-plugins           # podman 4.3 warns on every command without them (its CNI file)
  catatonit                             # the rootless pause process (the kit checks it by name)
  docker-registry apache2-utils         # the classroom registry and its htpasswd
  busybox-static mmdebstrap             # building the course images
  systemd                               # systemd-analyze verify (notebook 07, unit generator)
  procps                                # pkill, pgrep
  python3-venv                          # the kit's .venv
  fonts-noto-cjk                        # Chinese text: the notes' quotes in the browser, plot labels
)
# Only the browser tests (tests/browser) need these; a learner's `make lab` installs none.
TEST_PKGS=(
  chromium                              # the browser Playwright drives
  libatomic1                            # Playwright's bundled node is linked against it
)
DNF_COURSE="podman skopeo runc crun slirp4netns fuse-overlayfs netavark aardvark-dns containernetworking-plugins catatonit iptables nftables distribution httpd-tools busybox mmdebstrap systemd procps-ng python3 google-noto-sans-cjk-fonts"
DNF_TESTS="chromium libatomic"

STATE="${PODMAN_COURSE_STATE:-/var/lib/podman-course}"
RECORD="$STATE/host-changes.d/docker-registry-service"
UNIT=docker-registry

tests=0 list=0 only_service=0
for arg in "$@"; do
  case "$arg" in
    --tests) tests=1 ;;
    --list) list=1 ;;
    --registry-service) only_service=1 ;;
    *) echo "usage: $0 [--tests] [--list] [--registry-service]" >&2; exit 2 ;;
  esac
done
PKGS=("${COURSE_PKGS[@]}")
dnf_pkgs="$DNF_COURSE"
if [ "$tests" -eq 1 ]; then PKGS+=("${TEST_PKGS[@]}"); dnf_pkgs="$dnf_pkgs $DNF_TESTS"; fi
if [ "$list" -eq 1 ]; then printf '%s\n' "${PKGS[@]}"; exit 0; fi

systemd_is_init() { [ -d /run/systemd/system ]; }
has_unit_file() { [ -f "/lib/systemd/system/$UNIT.service" ] || [ -f "/usr/lib/systemd/system/$UNIT.service" ]; }

# Is Debian's own registry service running? (without systemd: its init script's pid file)
service_running() {
  if systemd_is_init; then
    systemctl is-active --quiet "$UNIT"
  else
    local pid
    pid=$(cat "/var/run/$UNIT.pid" 2>/dev/null) || return 1
    [ -n "$pid" ] && [ -d "/proc/$pid" ]  # kill -0 fails on another user's process
  fi
}

# Will it start at boot? (systemd's enablement, else a start link in a runlevel's rc folder)
service_enabled() {
  if command -v systemctl >/dev/null && has_unit_file \
      && [ "$(systemctl is-enabled "$UNIT" 2>/dev/null)" = enabled ]; then
    return 0
  fi
  compgen -G "/etc/rc[2-5].d/S[0-9][0-9]$UNIT" >/dev/null
}

disable_registry_service() {
  has_unit_file || [ -x "/etc/init.d/$UNIT" ] || return 0
  local running=no enabled=no
  service_running && running=yes
  service_enabled && enabled=yes
  if [ "$running" = no ] && [ "$enabled" = no ]; then return 0; fi
  if [ -e "$RECORD" ]; then
    [ "$running" = yes ] && echo "note: Debian's $UNIT service is running again (it listens on :5000," \
      "the classroom's port); the kit disabled it once ($RECORD) and leaves it alone now" >&2
    return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    local fix="sudo systemctl disable --now $UNIT"
    systemd_is_init || fix="sudo service $UNIT stop; sudo update-rc.d $UNIT disable"
    echo "note: Debian's $UNIT service (running=$running, enabled at boot=$enabled) would take" \
      "the classroom's port 5000; run: $fix" >&2
    return 0
  fi
  local init undo
  if systemd_is_init; then
    init=systemd
    systemctl disable --now "$UNIT" >/dev/null 2>&1 || true
    undo="systemctl enable --now $UNIT"
    [ "$running" = yes ] || undo="systemctl enable $UNIT"
    [ "$enabled" = yes ] || undo="systemctl start $UNIT"
  else
    init=sysv  # no systemd as PID 1: the postinst may have started it with invoke-rc.d
    local steps=()
    if [ "$running" = yes ]; then service "$UNIT" stop >/dev/null 2>&1 || true; fi
    if compgen -G "/etc/rc[2-5].d/S[0-9][0-9]$UNIT" >/dev/null; then
      update-rc.d "$UNIT" disable >/dev/null 2>&1 || true
      steps+=("update-rc.d $UNIT enable")
    fi
    # systemd's enablement too, for a later boot with systemd (systemctl works offline)
    if command -v systemctl >/dev/null && [ "$(systemctl is-enabled "$UNIT" 2>/dev/null)" = enabled ]; then
      systemctl disable "$UNIT" >/dev/null 2>&1 || true
      steps+=("systemctl enable $UNIT")
    fi
    [ "$running" = yes ] && steps+=("service $UNIT start")
    undo=$(printf ' && %s' "${steps[@]}"); undo=${undo# && }
  fi
  if service_running || service_enabled; then
    echo "could not disable Debian's $UNIT service (running or enabled at boot still);" \
      "it listens on :5000, the classroom's port: stop it by hand" >&2
    return 1
  fi
  mkdir -p "$(dirname "$RECORD")"
  echo "init=$init was_running=$running was_enabled=$enabled when=$(date -u +%Y-%m-%dT%H:%M:%SZ) undo=$undo" \
    > "$RECORD"
  echo "disabled Debian's own $UNIT service (it listened on :5000, all interfaces);" \
    "recorded in $RECORD"
}

if [ "$only_service" -eq 1 ]; then disable_registry_service; exit $?; fi

missing=()
for pkg in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all ${#PKGS[@]} present"
  disable_registry_service
  exit 0
fi
echo "system packages missing: ${missing[*]}"
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
  disable_registry_service
elif command -v apt-get >/dev/null; then
  echo "run: sudo apt-get install -y ${missing[*]}" >&2; exit 1
elif command -v dnf >/dev/null; then
  echo "run: sudo dnf install -y $dnf_pkgs" >&2; exit 1
else
  echo "install these with your package manager: ${missing[*]}" >&2; exit 1
fi
