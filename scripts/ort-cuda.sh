#!/usr/bin/env bash
# Puts onnxruntime's CUDA execution provider beside onnxruntime-node, which npm ships without
# it (docs/gpu-serving.md). The provider and the CUDA 13 user-space libraries come from PyPI
# wheels: onnxruntime-gpu of exactly onnxruntime-node's version (the provider library talks to
# libonnxruntime.so.1 through an interface that changes between versions) and the NVIDIA
# wheels its "cuda" extra names. Everything lands in onnxruntime-node's binary folder: the
# provider library gets RUNPATH $ORIGIN (patchelf), so no LD_LIBRARY_PATH is needed. The NVIDIA driver
# (libcuda.so.1) is not copied: on a GPU node the NVIDIA container toolkit mounts it.
#   scripts/ort-cuda.sh                          into ./node_modules/onnxruntime-node
#   scripts/ort-cuda.sh /app/node_modules        into another tree (an image build stage)
#   CUDNN=on scripts/ort-cuda.sh                 also cuDNN 9 (~900 MB; convolutions need it, MLPs do not)
# Needs python3 with pip and network access to PyPI. Ends by creating a CUDA session and
# printing what onnxruntime says: on a machine without a GPU that is the driver's absence.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
MODULES="${1:-$ROOT/node_modules}"
ORT="$MODULES/onnxruntime-node"
[[ -f "$ORT/package.json" ]] || { echo "no onnxruntime-node under $MODULES" >&2; exit 1; }
VERSION="$(node -p "require('$ORT/package.json').version")"
BIN="$(ls -d "$ORT"/bin/napi-v*/linux/x64 | head -1)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

log() { printf '[ort-cuda %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# 1. The wheels: the provider of the same version, and CUDA 13's runtime, cuBLAS, cuRAND,
#    cuFFT and NVRTC (onnxruntime-gpu's "cuda" extra).
wheels=("onnxruntime-gpu==$VERSION" 'nvidia-cuda-runtime~=13.0' 'nvidia-cublas~=13.0' 'nvidia-curand~=10.0' 'nvidia-cufft~=12.0' 'nvidia-cuda-nvrtc~=13.0')
[[ "${CUDNN:-off}" == on ]] && wheels+=('nvidia-cudnn-cu13~=9.0')
log "downloading ${wheels[*]}"
# This machine's Python and platform pick the wheels: the libraries inside are the same for
# every CPython version, and onnxruntime-node's folder here is linux/x64 only.
[[ "$(uname -sm)" == 'Linux x86_64' ]] || { echo "only Linux x86_64 has CUDA wheels this script knows" >&2; exit 1; }
python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$WORK" "${wheels[@]}"

# 2. Only the shared libraries, flat, into onnxruntime-node's folder (the TensorRT provider
#    and the Python binding stay out: nothing here loads them).
python3 - "$WORK" "$BIN" <<'PY'
import pathlib, re, sys, zipfile
work, dest = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
wanted = re.compile(r'(libonnxruntime_providers_(shared|cuda)\.so|lib(cudart|cublas|cublasLt|curand|cufft|cufftw|nvrtc|nvrtc-builtins|cudnn[a-z_]*)\.so[.0-9]*)$')
total = 0
for wheel in sorted(work.glob('*.whl')):
    with zipfile.ZipFile(wheel) as z:
        for info in z.infolist():
            name = info.filename.rsplit('/', 1)[-1]
            if not wanted.match(name):
                continue
            target = dest / name
            with z.open(info) as src, open(target, 'wb') as out:
                out.write(src.read())
            target.chmod(0o755)
            total += info.file_size
            print(f'  {name} ({info.file_size / 2**20:.0f} MiB)', file=sys.stderr)
print(f'  {total / 2**20:.0f} MiB in {dest}', file=sys.stderr)
PY

# 3. The provider library has no RUNPATH (Python's onnxruntime preloads the CUDA libraries
#    itself); give it $ORIGIN so the CUDA libraries beside it are found without LD_LIBRARY_PATH.
python3 -m pip install --quiet --disable-pip-version-check --target "$WORK/tools" patchelf 2>/dev/null
"$WORK/tools/bin/patchelf" --set-rpath '$ORIGIN' "$BIN/libonnxruntime_providers_cuda.so"

# 4. What onnxruntime says now. Without a GPU and driver: "libcuda.so.1: cannot open shared
#    object file" (the provider and CUDA libraries were found; the driver was not).
log "creating a CUDA session with onnxruntime-node $VERSION"
ORT="$ORT" node - <<'JS'
const ort = require(process.env.ORT); // this tree's copy, not the one node would find from the cwd
// A tiny model (c = a + b over float [n], test/helpers/onnx.ts addModel()) as ONNX bytes.
const model = Buffer.from('0808120d6265616d6c696e652d746573743a540a150a01610a0162120373756d1a03616464220341646412036164645a100a0161120b0a09080112050a0312016e5a100a0162120b0a09080112050a0312016e62120a0373756d120b0a09080112050a0312016e42040a00100d', 'hex');
ort.InferenceSession.create(model, { executionProviders: ['cuda'], logSeverityLevel: 3 })
  .then(() => console.log('CUDA session created: the CUDA execution provider works here'))
  .catch((e) => { console.log(`CUDA session failed: ${e.message.replace(/\s+/g, ' ').slice(-300)}`); process.exitCode = 2; });
JS
