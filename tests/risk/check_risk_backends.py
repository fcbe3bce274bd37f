#!/usr/bin/env python3
"""Run `dcplan plan` with risk figures on the CPU (1 and 2 threads) and on CUDA, and compare.

usage: check_risk_backends.py DCPLAN SCENARIO.yaml [--backend cpu|cuda]

cpu: the reports on 1 and 2 threads are identical apart from `timing`.
cuda: the same plans in the same order as the CPU (2 threads), every risk figure equal to 1e-12
relative (MODEL.md "Risk": log, cos and exp may differ in the last bit between libms).
Exit 77 (skipped) under --backend cuda only when dcplan exits 4 saying "no usable CUDA device"
(a build without the CUDA backend, or a machine without a usable GPU); any other failure under
CUDA (a GPU fault exits 1, out of device memory exits 4 with another message) fails.
"""
import json, os, subprocess, sys, tempfile

KEYS = ["site", "system", "cooling", "fabric", "sourcing", "nodes"]
# What dcplan prints, with exit 4, when --backend cuda finds no usable device
# (no_cuda_device_message in include/dcplan/engine/engine.hpp); nothing else skips.
NO_DEVICE = "no usable CUDA device"


def run(dcplan, scenario, args):
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "r.json")
        p = subprocess.run([dcplan, "plan", scenario, "--top", "200", "--json", out, "--quiet"] + args,
                           capture_output=True, text=True, timeout=900)
        if not os.path.exists(out):
            return p, None
        with open(out) as f:
            return p, json.load(f)


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-12 * max(abs(a), abs(b)) or a == b


def main():
    dcplan, scenario = sys.argv[1:3]
    backend = sys.argv[sys.argv.index("--backend") + 1] if "--backend" in sys.argv else "cpu"
    p, cpu = run(dcplan, scenario, ["--backend", "cpu", "--threads", "2"])
    if p.returncode != 0 or cpu is None:
        print(f"cpu: exit {p.returncode}\n{p.stderr}")
        return 1
    if not all("risk" in plan for plan in cpu["plans"]):
        print("cpu: a plan has no risk figures")
        return 1
    cpu.pop("timing")
    if backend == "cpu":
        p, one = run(dcplan, scenario, ["--backend", "cpu", "--threads", "1"])
        one.pop("timing")
        if json.dumps(one) != json.dumps(cpu):
            print("risk figures differ between 1 and 2 threads")
            return 1
        print("match")
        return 0
    p, gpu = run(dcplan, scenario, ["--backend", "cuda"])
    if p.returncode == 4 and NO_DEVICE in p.stderr:
        print("skipped:", p.stderr.strip())
        return 77
    if p.returncode != 0 or gpu is None:
        print(f"cuda: exit {p.returncode}\n{p.stderr}")
        return 1
    if len(gpu["plans"]) != len(cpu["plans"]):
        print("cuda: a different number of plans")
        return 1
    for i, (a, b) in enumerate(zip(cpu["plans"], gpu["plans"])):
        if [a[k] for k in KEYS] != [b[k] for k in KEYS]:
            print(f"plan {i + 1}: cpu {[a[k] for k in KEYS]} cuda {[b[k] for k in KEYS]}")
            return 1
        for k, v in a["risk"].items():
            if not close(v, b["risk"][k]):
                print(f"plan {i + 1}: risk.{k}: cpu {v!r} cuda {b['risk'][k]!r}")
                return 1
    print("match")
    return 0


if __name__ == "__main__":
    sys.exit(main())
