#!/usr/bin/env python3
"""Table-driven bad-input test: every row of cases.tsv is a malformed scenario that
`dcplan validate` must reject with the expected exit code and a message holding the fragment
and naming the file, within a time limit, without a crash or an internal error.

usage: run_bad.py DCPLAN [CASES.tsv]

Rows whose file starts with '@' are made at test time: a file over the 64 MiB limit, a
directory, a missing path, a file without read permission (skipped when running as root,
who reads any file), /dev/zero and an include of /dev/zero (inputs that never end).
"""
import os, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def made(name, tmp):
    p = os.path.join(tmp, name[1:] + ".yaml")
    if name == "@huge":
        with open(p, "w") as f:
            line = "# " + "x" * 1021 + "\n"
            f.write("objective: tco\n")
            for _ in range(65 * 1024):
                f.write(line)
    elif name == "@directory":
        os.mkdir(p)
    elif name == "@missing":
        pass
    elif name == "@unreadable":
        if os.geteuid() == 0:
            return None
        with open(p, "w") as f:
            f.write("objective: tco\n")
        os.chmod(p, 0)
    elif name == "@dev-zero":
        return "/dev/zero"
    elif name == "@include-dev-zero":
        with open(p, "w") as f:
            f.write("include: /dev/zero\n")
    else:
        raise SystemExit(f"unknown generated case {name}")
    return p


def main():
    dcplan = sys.argv[1]
    cases = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "cases.tsv")
    failures, ran, skipped = [], 0, 0
    with tempfile.TemporaryDirectory() as tmp, open(cases) as table:
        for row in table:
            if not row.strip() or row.startswith("#"):
                continue
            name, code, fragment = row.rstrip("\n").split("\t")
            path = made(name, tmp) if name.startswith("@") else os.path.join(HERE, name)
            if path is None:
                skipped += 1
                print(f"skip {name}: running as root, which reads any file")
                continue
            ran += 1
            try:
                p = subprocess.run([dcplan, "validate", path], capture_output=True, text=True,
                                   errors="replace", timeout=60)
            except subprocess.TimeoutExpired:
                failures.append(f"{name}: no answer within 60 s")
                continue
            err = p.stderr
            problems = []
            if p.returncode != int(code):
                problems.append(f"exit {p.returncode}, want {code}")
            if fragment not in err:
                problems.append(f"message lacks {fragment!r}")
            if not any(n in err for n in (os.path.basename(path), ".inc.yaml", "/dev/zero")):
                problems.append("message does not name the file")
            if "internal error" in err or p.returncode < 0:
                problems.append("crash or internal error")
            if problems:
                failures.append(f"{name}: {'; '.join(problems)}\n  stderr: {err.strip()}")
    print(f"{ran} bad scenarios run, {skipped} skipped, {len(failures)} failed")
    for f in failures:
        print("FAIL", f)
    return 1 if failures or ran < 40 else 0


if __name__ == "__main__":
    sys.exit(main())
