#!/usr/bin/env python3
"""An interrupted `dcplan plan` leaves no partial output and no temporary file, leaves an
existing output as it was, and exits 130.

usage: check_interrupt.py DCPLAN configs/bench-1e8.yaml

Plans that scenario with ten times its sites' grid connections (most of the added plans exceed
three fabric tiers) with --no-pruning on one thread, several seconds of work, writing JSON and
CSV; sends SIGINT once the run is under way, and checks what is left in the output directory.
"""
import os, signal, subprocess, sys, tempfile, time


def main():
    dcplan, base = sys.argv[1:3]
    text = open(base).read()
    for mw in ("1000", "2000"):
        assert f"grid_mw: {mw}}}" in text, f"{base} no longer sets a site's grid_mw to {mw}"
        text = text.replace(f"grid_mw: {mw}}}", f"grid_mw: {mw}0}}")
    catalog = os.path.join(os.path.dirname(os.path.abspath(base)), "catalog")
    text = text.replace("  - catalog/", f"  - {catalog}/")
    with tempfile.TemporaryDirectory() as d:
        scenario = os.path.join(d, "larger.yaml")
        with open(scenario, "w") as f:
            f.write(text)
        out = os.path.join(d, "out")
        os.mkdir(out)
        json_path, csv_path = os.path.join(out, "r.json"), os.path.join(out, "r.csv")
        with open(csv_path, "w") as f:
            f.write("previous\n")
        # Uninterrupted, the run must take over a second, or the test proves nothing.
        t0 = time.monotonic()
        p = subprocess.Popen([dcplan, "plan", scenario, "--no-pruning", "--json", json_path, "--csv", csv_path,
                              "--backend", "cpu", "--threads", "1", "--quiet"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(0.7)
        if p.poll() is not None:
            print(f"the run ended after {time.monotonic() - t0:.2f} s, before the interrupt")
            return 1
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=120)
        problems = []
        if p.returncode != 130:
            problems.append(f"exit {p.returncode}, want 130")
        if "interrupted" not in err:
            problems.append(f"stderr does not say interrupted: {err.strip()!r}")
        left = sorted(os.listdir(out))
        if left != ["r.csv"]:
            problems.append(f"output directory holds {left}, want only the earlier r.csv")
        if open(csv_path).read() != "previous\n":
            problems.append("the earlier r.csv was changed")
        for msg in problems:
            print(msg)
        if not problems:
            print(f"interrupted after {time.monotonic() - t0:.2f} s: exit 130, nothing written")
        return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
