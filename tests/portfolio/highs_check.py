#!/usr/bin/env python3
"""dcplan's portfolio optimum against HiGHS (MODEL.md "Portfolios").

For each scenario (given, or drawn at random from the catalog), runs
`dcplan plan S --portfolio --json J --milp L`, solves the MILP in L with HiGHS (SciPy's
scipy.optimize.milp, relative gap 0), re-adds the objective of HiGHS's choice in pool order
from the exact coefficients, and checks that it equals dcplan's optimum to 1e-9 relative (and
that both agree on infeasibility). Prints the times: dcplan's whole command (process start,
scenario, engine, frontier pass, optimizer, output files), dcplan's optimizer alone (the six
solves of the cost curve, `solve_seconds` of the report), dcplan's time to the optimum at the
target (from the optimizer's start, the target's solve running first and beside another point;
`target_solve_seconds`) and HiGHS's solve alone (the LP file already read; the one solve at
100% of the target). With --curve, HiGHS also solves every point
of the cost curve (the target row scaled), each checked against dcplan's cost curve, and the
six solves' time is printed against dcplan's optimizer. A point other than the target that
stopped at dcplan's work limit (`"proven": false`, see docs/portfolio.md) passes when its best
portfolio found and its lower bound bracket what HiGHS proved or found.

usage: highs_check.py --dcplan BUILD/dcplan [--random N] [--seed S] [--size small|catalog]
                      [--time-limit SECONDS] [--dcplan-timeout SECONDS] [--keep DIR] [--curve]
                      [SCENARIO.yaml ...]
Exit 0 when every result agrees, 1 on any mismatch or failure, 77 when SciPy is missing.
"""
import argparse
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time

try:
    import numpy as np
    from scipy.optimize import LinearConstraint, milp
    from scipy.sparse import csr_matrix
except ImportError:
    print("SciPy with HiGHS not found (Debian package python3-scipy): skipped", file=sys.stderr)
    sys.exit(77)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CATALOG = os.path.join(ROOT, "configs", "catalog")
SYSTEMS = ["dgx-a100", "dgx-h100", "hgx-h800", "dgx-h200", "dgx-b200", "dgx-b300", "gb200-nvl72",
           "gb300-nvl72", "mi300x-oam8", "mi325x-oam8", "mi355x-oam8", "gaudi3-oam8", "tpu-v5p-64", "tpu-v6e-8"]
SITES = ["us-va", "us-tx", "us-oh", "us-or", "us-az", "ca-qc", "no-nordic", "ie-dub", "de-fra",
         "sa", "ae", "my-johor", "in-mum", "jp-tok"]


def read_lp(path):
    """The LP files dcplan writes: objective, rows with a sense and a right-hand side, binaries."""
    names, col = [], {}
    obj, rows, row = {}, [], None
    section = None

    def var(name):
        if name not in col:
            col[name] = len(names)
            names.append(name)
        return col[name]

    def terms(tokens, into):
        # "+ 1.5 x12 + 3 x40 ...": sign, coefficient, variable.
        for i in range(0, len(tokens) - 2, 3):
            sign = -1.0 if tokens[i] == "-" else 1.0
            into[var(tokens[i + 2])] = sign * float(tokens[i + 1])

    with open(path) as f:
        for raw in f:
            if raw.startswith("\\"):
                continue
            line = raw.strip()
            if line in ("Minimize", "Subject To", "Binaries", "End"):
                section = line
                continue
            tokens = line.split()
            if not tokens:
                continue
            if section == "Minimize":
                if tokens[0].endswith(":"):
                    tokens = tokens[1:]
                terms(tokens, obj)
            elif section == "Subject To":
                if tokens[0].endswith(":"):
                    row = {"name": tokens[0][:-1], "coef": {}, "sense": None, "rhs": None}
                    rows.append(row)
                    tokens = tokens[1:]
                if len(tokens) >= 2 and tokens[-2] in ("<=", ">="):
                    row["sense"], row["rhs"] = tokens[-2], float(tokens[-1])
                    tokens = tokens[:-2]
                terms(tokens, row["coef"])
            elif section == "Binaries":
                for t in tokens:
                    var(t)
    return names, obj, rows


