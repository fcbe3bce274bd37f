#!/usr/bin/python3
"""A straightforward vectorized NumPy implementation of MODEL.md, for comparison.

usage: numpy_reference.py SCENARIO.yaml [--dcplan PATH [--no-pruning]]

Evaluates every plan of the scenario, one NumPy array per (site, system, cooling, fabric,
sourcing) over its node counts, counts plans by first failing test and keeps the top 10 by
MODEL.md's ranking; prints its plans per second. With --dcplan it also runs `dcplan plan` on the
same scenario, checks that the counts and the top 10 agree, and prints dcplan's rate measured
in the same run; with --no-pruning dcplan evaluates every plan too (its every-plan path). It
covers MODEL.md's training and FLOP/s targets with version 2's `purchasable` and
`build_fixed_usd` (no reliability block, no inference target). Needs Debian's python3-numpy and
python3-yaml.
"""
import json, math, os, re, resource, subprocess, sys, tempfile, time

import numpy as np
import yaml


class Loader(yaml.SafeLoader):
    pass


# YAML 1.2 floats such as 1.0e19 (PyYAML follows YAML 1.1, which reads them as strings).
Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?|\.[0-9_]+(?:[eE][-+]?[0-9]+)?"
               r"|[0-9][0-9_]*[eE][-+]?[0-9]+|\.inf|\.nan)$"),
    list("-+0123456789."))

LISTS = ["accelerators", "systems", "cooling", "fabrics", "sites"]


def load(path, lists=None):
    doc = yaml.load(open(path), Loader=Loader)
    lists = lists if lists is not None else {k: [] for k in LISTS}
    inc = doc.get("include", [])
    for p in [inc] if isinstance(inc, str) else inc:
        load(os.path.join(os.path.dirname(path), p), lists)
    for k in LISTS:
        for e in doc.get(k, []):
            old = next((x for x in lists[k] if x["id"] == e["id"]), None)
            if old is None:
                lists[k].append(dict(e))
            else:
                old.update(e)
    doc.update(lists)
    return doc


# Plans by the last stage of dcplan's every-plan loop they reach: decided by the combination
# (tests 1-3), by test 4, by test 5, by the compute figures (a combination past its deadline), or
# evaluated whole.
STAGES = {"combination": 0, "fabric": 0, "power": 0, "compute": 0, "whole": 0}
RANGES = []  # (first index, count, node_step, site, system, cooling, fabric, sourcing) per combination


def plan_tuple(sc, i):
    """The plan at index i as dcplan's JSON names it."""
    for first, cnt, step, site, system, cooling, fabric, m in RANGES:
        if first <= i < first + cnt:
            return (site, system, cooling, fabric, m, (i - first + 1) * step)
    return None


