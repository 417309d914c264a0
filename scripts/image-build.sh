#!/usr/bin/env bash
# Builds Beamline's OCI image from the Containerfile with buildah, on a machine without a
# reachable container registry: the base image (Debian bookworm + this machine's Node 20)
# is made locally with debootstrap and cached in podman's store.
#   scripts/image-build.sh                 build localhost/beamline:<version> (and :dev)
#   BASE=docker.io/library/node:20-bookworm-slim scripts/image-build.sh   use a registry base instead
#   IMAGE=registry.lab/beamline:0.1.0 scripts/image-build.sh              another tag
# Prints the image reference, its size and the build time. See docs/install.md.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
VERSION="$(node -p 'require("./package.json").version')"
REVISION="$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
IMAGE="${IMAGE:-localhost/beamline:$VERSION}"
NODE_VERSION="$(node -p 'process.versions.node')"
LOCAL_BASE="localhost/beamline-base:bookworm-node$NODE_VERSION"
BASE="${BASE:-$LOCAL_BASE}"
# What works on these machines (docs/install.md "Building without a registry"): crun fails on
# cgroup hybrid mode, and podman's default rlimits are refused.
RUN_FLAGS=(--runtime runc --network host --ulimit nofile=1024:1024 --ulimit nproc=1000:1000)

log() { printf '[image-build %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# 1. Tools (Debian packages; installed when missing and we may).
need=()
for tool in podman buildah runc debootstrap; do command -v "$tool" >/dev/null || need+=("$tool"); done
if ((${#need[@]})); then
  [[ $(id -u) == 0 ]] || { log "missing: ${need[*]} (apt-get install -y podman buildah runc debootstrap)"; exit 1; }
  log "installing ${need[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman buildah runc debootstrap >/dev/null
fi

# 2. The base image, made once: debootstrap's minimal bookworm plus the node/npm that run this script.
make_base() {
  local rootfs mirror prefix
  mirror="$(sed -n 's/^URIs: *\(http[^ ]*debian\)\/*$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)"
  mirror="${mirror:-http://deb.debian.org/debian}"
  rootfs="$(mktemp -d)"
  trap 'rm -rf "$rootfs"' RETURN
  log "making $LOCAL_BASE: debootstrap bookworm from $mirror (about a minute)"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >/dev/null
  prefix="$(dirname "$(dirname "$(command -v node)")")"
  install -D -m 0755 "$(command -v node)" "$rootfs/usr/local/bin/node"
  mkdir -p "$rootfs/usr/local/lib/node_modules"
  cp -a "$prefix/lib/node_modules/npm" "$rootfs/usr/local/lib/node_modules/"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
  rm -rf "$rootfs/var/cache/apt/"*.bin "$rootfs/var/cache/apt/archives/"*.deb "$rootfs/var/lib/apt/lists/"* "$rootfs/usr/share/doc/"* "$rootfs/usr/share/man/"*
  tar -C "$rootfs" -c . | podman import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["node"]' - "$LOCAL_BASE" >/dev/null
}
if [[ "$BASE" == "$LOCAL_BASE" ]] && ! podman image exists "$LOCAL_BASE"; then
  make_base
else
  log "base image: $BASE"
fi

# The host's CA bundle for npm inside the build, where a proxy re-signs TLS (these machines).
CA_FLAGS=()
if [[ -n "${NODE_EXTRA_CA_CERTS:-}" && -r "$NODE_EXTRA_CA_CERTS" ]]; then
  CA_FLAGS=(--volume "$NODE_EXTRA_CA_CERTS:/run/build-ca.pem:ro" --build-arg NODE_EXTRA_CA_CERTS=/run/build-ca.pem)
fi

# 3. The image. --layers keeps each step's result, so an unchanged lock file skips `npm ci`.
log "building $IMAGE (version $VERSION, revision $REVISION)"
started=$(date +%s)
build_log="${TMPDIR:-/tmp}/beamline-image-build.log"
if ! buildah bud "${RUN_FLAGS[@]}" "${CA_FLAGS[@]}" --layers \
  --build-arg "BASE=$BASE" --build-arg "VERSION=$VERSION" --build-arg "REVISION=$REVISION" \
  -f Containerfile -t "$IMAGE" -t localhost/beamline:dev . >"$build_log" 2>&1; then
  grep -v '^npm warn' "$build_log" | tail -40 >&2
  log "build failed; whole log: $build_log"
  exit 1
fi
seconds=$(( $(date +%s) - started ))
size=$(podman image inspect --format '{{.Size}}' "$IMAGE")
log "built $IMAGE in ${seconds} s, $(( size / 1000000 )) MB uncompressed"
echo "$IMAGE"