def solve_highs(lp, time_limit, fraction=1.0):
    """HiGHS on the LP file `lp` (or its rows, already read), its target scaled by `fraction`."""
    names, obj, rows = read_lp(lp) if isinstance(lp, str) else lp
    n = len(names)
    c = np.zeros(n)
    for j, v in obj.items():
        c[j] = v
    data, ri, ci, lo, hi = [], [], [], [], []
    for i, r in enumerate(rows):
        for j, v in r["coef"].items():
            data.append(v)
            ri.append(i)
            ci.append(j)
        rhs = r["rhs"] * fraction if r["name"] == "target" else r["rhs"]
        lo.append(rhs if r["sense"] == ">=" else -np.inf)
        hi.append(rhs if r["sense"] == "<=" else np.inf)
    a = csr_matrix((data, (ri, ci)), shape=(len(rows), n))
    t0 = time.perf_counter()
    res = milp(c, constraints=[LinearConstraint(a, lo, hi)], integrality=np.ones(n),
               bounds=(0, 1), options={"mip_rel_gap": 0, "time_limit": time_limit})
    seconds = time.perf_counter() - t0
    if res.status == 2:
        return "infeasible", None, seconds, n
    if res.x is None:
        return "unsolved", None, seconds, n
    chosen = {j for j in range(n) if res.x[j] > 0.5}
    # The objective of HiGHS's choice, added in pool order (the pool rows' order) as dcplan does.
    total = 0.0
    for r in rows:
        if r["name"].startswith("pool_"):
            for j in r["coef"]:
                if j in chosen:
                    total += obj.get(j, 0.0)
    # Stopped by the time limit with a portfolio in hand: HiGHS's best so far, not proven optimal.
    return ("optimal" if res.status == 0 else "limit"), total, seconds, n


def judge(status, mine, theirs):
    """(unproven, ok) of dcplan's optimum `mine` against HiGHS's result."""
    if status == "optimal":
        return False, mine is not None and abs(mine - theirs) <= 1e-9 * max(abs(theirs), 1e-300)
    if status == "infeasible":
        return False, mine is None
    if status == "limit":
        # HiGHS ran out of time: dcplan's optimum must be no worse than what HiGHS had found.
        return True, mine is not None and mine <= theirs + 1e-9 * abs(theirs)
    return True, True


