#!/usr/bin/env bash
# The GPU check, for a machine with an NVIDIA GPU (Hopper, sm_90): builds the CUDA backend for
# sm_90, runs the GPU tests (CUDA equals CPU on the golden and on random scenarios), schedule runs
# on CUDA against the CPU's, and the benchmarks, and prints a short table last. Results go to $OUT
# (or ./device-check) as well.
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
ctest --test-dir "$build" -R "golden-cuda|golden-portfolio-cuda|test_cuda|test_phase_pass_cuda|risk-backends: cuda" \
  --output-on-failure > "$out/gpu-tests.log" 2>&1
tests_rc=$?
# Schedule runs (MODEL.md "Schedules"): the phase pass on CUDA against the CPU's, the whole JSON
# report (apart from timing and backend) the same to 1e-9 relative, counts exactly.
echo "== schedule runs, CUDA against CPU"
for args in "tests/golden/v2-schedule-small.yaml" "tests/golden/v2-schedule-budget.yaml" \
            "tests/golden/v2-schedule-infeasible.yaml" "--buildout" \
            "configs/bench-schedule.yaml --schedule-work-limit 200"; do
  name=$(echo "$args" | tr -c 'a-z0-9\n' '-' | head -c 40)
  # shellcheck disable=SC2086
  "$build/dcplan" plan $args --backend cpu --json "$out/sched-$name-cpu.json" -q; cpu_rc=$?
  # shellcheck disable=SC2086
  "$build/dcplan" plan $args --backend cuda --json "$out/sched-$name-cuda.json" -q; cuda_rc=$?
  if ! python3 - "$out/sched-$name-cpu.json" "$out/sched-$name-cuda.json" "$cpu_rc" "$cuda_rc" \
       "$args" <<'PY' | tee -a "$out/schedule-runs.log"
import json, sys
cpu_path, cuda_path, cpu_rc, cuda_rc, args = sys.argv[1:6]
def diff(a, b, at):
    if isinstance(a, dict) and isinstance(b, dict):
        if list(a) != list(b):
            return f"{at}: keys differ"
        for k in a:
            d = diff(a[k], b[k], f"{at}.{k}")
            if d:
                return d
        return ""
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{at}: {len(a)} against {len(b)} items"
        for i, (x, y) in enumerate(zip(a, b)):
            d = diff(x, y, f"{at}[{i}]")
            if d:
                return d
        return ""
    if isinstance(a, float) and isinstance(b, float):
        return "" if a == b or abs(a - b) <= 1e-9 * max(abs(a), abs(b)) else f"{at}: {a} against {b}"
    return "" if a == b else f"{at}: {a} against {b}"
try:
    cpu, cuda = json.load(open(cpu_path)), json.load(open(cuda_path))
except (OSError, ValueError) as e:
    print(f"{args}: no report ({e}); exit {cpu_rc} on the CPU, {cuda_rc} on CUDA")
    sys.exit(1)
if cuda.get("backend") != "cuda":
    print(f"{args}: the CUDA run reports backend {cuda.get('backend')}")
    sys.exit(1)
for r in (cpu, cuda):
    r.pop("timing", None)
    r.pop("backend", None)
d = diff(cpu, cuda, "report") or ("" if cpu_rc == cuda_rc else f"exit {cpu_rc} against {cuda_rc}")
print(f"{args}: " + (d or "CUDA equals CPU"))
sys.exit(1 if d else 0)
PY
  then
    tests_rc=1
  fi
done
grep -E "tests passed|Skipped|Failed|MISMATCH" "$out/gpu-tests.log" | tail -20
# A GPU test skips only where dcplan finds no usable device: on this machine that is a failure.
if grep -q "\*\*\*Skipped" "$out/gpu-tests.log"; then
  echo "a GPU test was skipped: no usable CUDA device on the machine of the GPU check"
  tests_rc=1
fi
echo "== benchmarks"
"$build/bench/dcplan_bench" --benchmark_filter="${BENCH_FILTER:-run/|BM_risk|phase_pass}" --benchmark_format=json \
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
# The every-plan sweep on bench-1e8 does about 23.5 double-precision operations per plan on
# average (docs/benchmarks.md, "The every-plan path"); an H200's FP64 (non-tensor) peak is 34e12.
OPS_PER_SWEEP_PLAN_1E8, FP64_PEAK = 23.5, 34e12
print(f"{'benchmark':40} {'work':>12} {'ms/run':>10} {'per second':>12} {'kernels/s':>12} {'FP64 share':>10}")
for r in b["benchmarks"]:
    if r.get("error_occurred"):
        print(f"{r['name']:40} {'-':>12} {'-':>10} {'error: ' + r.get('error_message', '')}")
        continue
    work = r.get("plans", float("nan")) * r.get("draws", 1.0)
    rate = r.get("plans_per_s", r.get("evals/s", r.get("items_per_second", float("nan"))))
    krate = r.get("kernel_plans_per_s")
    share = krate * OPS_PER_SWEEP_PLAN_1E8 / FP64_PEAK if krate and "sweep_1e8" in r["name"] else None
    print(f"{r['name']:40} {work:>12.4g} {r['real_time']:>10.1f} {rate:>12.4g}"
          f" {krate if krate else float('nan'):>12.4g} {(f'{share:.1%}' if share else '-'):>10}")
PY
exit $tests_rc
