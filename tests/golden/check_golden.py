#!/usr/bin/env python3
"""Run `dcplan plan` on a golden scenario and compare with its expected report.

usage: check_golden.py DCPLAN SCENARIO.yaml EXPECTED.json [--backend cpu|cuda]
       check_golden.py DCPLAN SCENARIO.yaml EXPECTED.portfolio.json --portfolio [--backend cpu|cuda]
       check_golden.py DCPLAN SCENARIO.yaml EXPECTED.portfolio.json --portfolio --write

Checks, on the CPU backend with 1 and with 2 threads and other chunk sizes (or on CUDA with
--backend cuda, with and without a small device memory cap): the exit code (3 when no plan is
feasible, else 0), the counts exactly and the top 10 plans to 1e-9 relative (compare.py), and
that the JSON reports are byte-identical apart from the `timing` key.
Under --backend cuda, the cost frontier and each plan's binding constraint must also equal the
CPU's (keys exactly, figures to 1e-12 relative: MODEL.md "Units").
With --portfolio: `dcplan plan --portfolio` and its `portfolio` block (MODEL.md "Portfolios";
the timing fields apart): on the CPU with 1 and 2 threads the blocks are identical and equal the
expected one (figures to 1e-9 relative, everything else exactly); under --backend cuda, which
runs the pool-candidate pass on the GPU, the block equals the CPU's (figures to 1e-12 relative,
members, search_nodes and frontier_plans exactly). --write stores the CPU run's block as the
expected one (tests/golden/README.md).
Exit 77 (skipped) for --backend cuda only when dcplan exits 4 saying "no usable CUDA device" (a
build without the CUDA backend, or a machine without a usable GPU); any other failure under
CUDA (a GPU fault exits 1, out of device memory exits 4 with another message) fails.
"""
import json, math, os, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare import compare  # noqa: E402


# What dcplan prints, with exit 4, when --backend cuda finds no usable device
# (no_cuda_device_message in include/dcplan/engine/engine.hpp); nothing else skips.
NO_DEVICE = "no usable CUDA device"
# The portfolio block's timing fields, which differ between any two runs.
PORTFOLIO_TIMING = ("frontier_seconds", "solve_seconds", "target_solve_seconds")


def no_device(p):
    return p.returncode == 4 and NO_DEVICE in p.stderr


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


def portfolio_block(report):
    """The report's portfolio block without its timing fields, or None."""
    block = (report or {}).get("portfolio")
    if not isinstance(block, dict):
        return None
    return {k: v for k, v in block.items() if k not in PORTFOLIO_TIMING}


def same_values(got, want, rel, path="portfolio"):
    """None when `got` equals `want`: floats to `rel` relative, everything else exactly."""
    if isinstance(want, dict):
        if not isinstance(got, dict) or list(got) != list(want):
            return f"{path}: keys {list(got) if isinstance(got, dict) else got} vs {list(want)}"
        for k in want:
            diff = same_values(got[k], want[k], rel, f"{path}.{k}")
            if diff:
                return diff
        return None
    if isinstance(want, list):
        if not isinstance(got, list) or len(got) != len(want):
            return f"{path}: {got} vs {want}"
        for i, (g, w) in enumerate(zip(got, want)):
            diff = same_values(g, w, rel, f"{path}[{i}]")
            if diff:
                return diff
        return None
    if isinstance(want, float) and isinstance(got, (int, float)) and not isinstance(got, bool):
        return None if math.isclose(got, want, rel_tol=rel) else f"{path}: {got!r} vs {want!r}"
    return None if got == want and type(got) is type(want) else f"{path}: {got!r} vs {want!r}"


def check_portfolio(dcplan, scenario, expected, backend, write):
    """The --portfolio mode (see the module's docstring)."""
    cpu_args = [["--backend", "cpu", "--threads", "1"], ["--backend", "cpu", "--threads", "2"]]
    if write:
        p, got, _ = run(dcplan, scenario, ["--portfolio"] + cpu_args[0])
        block = portfolio_block(got)
        if p.returncode != 0 or block is None:
            print(f"exit {p.returncode}, no portfolio block\n{p.stderr}")
            return 1
        with open(expected, "w") as f:
            json.dump(block, f, indent=1)
            f.write("\n")
        print("wrote", expected)
        return 0
    want = json.load(open(expected))
    blocks = []
    for args in cpu_args if backend == "cpu" else [["--backend", "cuda"]] + cpu_args[1:]:
        p, got, _ = run(dcplan, scenario, ["--portfolio"] + args)
        if args[1] == "cuda" and no_device(p):
            print("skipped:", p.stderr.strip())
            return 77
        block = portfolio_block(got)
        if p.returncode != 0 or block is None:
            print(f"--portfolio {' '.join(args)}: exit {p.returncode}, "
                  f"portfolio block: {block is not None}\n{p.stderr}")
            return 1
        blocks.append((args, block))
    if backend == "cpu":
        for args, block in blocks:
            diff = same_values(block, want, 1e-9)
            if diff:
                print(f"--portfolio {' '.join(args)}: {diff}")
                return 1
        if json.dumps(blocks[0][1]) != json.dumps(blocks[1][1]):
            print("the portfolio blocks on 1 and 2 threads differ")
            return 1
    else:
        # MODEL.md "Units": the GPU's log, exp and pow may differ from the CPU's in the last bit.
        diff = same_values(blocks[0][1], blocks[1][1], 1e-12)
        if diff:
            print(f"cuda vs cpu: {diff}")
            return 1
        diff = same_values(blocks[0][1], want, 1e-9)
        if diff:
            print(f"--portfolio --backend cuda: {diff}")
            return 1
    print("match")
    return 0


def main():
    dcplan, scenario, expected = sys.argv[1:4]
    backend = sys.argv[sys.argv.index("--backend") + 1] if "--backend" in sys.argv else "cpu"
    if "--portfolio" in sys.argv:
        return check_portfolio(dcplan, scenario, expected, backend, "--write" in sys.argv)
    want = json.load(open(expected))
    want_rc = 0 if want["plans_feasible"] > 0 else 3
    if "schedule" in want:  # MODEL.md "Schedules": exit 3 when no schedule is feasible
        want_rc = 0 if want["schedule"]["feasible"] else 3
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
        if backend == "cuda" and no_device(p):
            print("skipped:", p.stderr.strip())
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
