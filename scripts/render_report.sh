#!/usr/bin/env bash
# Renders dcplan's HTML report to a PNG with headless Chromium (Debian package `chromium`), so
# that people can look at it without opening a browser.
#
# usage: scripts/render_report.sh [OUT.png] [SCENARIO.yaml]
#   OUT.png        where the picture goes (default: report.png)
#   SCENARIO.yaml  the scenario to plan (default: the built-in default scenario)
# environment: DCPLAN (default: build/dcplan), WIDTH and HEIGHT of the window (1400 x 4000).
# Exit 77 (skipped) when Chromium is not installed.
set -euo pipefail

out=${1:-report.png}
scenario=${2:-}
dcplan=${DCPLAN:-build/dcplan}
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "render_report.sh: Chromium is not installed (apt-get install chromium)" >&2
  exit 77
fi
[ -x "$dcplan" ] || { echo "render_report.sh: no dcplan at $dcplan (set DCPLAN)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac

# Exit 3 (no plan passes every test) still writes the report.
rc=0
"$dcplan" plan ${scenario:+"$scenario"} --report "$work/report.html" --quiet || rc=$?
if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then
  echo "render_report.sh: dcplan exited $rc" >&2
  exit "$rc"
fi

rm -f "$out"
# No network, no profile, no first-run work: the page loads nothing from outside anyway.
"$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run --user-data-dir="$work/profile" \
  --hide-scrollbars --screenshot="$out" --window-size="${WIDTH:-1400},${HEIGHT:-4000}" \
  "file://$work/report.html" >"$work/chromium.log" 2>&1 || true
if [ ! -s "$out" ]; then
  echo "render_report.sh: Chromium wrote no picture:" >&2
  tail -5 "$work/chromium.log" >&2
  exit 1
fi
echo "$out"
