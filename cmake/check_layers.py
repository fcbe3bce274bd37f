#!/usr/bin/env python3
"""Fails the build when a file includes a header of a component above its own.

usage: check_layers.py SOURCE_DIR

The components and what each may use (docs/architecture.md):

    model <- scenario <- engine <- {portfolio, risk} <- {dist, report} <- cli
                                  <- schedule (may use portfolio) <- {dist, report}

A file's component is its folder: include/dcplan/<c>/, host/<c>/, tests/<c>/. CUDA sources in
kernels/ belong to the component whose header they implement (KERNELS below). Test helpers at
the top of tests/ and the benchmarks may use any component; a component's tests may also build
their inputs from scenarios and check results through the reports and the command (TESTS_ALSO). Prints every wrong-way include as
FILE:LINE: message, and exits 1 when there is one.
"""
import os
import re
import sys

ORDER = ["model", "scenario", "engine", "portfolio", "risk", "schedule", "dist", "report", "cli"]
USES = {
    "model": {"model"},
    "scenario": {"model", "scenario"},
    "engine": {"model", "scenario", "engine"},
    "portfolio": {"model", "scenario", "engine", "portfolio"},
    "risk": {"model", "scenario", "engine", "risk"},
    # MODEL.md "Schedules": built on the engine's model and the scenario's plan space.
    "schedule": {"model", "scenario", "engine", "portfolio", "schedule"},
    "dist": {"model", "scenario", "engine", "portfolio", "risk", "schedule", "dist"},
    "report": {"model", "scenario", "engine", "portfolio", "risk", "schedule", "report"},
    "cli": set(ORDER),
}
KERNELS = {"engine_cuda.cu": "engine", "pool_candidates_cuda.cu": "engine",
           "risk_cuda.cu": "risk", "phase_pass_cuda.cu": "schedule", "device.cuh": "engine",
           "cuda_try.cuh": "engine"}
TESTS_ALSO = {"scenario", "report", "cli"}
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]dcplan/([a-z_]+)/')


def component_of(rel):
    parts = rel.split("/")
    if parts[0] == "include" and len(parts) > 3:
        return parts[2]
    if parts[0] in ("host", "tests") and len(parts) > 2 and parts[1] in USES:
        return parts[1]
    if parts[0] == "tests" and parts[1] == "kernels":
        return "cli"  # the CUDA tests compare whole backends
    if parts[0] == "kernels":
        return KERNELS.get(parts[1], "engine")
    return None


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".")
    bad = []
    for top in ("include", "host", "kernels", "tests"):
        for d, _, files in os.walk(os.path.join(root, top)):
            for f in sorted(files):
                if not f.endswith((".hpp", ".cpp", ".cu", ".cuh")):
                    continue
                path = os.path.join(d, f)
                rel = os.path.relpath(path, root)
                mine = component_of(rel)
                if mine is None:
                    continue
                allowed = USES[mine] | (TESTS_ALSO if top == "tests" else set())
                with open(path, encoding="utf-8", errors="replace") as fh:
                    for n, line in enumerate(fh, 1):
                        m = INCLUDE.match(line)
                        if not m:
                            continue
                        theirs = m.group(1)
                        if theirs in USES and theirs not in allowed:
                            bad.append(f"{rel}:{n}: the {mine} component may not include "
                                       f"dcplan/{theirs}/ ({theirs} sits above {mine}; "
                                       f"{mine} may use {', '.join(sorted(USES[mine], key=ORDER.index))})")
    for b in bad:
        print(b, file=sys.stderr)
    if bad:
        print(f"check_layers: {len(bad)} wrong-way include(s); see docs/architecture.md",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
