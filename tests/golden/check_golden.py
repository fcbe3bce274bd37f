#!/usr/bin/env python3
"""Run `dcplan plan` on a golden scenario and compare with its expected report.

usage: check_golden.py DCPLAN SCENARIO.yaml EXPECTED.json [--backend cpu|cuda]

Checks, on the CPU backend with 1 and with 2 threads and other chunk sizes (or on CUDA with
--backend cuda, with and without a small device memory cap): the exit code (3 when no plan is
feasible, else 0), the counts exactly and the top 10 plans to 1e-9 relative (compare.py), and
that the JSON reports are byte-identical apart from the `timing` key.
Under --backend cuda, the cost frontier and each plan's binding constraint must also equal the
CPU's (keys exactly, figures to 1e-12 relative: MODEL.md "Units").
Exit 77 (skipped) for --backend cuda when the build or machine has no usable CUDA device.
"""
import json, math, os, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare import compare  # noqa: E402


def run(dcplan, scenario, args):
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "r.json")
        p = subprocess.run([dcplan, "plan", scenario, "--top", "10", "--json", out, "--quiet"] + args,
                           capture_output=True, text=True, timeout=600)
        if not os.path.exists(out):
            return p, None, None
        with open(out) as f:
            raw = f.read()
        return p, json.loads(raw), untimed(raw)


def untimed(raw):
    """The report's bytes apart from the `timing` key, which comes last (MODEL.md)."""
    at = raw.rfind('"timing"')
    return raw[:at] if at >= 0 else raw


def compare_extensions(got, cpu):
    """The frontier and the binding constraints of two backends' reports."""
    if got.get("frontier_points_total") != cpu.get("frontier_points_total"):
        return f"frontier_points_total: {got.get('frontier_points_total')} vs {cpu.get('frontier_points_total')}"
    for i, (g, c) in enumerate(zip(got.get("frontier", []), cpu.get("frontier", []))):
        for k, v in c.items():
            ok = math.isclose(g[k], v, rel_tol=1e-12) if isinstance(v, float) else g[k] == v
            if not ok:
                return f"frontier[{i}].{k}: {g[k]} vs {v}"
    if len(got.get("frontier", [])) != len(cpu.get("frontier", [])):
        return "frontier lengths differ"
    for i, (g, c) in enumerate(zip(got["plans"], cpu["plans"])):
        if g.get("binding") != c.get("binding"):
            return f"plan {i+1}.binding: {g.get('binding')} vs {c.get('binding')}"
    return None


def main():
    dcplan, scenario, expected = sys.argv[1:4]
    backend = sys.argv[sys.argv.index("--backend") + 1] if "--backend" in sys.argv else "cpu"
    want = json.load(open(expected))
    want_rc = 0 if want["plans_feasible"] > 0 else 3
    # Thread counts, chunk sizes and a repeated run: the reports must be byte-identical.
    variants = [["--backend", "cpu", "--threads", "1"], ["--backend", "cpu", "--threads", "2"],
                ["--backend", "cpu", "--threads", "2", "--chunk", "4096"],
                ["--backend", "cpu", "--threads", "1", "--chunk", "65536"]]
    if backend == "cuda":
        # A small device memory cap forces small chunks (include/dcplan/chunking.hpp).
        variants = [["--backend", "cuda"], ["--backend", "cuda", "--gpu-memory-cap", "4194304"]]
    reports = []
    for args in variants:
        p, got, raw = run(dcplan, scenario, args)
        if backend == "cuda" and p.returncode == 4:
            print("skipped: no usable CUDA device:", p.stderr.strip())
            return 77
        if p.returncode != want_rc:
            print(f"{' '.join(args)}: exit {p.returncode}, want {want_rc}\n{p.stderr}")
            return 1
        diff = compare(got, want, 10)
        if diff:
            print(f"{' '.join(args)}: {diff}")
            return 1
        reports.append((args, raw, got))
    if backend == "cuda":
        _, cpu, _ = run(dcplan, scenario, ["--backend", "cpu", "--threads", "2"])
        diff = compare_extensions(reports[0][2], cpu)
        if diff:
            print(f"cuda vs cpu: {diff}")
            return 1
    for args, raw, _ in reports[1:]:
        if raw != reports[0][1]:
            print(f"the report of {' '.join(args)} differs from that of {' '.join(reports[0][0])} "
                  "(apart from timing)")
            return 1
    print("match")
    return 0


if __name__ == "__main__":
    sys.exit(main())
