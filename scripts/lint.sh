#!/usr/bin/env bash
# The formatting and lint checks CI runs (.ci/run): clang-format (.clang-format) on every C++
# and CUDA source, then clang-tidy (.clang-tidy) on every host/ source of a CPU-only build. Any
# difference or finding fails. `scripts/lint.sh --fix` rewrites the formatting instead.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${LINT_BUILD:-build-lint}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}

mapfile -t sources < <(git ls-files '*.cpp' '*.hpp' '*.cu' '*.cuh')
if [ "${1:-}" = "--fix" ]; then
  clang-format -i "${sources[@]}"
  exit 0
fi
echo "lint: clang-format on ${#sources[@]} files"
clang-format --dry-run -Werror "${sources[@]}"

# clang-tidy needs the compile commands and the generated sources of a configured build.
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DDCPLAN_WITH_CUDA=OFF \
      -DDCPLAN_BUILD_TESTS=OFF -DDCPLAN_BUILD_BENCH=OFF > "$BUILD.configure.log"
cmake --build "$BUILD" --target dcplan_layers > /dev/null
ninja -C "$BUILD" generated/resources.cpp > /dev/null
# Every host/ source this configuration compiles (the MPI or stub variant, the CPU-only stubs).
mapfile -t host < <(python3 - "$BUILD/compile_commands.json" <<'PY'
import json, os, subprocess, sys
built = {os.path.realpath(e["file"]) for e in json.load(open(sys.argv[1]))}
for f in subprocess.check_output(["git", "ls-files", "host/*.cpp"], text=True).split():
    if os.path.realpath(f) in built:
        print(f)
PY
)
echo "lint: clang-tidy on ${#host[@]} files ($JOBS at a time)"
status=0
printf '%s\n' "${host[@]}" |
  xargs -P "$JOBS" -I{} sh -c 'clang-tidy -p "$0" --quiet "$1" > "$0/tidy.$(echo "$1" | tr / _).log" 2>&1 || echo "$1" >> "$0/tidy.failed"' "$BUILD" {} || status=1
if [ -s "$BUILD/tidy.failed" ]; then
  for f in $(sort "$BUILD/tidy.failed"); do
    grep -E 'error:|note:' "$BUILD/tidy.$(echo "$f" | tr / _).log" | grep -v 'warnings generated' || true
  done
  echo "lint: clang-tidy found problems in: $(sort "$BUILD/tidy.failed" | tr '\n' ' ')"
  rm -f "$BUILD/tidy.failed"
  exit 1
fi
rm -f "$BUILD"/tidy.*.log
[ $status -eq 0 ] && echo "lint: clean"
exit $status
