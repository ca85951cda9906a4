#!/bin/bash
# The real-GPU kit's one entry point (assembled by scripts/gpu-kit.mjs; the recipe: docs/gpu.md). Unpacks Node and
# Dawn, finds a Vulkan driver, runs the GPU bench (tfjs-backend-webgpu on Dawn: the playground's own training step)
# for Baby GPT and the 10M shape, then PyTorch on CUDA for the same configurations, batches and schedule
# (explicit attention and, where torch has it, scaled_dot_product_attention), and writes every JSON line into
# $OUT: env.json (what the machine offered), one NAME.json and NAME.log per run, results.jsonl (all lines, each
# with its "run" name) and summary.txt (the table printed at the end). Needs bash, python3 (with torch for its
# side); nothing from the network. A failing run is recorded and the next one still runs.
#
# Settings (environment): OUT (default: ./out beside this script), BABY_STEPS (200), TEN_M_STEPS (60),
# EVAL_ITERS (10), RUN_TIMEOUT (seconds per run, 300), DAWN_FLAGS (comma-separated Dawn toggles, e.g.
# backend=vulkan), RUNS (which runs, default "webgpu-baby webgpu-baby-sync webgpu-10m torch-baby torch-baby-sdpa
# torch-10m torch-10m-sdpa"; webgpu-tiny and torch-tiny exist too; -sync: the bench's --no-look-ahead), TORCH_DEVICE (cuda), PYTHON (python3),
# VK_ICD_FILENAMES (else the driver's own manifest, else one written here for libGLX_nvidia.so.0), KIT_GLIBC=1
# (run Node on the kit's glibc even where the machine's would do).
set -u
KIT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${OUT:-$KIT/out}
mkdir -p "$OUT"
PY=${PYTHON:-python3}
BABY_STEPS=${BABY_STEPS:-200}
TEN_M_STEPS=${TEN_M_STEPS:-60}
EVAL_ITERS=${EVAL_ITERS:-10}
RUN_TIMEOUT=${RUN_TIMEOUT:-300}
RUNS=${RUNS:-webgpu-baby webgpu-baby-sync webgpu-10m torch-baby torch-baby-sdpa torch-10m torch-10m-sdpa}
TORCH_DEVICE=${TORCH_DEVICE:-cuda}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gpu-kit.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
say() { echo "run.sh: $*" >&2; }

# ---- unpack: xz if the machine has it, else Python's lzma
unxz_to() {
  if command -v xz >/dev/null 2>&1; then xz -dc "$1" >"$2"
  else "$PY" -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"; fi
}
unxz_to "$KIT/node.xz" "$WORK/node" && chmod +x "$WORK/node" || { say "cannot unpack node"; exit 1; }
unxz_to "$KIT/dawn.node.xz" "$WORK/dawn.node" || { say "cannot unpack dawn.node"; exit 1; }
mkdir -p "$WORK/vulkan" "$WORK/glibc"
tar -xJf "$KIT/vulkan-loader.tar.xz" -C "$WORK/vulkan" 2>/dev/null ||
  "$PY" -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$KIT/vulkan-loader.tar.xz" "$WORK/vulkan"
tar -xJf "$KIT/glibc.tar.xz" -C "$WORK/glibc" 2>/dev/null ||
  "$PY" -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$KIT/glibc.tar.xz" "$WORK/glibc"
export DAWN_NODE="$WORK/dawn.node"

# ---- the Vulkan loader: the machine's own if it has one, else Debian's from the kit
if ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1 '; then LOADER=system
else LOADER=kit; export LD_LIBRARY_PATH="$WORK/vulkan${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; fi