def random_scenario(rng, size):
    objective = rng.choice(["tco", "tco", "capex", "carbon"])
    if size == "small":
        sites = rng.sample(SITES, rng.randint(2, 5))
        target = rng.uniform(0.05, 1.5) * 1e18
        # A few systems and sizes, so that HiGHS too finishes in seconds.
        search = "search: {{node_step: {}, max_nodes: {}, systems: [{}]}}\n".format(
            rng.choice([1, 2, 4]), rng.choice([32, 64, 128]), ", ".join(rng.sample(SYSTEMS, rng.randint(1, 3))))
    else:
        sites = rng.sample(SITES, rng.randint(6, 14))
        target = rng.uniform(0.5, 6.0) * 1e19
        search = "search: {{node_step: {}}}\n".format(rng.choice([1, 2, 4]))
    lines = ["include:"] + ["  - {}/{}.yaml".format(CATALOG, k) for k in
                            ("accelerators", "systems", "cooling", "fabrics", "sites")]
    lines += ["precision: {}".format(rng.choice(["bf16", "fp8"])), "objective: " + objective,
              "target:", "  effective_flops: {:.6e}".format(target), "  portfolio: true",
              "  year: {}".format(rng.choice([2025, 2026, 2027]))]
    if rng.random() < 0.7:
        lines.append("  deadline_months: {}".format(rng.choice([12, 18, 24, 36, 48])))
    budget = []
    if rng.random() < 0.4:
        budget.append("  capex_usd: {:.6e}".format(target / 1e19 * rng.uniform(0.3, 1.5) * 1e9))
    if rng.random() < 0.3:
        budget.append("  tco_usd: {:.6e}".format(target / 1e19 * rng.uniform(0.4, 2.0) * 1e9))
    if budget:
        lines += ["budget:"] + budget
    lines += ["finance: {{horizon_years: {}, discount_rate: {}, utilization: 0.8, maintenance_rate: 0.03, "
              "staff_usd_per_mw_year: 150000}}".format(rng.choice([3, 4, 5, 6]), rng.choice([0.0, 0.05, 0.08, 0.1])),
              "facility: {build_usd_per_mw_it: 1.1e7, construction_months: 18, facility_life_years: 20, "
              "rack_usd: 30000, rack_units: 42}",
              "sites:"]
    # The catalog's sites are all included; these entries change some of their grid sizes.
    for s in sites:
        extra = ""
        if rng.random() < 0.5:
            extra = ", grid_mw: {}".format(rng.choice([20, 50, 100, 300, 1000]))
        lines.append("  - {{id: {}{}}}".format(s, extra))
    return "\n".join(lines) + "\n" + search


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dcplan", required=True)
    ap.add_argument("--random", type=int, default=0, help="this many random scenarios")
    ap.add_argument("--seed", type=int, default=None, help="seed of the random scenarios (default: the clock)")
    ap.add_argument("--size", choices=["small", "catalog"], default="small")
    ap.add_argument("--time-limit", type=float, default=600.0, help="HiGHS's limit per problem, seconds")
    ap.add_argument("--dcplan-timeout", type=float, default=None, help="fail a dcplan run past this many seconds")
    ap.add_argument("--keep", help="keep scenarios, LP and JSON files here")
    ap.add_argument("--curve", action="store_true",
                    help="also hand HiGHS every point of the cost curve and check each against dcplan's")
    ap.add_argument("scenarios", nargs="*")
    a = ap.parse_args()
    a.dcplan = os.path.abspath(a.dcplan)
    seed = a.seed if a.seed is not None else int(time.time())
    rng = random.Random(seed)
    work = a.keep or tempfile.mkdtemp(prefix="dcplan-highs-")
    os.makedirs(work, exist_ok=True)
    cases = [(os.path.basename(p), open(p).read(), os.path.dirname(os.path.abspath(p))) for p in a.scenarios]
    for i in range(a.random):
        cases.append(("random-{}-{}.yaml".format(seed, i), random_scenario(rng, a.size), work))
    print("seed {}; files in {}".format(seed, work))
    print("{:<26} {:>8} {:>22} {:>22} {:>9} {:>9} {:>9} {:>9}  {}".format(
        "scenario", "binaries", "dcplan optimum", "HiGHS optimum", "dcplan s", "solve s", "target s", "HiGHS s",
        "result"))
    bad = agree = feasible = limited = 0
    dc_total = solve_total = target_total = hi_total = 0.0
    curve_agree = curve_limited = curve_bad = curve_work = 0
    curve_dc = curve_hi = 0.0
    for name, text, base in cases:
        path = os.path.join(work, name)
        if not name.endswith(".yaml"):
            path += ".yaml"
        with open(path, "w") as f:
            f.write(text)
        js, lp = path[:-5] + ".json", path[:-5] + ".lp"
        t0 = time.perf_counter()
        try:
            run = subprocess.run([a.dcplan, "plan", path, "--portfolio", "--json", js, "--milp", lp, "--quiet"],
                                 capture_output=True, text=True, cwd=base, timeout=a.dcplan_timeout)
        except subprocess.TimeoutExpired:
            print("{:<26} dcplan did not finish in {:g} s".format(name, a.dcplan_timeout))
            bad += 1
            continue
        dc_seconds = time.perf_counter() - t0
        if run.returncode not in (0, 3) or not os.path.exists(js):
            print("{:<26} dcplan failed (exit {}): {}".format(name, run.returncode, run.stderr.strip()[:200]))
            bad += 1
            continue
        port = json.load(open(js))["portfolio"]
        mine = port["objective_value"]
        solve_seconds = port.get("solve_seconds", float("nan"))
        target_seconds = port.get("target_solve_seconds", float("nan"))
        problem = read_lp(lp)
        status, theirs, hi_seconds, n = solve_highs(problem, a.time_limit)
        unproven, ok = judge(status, mine, theirs)
        fmt = lambda v: "infeasible" if v is None else "{:.12g}".format(v)
        if unproven:
            result = "HiGHS stopped at its time limit" + (" (dcplan no worse)" if ok else ": dcplan WORSE")
        else:
            result = "agree" if ok else "MISMATCH"
        print("{:<26} {:>8} {:>22} {:>22} {:>9.3f} {:>9.3f} {:>9.3f} {:>9.3f}  {}".format(
            name[:26], n, fmt(mine), fmt(theirs) if status in ("optimal", "limit", "infeasible") else status,
            dc_seconds, solve_seconds, target_seconds, hi_seconds, result))
        sys.stdout.flush()
        if a.curve:
            # Every point of the cost curve, each a solve of its own for HiGHS.
            marks, hi_curve, n_ok, n_lim, n_work = [], 0.0, 0, 0, 0
            for point in port["cost_curve"]:
                st, th, sec, _ = solve_highs(problem, a.time_limit, point["fraction"])
                hi_curve += sec
                if point.get("proven", True) is False:
                    # dcplan stopped at its work limit: its best found and its lower bound must
                    # bracket whatever HiGHS proved or found.
                    lb, best = point["lower_bound"], point["objective_value"]
                    tol = lambda v: 1e-9 * abs(v) + 1e-9
                    good = (th is None or th >= lb - tol(lb)) and \
                        (st != "optimal" or (th is not None and (best is None or best >= th - tol(th))))
                    marks.append("{:g}%:{}".format(100 * point["fraction"], "dcplan-limit" if good else "MISMATCH"))
                    n_work += good
                    curve_bad += not good
                    continue
                un, good = judge(st, point["objective_value"], th)
                marks.append("{:g}%:{}".format(100 * point["fraction"], "ok" if good and not un else
                                                "limit" if good else "MISMATCH"))
                n_ok += good and not un
                n_lim += good and un
                curve_bad += not good
            curve_agree += n_ok
            curve_limited += n_lim
            curve_work += n_work
            if n_lim == 0 and n_ok == len(marks):
                curve_dc += solve_seconds
                curve_hi += hi_curve
            print("{:<26} cost curve: {}; dcplan optimizer {:.3f} s, HiGHS {:.3f} s for the {} points".format(
                "", " ".join(marks), solve_seconds, hi_curve, len(marks)))
            sys.stdout.flush()
        if unproven and ok:
            limited += 1
        elif ok:
            agree += 1
            dc_total += dc_seconds
            solve_total += solve_seconds
            target_total += target_seconds
            hi_total += hi_seconds
            feasible += mine is not None
        else:
            bad += 1
    print("{} scenarios: {} agree ({} feasible), {} unproven by HiGHS within {:g} s, {} fail; "
          "where both finished: dcplan {:.2f} s in all ({:.2f} s optimizer, {:.2f} s to the targets' optima), "
          "HiGHS {:.2f} s".format(len(cases), agree, feasible, limited, a.time_limit, bad, dc_total, solve_total,
                                  target_total, hi_total))
    if a.curve:
        print("cost curves: {} points agree, {} unproven by HiGHS within {:g} s, {} stopped at dcplan's work limit "
              "(bracketing HiGHS's result), {} fail; where both proved every point: dcplan's optimizer {:.2f} s in "
              "all, HiGHS {:.2f} s".format(curve_agree, curve_limited, a.time_limit, curve_work, curve_bad,
                                           curve_dc, curve_hi))
        bad += curve_bad
    return 0 if bad == 0 and cases else 1


if __name__ == "__main__":
    sys.exit(main())
