#!/usr/bin/env python3
"""Run two dcplan binaries on the same commands and require the same outputs.

usage: compare_builds.py BEFORE_DCPLAN AFTER_DCPLAN [--quick] [--keep DIR]

For a refactor that must not change behaviour: every run below is made by both binaries and
its outputs (JSON, CSV, HTML report, standard output and the exit code) must be byte-identical
once the figures that measure time are removed (`timing`, the portfolio's `*_seconds`, the
"evaluated in X s" phrase and plans per second). Prints one line per run and exits 1 on any
difference, naming the first differing line.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOLDEN = os.path.join(ROOT, "tests", "golden")
RISK = os.path.join(ROOT, "tests", "risk", "realistic-risk.yaml")
CONFIGS = os.path.join(ROOT, "configs")

TIME_KEYS = {"timing", "frontier_seconds", "solve_seconds", "target_solve_seconds",
             "pool_candidates_seconds"}
TIME_TEXT = [
    (re.compile(r"\bin [0-9][0-9.,]* ?(s|ms|min)\b"), "in <t>"),
    (re.compile(r"[0-9][0-9.,]*(e[+-]?[0-9]+)? ?([kMGT]?plans/s|plans per second)"), "<rate>"),
    (re.compile(r"\([0-9][0-9.]*(e[+-]?[0-9]+)?/s\)"), "(<rate>)"),
    (re.compile(r"[0-9][0-9.]* ?(s|ms)\b"), "<t>"),
    # Why no GPU answered depends on the build (with or without nvcc) and the machine.
    (re.compile(r"no usable CUDA device \((?:[^()]|\([^()]*\))*\)"), "no usable CUDA device (<why>)"),
]
# Wording renamed on purpose, applied to the earlier binary's standard output: the pool-candidate
# pass was called the portfolio "frontier", a word now kept for the report's cost frontier.
RENAMED = [
    (re.compile(r"\((\d+) frontier plans, (\d+) optimizer states; frontier <t>"),
     r"(\1 pool candidates, \2 optimizer states; candidate pass <t>"),
]


def runs(quick):
    """(name, argv after the binary, output files) for every command compared."""
    r = []
    for y in sorted(os.listdir(GOLDEN)):
        if y.endswith(".yaml"):
            r.append((f"golden {y}", ["plan", os.path.join(GOLDEN, y), "--top", "20"], ["json"]))
    r += [
        ("default.yaml", ["plan", os.path.join(CONFIGS, "default.yaml")], ["json", "csv", "html"]),
        ("risk", ["plan", RISK, "--top", "15"], ["json", "html"]),
        ("risk p90", ["plan", RISK, "--objective", "p90_tco", "--top", "15"], ["json"]),
        ("realistic portfolio", ["plan", os.path.join(GOLDEN, "realistic.yaml"), "--portfolio"],
         ["json", "html"]),
        ("realistic portfolio carbon",
         ["plan", os.path.join(GOLDEN, "realistic.yaml"), "--portfolio", "--objective", "carbon"],
         ["json"]),
        ("training flags", ["plan", "--train-params", "405e9", "--train-tokens", "15.6e12",
                            "--train-days", "60"], ["json"]),
        ("sensitivity", ["sensitivity", RISK], ["json"]),
        ("explain", ["explain", os.path.join(CONFIGS, "default.yaml"), "--plan",
                     "site=us-va,system=dgx-h100,cooling=air,fabric=ib-ndr,sourcing=build,nodes=512"],
         ["json"]),
        ("catalog", ["catalog"], ["json"]),
        ("validate", ["validate", os.path.join(CONFIGS, "default.yaml")], []),
        ("bad input", ["plan", os.path.join(GOLDEN, "tiny.expected.json")], []),
    ]
    if not quick:
        r.append(("bench-portfolio", ["plan", os.path.join(CONFIGS, "bench-portfolio.yaml"),
                                      "--portfolio"], ["json", "html"]))
    return r


def untime_json(obj):
    if isinstance(obj, dict):
        return {k: untime_json(v) for k, v in obj.items() if k not in TIME_KEYS}
    if isinstance(obj, list):
        return [untime_json(v) for v in obj]
    return obj


def untime_text(s):
    for pat, rep in TIME_TEXT:
        s = pat.sub(rep, s)
    return s


def run_one(binary, argv, outs, d):
    args = [binary] + argv
    files = {}
    for kind in outs:
        path = os.path.join(d, "out." + kind)
        flag = {"json": "--json", "csv": "--csv", "html": "--report"}[kind]
        args += [flag, path]
        files[kind] = path
    p = subprocess.run(args, capture_output=True, text=True, timeout=900,
                       env=dict(os.environ, COLUMNS="200"))
    got = {"exit": str(p.returncode), "stdout": untime_text(p.stdout),
           "stderr": untime_text(p.stderr.replace(binary, "dcplan"))}
    for kind, path in files.items():
        if not os.path.exists(path):
            got[kind] = "<missing>"
            continue
        with open(path) as f:
            raw = f.read()
        if kind == "json":
            raw = json.dumps(untime_json(json.loads(raw)), indent=1)
        elif kind == "html":
            raw = untime_text(raw)
        got[kind] = raw
    return got


def first_diff(a, b):
    la, lb = a.splitlines(), b.splitlines()
    for i, (x, y) in enumerate(zip(la, lb)):
        if x != y:
            return f"line {i + 1}:\n  before: {x[:300]}\n  after:  {y[:300]}"
    return f"lengths differ: {len(la)} vs {len(lb)} lines"


def main():
    argv = sys.argv[1:]
    quick = "--quick" in argv
    keep = None
    if "--keep" in argv:
        keep = argv[argv.index("--keep") + 1]
        argv.remove("--keep")
        argv.remove(keep)
    argv = [a for a in argv if a != "--quick"]
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    before, after = (os.path.abspath(a) for a in argv)
    failed = 0
    for name, cmd, outs in runs(quick):
        with tempfile.TemporaryDirectory() as d1, tempfile.TemporaryDirectory() as d2:
            a = run_one(before, cmd, outs, d1)
            for pat, rep in RENAMED:
                a["stdout"] = pat.sub(rep, a["stdout"])
            b = run_one(after, cmd, outs, d2)
        bad = [k for k in a if a[k] != b.get(k)]
        if keep:
            for side, got in (("before", a), ("after", b)):
                os.makedirs(os.path.join(keep, side), exist_ok=True)
                for k, v in got.items():
                    fn = re.sub(r"[^a-z0-9]+", "_", name.lower()) + "." + k
                    with open(os.path.join(keep, side, fn), "w") as f:
                        f.write(v)
        if bad:
            failed += 1
            print(f"DIFFERENT {name}: {', '.join(bad)}")
            for k in bad:
                print(f" {k} {first_diff(a[k], b.get(k, ''))}")
        else:
            print(f"same      {name} (exit {a['exit']}; {', '.join(['stdout'] + outs)})")
    print(f"{len(runs(quick)) - failed} same, {failed} different")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