# ---- the driver's manifest (ICD): as given, else where drivers put it, else one for NVIDIA's library if present
ICD_NOTE=given
if [ -z "${VK_ICD_FILENAMES:-}" ]; then
  found=$(ls /etc/vulkan/icd.d/*.json /usr/share/vulkan/icd.d/*.json /usr/local/share/vulkan/icd.d/*.json 2>/dev/null | tr '\n' ' ')
  if [ -n "$found" ]; then ICD_NOTE="driver manifests: $found"
  else
    glx=$(ldconfig -p 2>/dev/null | awk '/libGLX_nvidia.so.0 /{print $NF; exit}')
    [ -z "$glx" ] && glx=$(ls /usr/lib/x86_64-linux-gnu/libGLX_nvidia.so.0 /usr/lib64/libGLX_nvidia.so.0 2>/dev/null | head -1)
    if [ -n "$glx" ]; then
      printf '{"file_format_version":"1.0.0","ICD":{"library_path":"%s","api_version":"1.3.0"}}\n' "$glx" >"$WORK/nvidia_icd.json"
      export VK_ICD_FILENAMES="$WORK/nvidia_icd.json"
      ICD_NOTE="no manifest on the machine: wrote one for $glx"
    else ICD_NOTE="no Vulkan driver manifest and no libGLX_nvidia.so.0 (the container may lack NVIDIA's graphics libraries: NVIDIA_DRIVER_CAPABILITIES needs graphics)"; fi
  fi
fi

# ---- Node (and dawn.node) on the machine's C library if it can, else on Debian's from the kit
NODE=("$WORK/node")
if [ -n "${KIT_GLIBC:-}" ] || ! "$WORK/node" -e 'require(process.env.DAWN_NODE)' >"$WORK/probe.log" 2>&1; then
  say "dawn.node does not load on this C library, or KIT_GLIBC is set ($(head -c 300 "$WORK/probe.log" 2>/dev/null)); using the kit's glibc"
  NODE=("$WORK/glibc/ld-linux-x86-64.so.2" --library-path "$WORK/glibc${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$WORK/node")
  GLIBC=kit
else GLIBC=system; fi

# ---- what the machine offers
{
  "$PY" - "$LOADER" "$ICD_NOTE" "$GLIBC" <<'PYEOF'
import json, os, platform, shutil, subprocess, sys
def out(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout.strip()
    except Exception as e:
        return f"({e})"
try:
    import torch
    t = {"version": torch.__version__, "cuda": torch.cuda.is_available(),
         "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None}
except Exception as e:
    t = {"error": str(e)}
print(json.dumps({"run": "env", "host": platform.node(), "machine": platform.machine(), "libc": platform.libc_ver(),
    "python": platform.python_version(), "torch": t, "nvidiaSmi": out(["nvidia-smi", "-L"]) if shutil.which("nvidia-smi") else None,
    "vulkanLoader": sys.argv[1], "icd": sys.argv[2], "glibcForNode": sys.argv[3],
    "VK_ICD_FILENAMES": os.environ.get("VK_ICD_FILENAMES"), "LD_LIBRARY_PATH": os.environ.get("LD_LIBRARY_PATH")}))
PYEOF
} >"$OUT/env.json"
cat "$OUT/env.json" >&2

: >"$OUT/results.jsonl"
cat "$OUT/env.json" >>"$OUT/results.jsonl"
limit() { if command -v timeout >/dev/null 2>&1; then timeout "$RUN_TIMEOUT" "$@"; else "$@"; fi; }
# record NAME COMMAND…: the command's last stdout line (its JSON) with "run": NAME, or a line saying it failed
record() {
  local name=$1; shift
  say "$name: $*"
  limit "$@" >"$OUT/$name.json" 2>"$OUT/$name.log"
  local rc=$?
  "$PY" - "$name" "$rc" "$OUT/$name.json" "$OUT/$name.log" >>"$OUT/results.jsonl" <<'PYEOF'
import json, sys
name, rc, path, log = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
lines = [l for l in open(path) if l.strip()]
try:
    d = json.loads(lines[-1])
except Exception:
    d = {"error": f"exit {rc}, no JSON", "logTail": open(log, errors="replace").read()[-1500:]}
d = {"run": name, **({"exit": rc} if rc else {}), **d}
print(json.dumps(d))
PYEOF
  tail -n 1 "$OUT/results.jsonl" | head -c 400 >&2; echo >&2
}
steps_of() { if [ "$1" = 10m ]; then echo "$TEN_M_STEPS"; else echo "$BABY_STEPS"; fi; }
DAWN_ARGS=()
IFS=',' read -ra flags <<<"${DAWN_FLAGS:-}"
for f in "${flags[@]}"; do [ -n "$f" ] && DAWN_ARGS+=(--dawn-flag "$f"); done

torch_device=$TORCH_DEVICE
if ! "$PY" -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null && [ "$TORCH_DEVICE" = cuda ]; then
  say "PyTorch has no CUDA here: its side runs on the CPU (the ratio then is not the GPU's)"
  torch_device=cpu
fi

for run in $RUNS; do
  case $run in
    webgpu-*)
      # -sync: each step's work queued only after the previous step's loss is read (the look-ahead off)
      rest=${run#webgpu-}; preset=${rest%-sync}; n=$(steps_of "$preset"); sync=()
      [ "$rest" != "$preset" ] && sync=(--no-look-ahead)
      record "$run" "${NODE[@]}" "$KIT/gpu-bench.mjs" --preset "$preset" --steps "$n" --eval-every "$n" \
        --eval-iters "$EVAL_ITERS" --corpus "$KIT/tinyshakespeare.txt" ${DAWN_ARGS[@]+"${DAWN_ARGS[@]}"} \
        ${sync[@]+"${sync[@]}"} ;;
    torch-*)
      rest=${run#torch-}; preset=${rest%-sdpa}; n=$(steps_of "$preset"); sdpa=()
      [ "$rest" != "$preset" ] && sdpa=(--sdpa)
      cfg=$("${NODE[@]}" "$KIT/gpu-bench.mjs" --preset "$preset" --steps "$n" --eval-iters "$EVAL_ITERS" --config-only)
      model=$(echo "$cfg" | "$PY" -c 'import json, sys; print(json.dumps(json.load(sys.stdin)["model"]))')
      train=$(echo "$cfg" | "$PY" -c 'import json, sys; print(json.dumps(json.load(sys.stdin)["train"]))')
      record "$run" "$PY" "$KIT/torch/torch_gpt.py" bench --model "$model" --train "$train" \
        --corpus "$KIT/tinyshakespeare.txt" --steps "$n" --eval-every "$n" --device "$torch_device" ${sdpa[@]+"${sdpa[@]}"} ;;
    *) say "unknown run $run (skipped)" ;;
  esac
done

"$PY" - "$OUT/results.jsonl" <<'PYEOF' | tee "$OUT/summary.txt"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
fmt = "{:<16} {:<44} {:>10} {:>8} {:>10} {:>9} {:>9}"
print(fmt.format("run", "engine / adapter", "ms/step", "p90", "dispatch", "loss", "val"))
ms = {}
for r in rows:
    if r.get("run") == "env":
        continue
    if "error" in r:
        print(f"{r['run']:<16} FAILED: {r['error']}")
        continue
    m = r.get("msPerStep") or {}
    if "adapter" in r:
        a = r["adapter"]
        where = f"webgpu: {a.get('description') or a.get('device')}{' (software)' if a.get('software') else ''}"
    else:
        where = f"{r.get('engine', '')} {r.get('gpu') or ''} {r.get('attention', '')}"
    d = (r.get("perStep") or {}).get("dispatches", "")
    if isinstance(d, dict):
        d = d.get("median")
    val = r.get("finalValLoss")
    ms[r["run"]] = m.get("median")
    print(fmt.format(r["run"], where[:44], str(m.get("median")), str(m.get("p90")), str(d),
                     str(r.get("finalLoss", r.get("lastLoss"))), "" if val is None else f"{val:.4f}"))
for p in ("baby", "10m"):
    g = ms.get(f"webgpu-{p}")
    for t in (f"torch-{p}", f"torch-{p}-sdpa"):
        if g and ms.get(t):
            print(f"{p}: webgpu / {t} = {g / ms[t]:.2f}x")
PYEOF
