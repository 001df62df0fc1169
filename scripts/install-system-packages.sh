#!/usr/bin/env bash
# Install the Debian packages the course needs, only those missing.
# Without root or apt, print the exact command for this host and fail.
set -euo pipefail
PKGS=(podman skopeo buildah runc crun uidmap slirp4netns fuse-overlayfs docker-registry
      busybox-static mmdebstrap apache2-utils python3-venv systemd chromium)
missing=()
for pkg in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all ${#PKGS[@]} present"
  exit 0
fi
echo "system packages missing: ${missing[*]}"
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
elif command -v apt-get >/dev/null; then
  echo "run: sudo apt-get install -y ${missing[*]}" >&2; exit 1
elif command -v dnf >/dev/null; then
  echo "run: sudo dnf install -y podman skopeo buildah runc crun slirp4netns fuse-overlayfs distribution busybox httpd-tools chromium" >&2; exit 1
else
  echo "install these with your package manager: ${missing[*]}" >&2; exit 1
fi
