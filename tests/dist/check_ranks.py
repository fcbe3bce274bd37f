#!/usr/bin/env python3
"""`dcplan plan` under mpirun equals the single-process run (docs/distributed.md).

usage: check_ranks.py DCPLAN SCENARIO.yaml [--scenario-objective OBJ] [EXTRA ARGS...]
       check_ranks.py DCPLAN --buildout [EXTRA ARGS...]
       check_ranks.py DCPLAN --fail SCENARIO.yaml

Runs the plain command, then `mpirun -np 1`, `-np 2` and `-np 3` (--oversubscribe, CPU backend),
and checks the same exit code and JSON reports identical apart from the timing fields (`timing`,
`portfolio.frontier_seconds`, `portfolio.solve_seconds`, `portfolio.target_solve_seconds`). With --fail: DCPLAN_TEST_FAIL_RANK=1
(the MPI build's test hook) must make a 3-rank run fail with a message naming rank 1 and leave
no file behind. Exit 77 (skipped) when `mpirun` is absent or DCPLAN_BUILD_MPI is not ON (a build
without MPI).
"""
import json, os, re, shutil, signal, subprocess, sys, tempfile

MPIRUN = ["mpirun", "--allow-run-as-root", "--oversubscribe"]


def strip(report):
    report.pop("timing", None)
    if isinstance(report.get("portfolio"), dict):
        report["portfolio"].pop("frontier_seconds", None)
        report["portfolio"].pop("solve_seconds", None)
        report["portfolio"].pop("target_solve_seconds", None)
    return json.dumps(report, sort_keys=False)


def run(cmd, out, env=None, timeout=900):
    # A session of its own, so that a run out of time is killed with every rank it started.
    proc = subprocess.Popen(cmd + ["--json", out, "--quiet"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    p = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)
    text = None
    if os.path.exists(out):
        with open(out) as f:
            text = f.read()
        os.remove(out)
    return p, text


def main():
    if os.environ.get("DCPLAN_BUILD_MPI", "ON") != "ON":
        print("skipped: this build of dcplan has no MPI")
        return 77
    if shutil.which("mpirun") is None:
        print("skipped: no mpirun")
        return 77
    args = sys.argv[1:]
    dcplan = args.pop(0)
    fail = "--fail" in args
    if fail:
        args.remove("--fail")
    objective = None
    if "--scenario-objective" in args:  # rewrite the scenario's `objective:` line (e.g. p90_tco)
        i = args.index("--scenario-objective")
        objective = args[i + 1]
        del args[i:i + 2]
    with tempfile.TemporaryDirectory() as d:
        if objective:
            copy = os.path.join(d, "scenario.yaml")
            with open(args[0]) as f:
                text = re.sub(r"(?m)^objective: .*$", "objective: " + objective, f.read())
            with open(copy, "w") as f:
                f.write(text)
            args[0] = copy
        plan = [dcplan, "plan"] + args + ["--backend", "cpu"]
        out = os.path.join(d, "r.json")
        if fail:
            env = dict(os.environ, DCPLAN_TEST_FAIL_RANK="1")
            # Open MPI's MPI_Abort now and then fails to end the other ranks (a race in its
            # runtime, e.g. open-mpi/ompi#1379 and #3225): a run still going after 120 s (it
            # takes about 1 s) is killed and tried once more, as that is not dcplan's failure.
            for attempt in (1, 2):
                try:
                    p, text = run(MPIRUN + ["-np", "3"] + plan, out, env, timeout=120)
                    break
                except subprocess.TimeoutExpired:
                    if attempt == 2:
                        raise
                    print("the failing run did not end within 120 s; once more")
            left = os.listdir(d)  # not even a temporary file of the report
            if p.returncode == 0 or "dcplan: rank 1:" not in p.stderr or text is not None or left:
                print(f"a failing rank: exit {p.returncode}, report written: {text is not None}, "
                      f"files left: {left}\n"
                      f"{p.stderr}")
                return 1
            print("a failing rank 1 fails the run:", p.stderr.strip().splitlines()[0])
            return 0
        p0, want = run(plan, out)
        if want is None:
            print(f"plain run wrote no report (exit {p0.returncode}):\n{p0.stderr}")
            return 1
        want = strip(json.loads(want))
        for n in (1, 2, 3):
            p, got = run(MPIRUN + ["-np", str(n)] + plan, out)
            if p.returncode != p0.returncode or got is None:
                print(f"-np {n}: exit {p.returncode}, want {p0.returncode}\n{p.stderr}")
                return 1
            if strip(json.loads(got)) != want:
                print(f"-np {n}: the report differs from the single-process run")
                return 1
            print(f"-np {n}: identical")
    return 0


if __name__ == "__main__":
    sys.exit(main())