def run(sc, k_top=10):
    g, fac = sc["finance"], sc["facility"]
    tgt = sc["target"]
    obj = sc.get("objective", "tco")
    fp8 = sc.get("precision", "bf16") == "fp8"
    H, r = float(g["horizon_years"]), float(g["discount_rate"])
    annuity = H if r == 0 else (1 - (1 + r) ** -H) / r
    disc = (1 + r) ** -H
    life = max(0.0, 1 - H / fac["facility_life_years"])
    tr = tgt.get("training")
    if obj == "effective_flops":
        required = 0.0
    elif tr:
        required = tr.get("flops_per_token", 6) * tr["active_params"] * tr["tokens"] / (tr["days"] * 86400)
    else:
        required = float(tgt["effective_flops"])
    deadline = tgt.get("deadline_months")
    train_months = tr["days"] / 30.4375 if tr else 0.0
    year = tgt.get("year")
    bud = sc.get("budget", {}) or {}
    search = sc.get("search", {}) or {}
    step, max_nodes = search.get("node_step", 1), search.get("max_nodes")
    acc_by_id = {a["id"]: a for a in sc["accelerators"]}
    cool_rank = {c["id"]: c["rank"] for c in sc["cooling"]}
    counts = np.zeros(9, dtype=np.int64)
    best = None  # rows: objective key, capex, ready, index
    index = 0
    for s in sc["sites"]:
        for a in sc["systems"]:
            combos = []
            if "cloud" in s and "cloud_usd_per_accel_hour" in a:
                combos += [(None, f, "cloud") for f in sc["fabrics"]]
            for c in (sc["cooling"] if a.get("purchasable", True) else []):
                for f in sc["fabrics"]:
                    combos.append((c, f, "build"))
                    if "colo" in s:
                        combos.append((c, f, "colo"))
            ac = acc_by_id[a["accelerator"]]
            for c, f, m in combos:
                if m == "build":
                    n_hi = math.floor(s["grid_mw"] * 1000 / (a["node_power_kw"] * (c["pue"] + s["pue_adjust"])))
                elif m == "colo":
                    n_hi = math.floor(s["colo"]["available_mw"] * 1000 / a["node_power_kw"])
                else:
                    n_hi = math.floor(s["cloud"]["max_accelerators"] / a["accelerators_per_node"])
                if max_nodes is not None:
                    n_hi = min(n_hi, max_nodes)
                cnt = int(n_hi // step) if n_hi >= step else 0
                if cnt == 0:
                    continue
                RANGES.append((index, cnt, step, s["id"], a["id"], c["id"] if c else None, f["id"], m))
                n = np.arange(1, cnt + 1, dtype=np.float64) * step
                acc = n * a["accelerators_per_node"]
                R = float(f["radix"])
                tiers = np.where(acc <= R, 1.0, np.where(acc <= R * R / 2, 2.0, np.where(acc <= R * R * R / 4, 3.0, 4.0)))
                fs = tiers / 2
                it_kw = n * a["node_power_kw"] + acc * f["power_w_per_accel"] / 1000 * fs
                cloud = m == "cloud"
                if cloud:
                    pue = s["cloud"]["pue"]
                    racks = np.zeros_like(n)
                    per_rack = 1.0
                else:
                    per_rack = min(math.floor(c["max_rack_kw"] / a["node_power_kw"]),
                                   math.floor(fac["rack_units"] / a["node_rack_units"]))
                    racks = np.ceil(n / per_rack) if per_rack >= 1 else np.full_like(n, np.nan)
                    pue = c["pue"] + s["pue_adjust"]
                fkw = it_kw * pue
                if cloud:
                    capex = np.zeros_like(n)
                    opex = acc * a["cloud_usd_per_accel_hour"] * s["cloud"]["price_multiplier"] * 8760
                    residual = 0.0
                else:
                    hw = n * a["node_price_usd"] + acc * f["cost_usd_per_accel"] * fs + racks * fac["rack_usd"]
                    fc = it_kw / 1000 * fac["build_usd_per_mw_it"] * s["build_cost_multiplier"] + it_kw * c["capex_usd_per_kw"]
                    energy = fkw * g["utilization"] * 8760 * s["energy_usd_per_kwh"]
                    if m == "build":
                        fc = fc + s.get("build_fixed_usd", 0.0)
                        capex = hw + fc
                        opex = energy + g["maintenance_rate"] * hw + it_kw / 1000 * g["staff_usd_per_mw_year"]
                        residual = fc * life * disc
                    else:
                        capex = hw
                        opex = energy + g["maintenance_rate"] * hw + it_kw * s["colo"]["usd_per_kw_month"] * 12
                        residual = 0.0
                tco = capex + opex * annuity - residual
                peak = acc * (ac["peak_fp8_flops"] if fp8 else ac["peak_bf16_flops"])
                eff = peak * a["mfu"] * (1 / (1 + f["scaling_k"] * np.log2(np.maximum(1.0, acc / a["scale_up_domain"]))))
                if m == "build":
                    ready = max(s["power_lead_months"], fac["construction_months"], a["lead_time_months"])
                elif m == "colo":
                    ready = max(s["colo"]["lead_months"], a["lead_time_months"])
                else:
                    ready = s["cloud"]["lead_months"]
                tco2 = fkw * g["utilization"] * 8760 * s["carbon_kg_per_kwh"] / 1000
                t1 = year is None or ac["available_year"] <= year
                t2 = cloud or c["rank"] >= cool_rank[a["min_cooling"]]
                t3 = cloud or per_rack >= 1
                t4 = tiers <= 3
                if m == "build":
                    t5 = fkw / 1000 <= s["grid_mw"]
                elif m == "colo":
                    t5 = it_kw / 1000 <= s["colo"]["available_mw"]
                else:
                    t5 = acc <= s["cloud"]["max_accelerators"]
                t6 = eff >= required if obj != "effective_flops" else np.ones_like(n, dtype=bool)
                t7 = True if deadline is None else ((ready + train_months <= deadline) if tr else (ready <= deadline))
                t8 = np.ones_like(n, dtype=bool)
                if "capex_usd" in bud:
                    t8 = t8 & (capex <= bud["capex_usd"])
                if "tco_usd" in bud:
                    t8 = t8 & (tco <= bud["tco_usd"])
                tests = [np.broadcast_to(t, n.shape) for t in (t1, t2, t3, t4, t5, t6, t7, t8)]
                reason = np.zeros(n.shape, dtype=np.int64)
                for k in range(8, 0, -1):
                    reason = np.where(~tests[k - 1], k, reason)
                counts += np.bincount(reason, minlength=9)
                # Where dcplan's every-plan loop stops evaluating each plan (detail/sweep.hpp).
                pre = np.broadcast_to(tests[0] & tests[1] & tests[2], n.shape)
                STAGES["combination"] += int((~pre).sum())
                STAGES["fabric"] += int((pre & ~tests[3]).sum())
                STAGES["power"] += int((pre & tests[3] & ~tests[4]).sum())
                rest = pre & tests[3] & tests[4]
                STAGES["compute"] += int((rest & ~np.broadcast_to(tests[6], n.shape)).sum())
                STAGES["whole"] += int((rest & np.broadcast_to(tests[6], n.shape)).sum())
                ok = reason == 0
                if ok.any():
                    key = {"tco": tco, "capex": capex, "ready_months": np.full_like(n, ready),
                           "carbon": tco2, "effective_flops": -eff}[obj]
                    idx = index + np.nonzero(ok)[0]
                    rows = np.stack([key[ok], capex[ok], np.full(idx.shape, float(ready)), idx.astype(np.float64)])
                    best = rows if best is None else np.concatenate([best, rows], axis=1)
                    order = np.lexsort((best[3], best[2], best[1], best[0]))[:k_top]
                    best = best[:, order]
                index += cnt
    top = [] if best is None else [int(i) for i in best[3]]
    return index, counts, top


def main():
    path = sys.argv[1]
    sc = load(path)
    t0, c0 = time.perf_counter(), time.process_time()
    total, counts, top = run(sc)
    dt, dc = time.perf_counter() - t0, time.process_time() - c0
    print("plans by the stage where dcplan's every-plan loop decides them: " +
          ", ".join(f"{k} {v}" for k, v in STAGES.items()))
    print(f"numpy: {total} plans in {dt:.2f} s = {total / dt:.3g} plans/s; {dc:.2f} CPU s = "
          f"{total / dc:.3g} plans per CPU second; feasible {counts[0]}")
    if "--dcplan" in sys.argv:
        dcplan = sys.argv[sys.argv.index("--dcplan") + 1]
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "r.json")
            t0 = time.perf_counter()
            r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            extra = ["--no-pruning"] if "--no-pruning" in sys.argv else []
            subprocess.run([dcplan, "plan", path, "--backend", "cpu", "--quiet", "--csv", os.path.join(d, "r.csv")] + extra,
                           check=False)
            wall = time.perf_counter() - t0
            r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
            subprocess.run([dcplan, "plan", path, "--backend", "cpu", "--quiet", "--json", out, "--top", "10"],
                           check=False)
            got = json.load(open(out))
        order = ["site", "system", "cooling", "fabric", "sourcing", "nodes"]
        got_top = [tuple(p.get(k) for k in order) for p in got["plans"]]
        want_top = [plan_tuple(sc, i) for i in top]
        names = ["year", "cooling", "rack", "fabric", "power", "target", "deadline", "budget"]
        same = got["plans_evaluated"] == total and got["plans_feasible"] == counts[0] and all(
            got["infeasible_by_reason"][n] == counts[i + 1] for i, n in enumerate(names))
        # The whole command (loading included) of a run that writes CSV, so that no cost frontier
        # is computed: the work numpy does here.
        print(f"dcplan: {got['plans_evaluated']} plans in {wall:.2f} s (whole command) = "
              f"{got['plans_evaluated'] / wall:.3g} plans/s; {cpu:.2f} CPU s (all threads) = "
              f"{got['plans_evaluated'] / cpu:.3g} plans per CPU second")
        print(f"counts agree: {same}; top 10 agree: {got_top == want_top}; "
              f"speed-up over numpy: {(got['plans_evaluated'] / wall) / (total / dt):.1f}x "
              f"(per CPU second: {(got['plans_evaluated'] / cpu) / (total / dc):.1f}x)")


if __name__ == "__main__":
    main()
