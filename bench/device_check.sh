#!/usr/bin/env bash
# The GPU check, for a machine with an NVIDIA GPU (Hopper, sm_90): builds the CUDA backend for
# sm_90, runs the GPU tests (CUDA equals CPU on the golden and on random scenarios) and the
# benchmarks, and prints a short table last. Results go to $OUT (or ./device-check) as well.
#   bench/device_check.sh            # the whole check
#   BENCH_FILTER='1e9' bench/device_check.sh
set -uo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-device-check}
mkdir -p "$out"
build=${BUILD:-build-sm90}
gen=(); command -v ninja >/dev/null && gen=(-G Ninja)

echo "== device"
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem --format=csv 2>&1 | tee "$out/gpu.txt"
echo "== build (sm_90)"
if ! cmake -S . -B "$build" "${gen[@]}" -DCMAKE_BUILD_TYPE=Release -DDCPLAN_CUDA_ARCHITECTURES=90 \
      > "$out/configure.log" 2>&1 || ! cmake --build "$build" -j "$(nproc)" > "$out/build.log" 2>&1; then
  tail -30 "$out/configure.log" "$out/build.log" 2>/dev/null
  echo "build failed"; exit 1
fi
echo "== GPU tests"
ctest --test-dir "$build" -R "golden-cuda|golden-portfolio-cuda|test_cuda|risk-backends: cuda" \
  --output-on-failure > "$out/gpu-tests.log" 2>&1
tests_rc=$?
grep -E "tests passed|Skipped|Failed|MISMATCH" "$out/gpu-tests.log" | tail -20
# A GPU test skips only where dcplan finds no usable device: on this machine that is a failure.
if grep -q "\*\*\*Skipped" "$out/gpu-tests.log"; then
  echo "a GPU test was skipped: no usable CUDA device on the machine of the GPU check"
  tests_rc=1
fi
echo "== benchmarks"
"$build/bench/dcplan_bench" --benchmark_filter="${BENCH_FILTER:-run/|BM_risk}" --benchmark_format=json \
  --benchmark_out="$out/bench.json" --benchmark_out_format=json > "$out/bench.log" 2>&1
python3 - "$out/bench.json" "$out/gpu-tests.log" <<'PY'
import json, re, sys
b = json.load(open(sys.argv[1]))
log = open(sys.argv[2]).read()
m = re.search(r"(\d+)% tests passed, (\d+) tests failed out of (\d+)", log)
print()
print("device:", b["context"].get("host_name", "?"), "|", open(sys.argv[1].replace("bench.json", "gpu.txt")).read().strip().splitlines()[-1])
if m:
    total, failed = int(m.group(3)), int(m.group(2))
    skipped = len(re.findall(r"\*\*\*Skipped", log))
    print(f"GPU tests: {total - failed - skipped} passed, {failed} failed, {skipped} skipped")
print(f"{'benchmark':40} {'work':>12} {'ms/run':>10} {'per second':>12}")
for r in b["benchmarks"]:
    if r.get("error_occurred"):
        print(f"{r['name']:40} {'-':>12} {'-':>10} {'error: ' + r.get('error_message', '')}")
        continue
    work = r.get("plans", float("nan")) * r.get("draws", 1.0)
    rate = r.get("plans_per_s", r.get("evals/s", r.get("items_per_second", float("nan"))))
    print(f"{r['name']:40} {work:>12.4g} {r['real_time']:>10.1f} {rate:>12.4g}")
PY
exit $tests_rc
