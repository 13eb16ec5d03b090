#!/usr/bin/env python3
"""Runs lambda-vpc-lint and its peers (checkov, cfn-lint, cfn-guard) on the same inputs and
prints wall time, CPU time and peak memory with the ratios. See BENCHMARKS.md.

    python3 bench/compare.py                      # everything (long: the peers are slow)
    python3 bench/compare.py --sizes 10,100 --runs 3 --tools lvl,cfn-lint

Inputs: generated sets of 10, 100, 1,000 and 10,000 files (bench/gen.rs, seed 1, 20 % of the
functions with one mistake) under bench/.data/, and ../shared/corpus (or $LVL_CORPUS).
Peers are installed on first use, then cached (gitignored): checkov and cfn-lint from PyPI into
bench/.venv, cfn-guard from crates.io into bench/.tools. Each run is bounded by --timeout; a run
that hits it is reported as ">= timeout", so the ratio is then a lower bound.

Fair comparison: checkov reads Terraform and CloudFormation, so it gets the whole set;
cfn-lint and cfn-guard read only templates, so they get the templates (the set's
cloudformation/ directory, the corpus' template files) and are compared with lambda-vpc-lint
on those same templates.
"""

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
VENV = BENCH / ".venv"
TOOLS = BENCH / ".tools"
DATA = BENCH / ".data"
RESULTS = BENCH / "results"
LVL = REPO / "target" / "release" / "lambda-vpc-lint"
GEN = REPO / "target" / "release" / "examples" / "gen"
GNU_TIME = "/usr/bin/time"

# The simplest meaningful cfn-guard rule: every Lambda function has a VpcConfig. cfn-guard
# resolves nothing (no Ref, no Fn::*), so this is a lower bound on what a real rule costs.
GUARD_RULE = """\
let functions = Resources.*[ Type == 'AWS::Lambda::Function' ]
rule lambda_in_vpc when %functions !empty {
  %functions.Properties.VpcConfig exists
}
"""


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def sh(cmd, **kw):
    log("+", " ".join(str(c) for c in cmd))
    subprocess.run(cmd, check=True, **kw)


def setup(tools):
    if not Path(GNU_TIME).exists():
        sys.exit(f"{GNU_TIME} is missing: apt-get install -y time")
    sh(["cargo", "build", "--release", "--quiet", "--bin", "lambda-vpc-lint", "--example", "gen"],
       cwd=REPO)
    if {"checkov", "cfn-lint"} & set(tools):
        if not (VENV / "bin" / "checkov").exists() or not (VENV / "bin" / "cfn-lint").exists():
            if not (VENV / "bin" / "pip").exists():
                sh([sys.executable, "-m", "venv", str(VENV)])
            sh([str(VENV / "bin" / "pip"), "install", "--quiet", "checkov", "cfn-lint"])
    if "cfn-guard" in tools and not (TOOLS / "bin" / "cfn-guard").exists():
        sh(["cargo", "install", "--locked", "--quiet", "cfn-guard", "--root", str(TOOLS)])
    (BENCH / ".guard").mkdir(exist_ok=True)
    (BENCH / ".guard" / "lambda.guard").write_text(GUARD_RULE)


def version(cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except Exception as e:  # a missing tool is reported, not fatal
        return f"unavailable ({e})"


def generate(files):
    out = DATA / str(files)
    stamp = out / ".complete"
    if not stamp.exists():
        sh([str(GEN), "--out", str(out), "--files", str(files), "--seed", "1", "--mistakes", "0.2"],
           stdout=subprocess.DEVNULL)
        stamp.write_text("")
    return out


def is_template(path):
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return False
    return "AWSTemplateFormatVersion" in text or ("Resources" in text and "AWS::" in text)


def corpus_templates(corpus):
    return sorted(
        p for p in corpus.rglob("*")
        if p.is_file() and p.suffix.lower() in (".yaml", ".yml", ".json", ".template")
        and ".git" not in p.parts and is_template(p)
    )


def tree_stats(paths):
    files, size = 0, 0
    for p in paths:
        items = [p] if p.is_file() else [q for q in p.rglob("*") if q.is_file()]
        for q in items:
            if q.name in ("expected.txt", ".complete"):
                continue
            files += 1
            size += q.stat().st_size
    return files, size


def measure(cmd, timeout):
    """One run: (wall s, cpu s, peak RSS KiB, timed_out). Wall and CPU come from this process
    (monotonic clock, getrusage of the waited children: microseconds, where GNU time rounds to
    10 ms); the peak RSS from GNU time."""
    stats = BENCH / ".time.out"
    full = [GNU_TIME, "-f", "%M", "-o", str(stats), "timeout", str(timeout)] + cmd
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    proc = subprocess.run(full, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    timed_out = proc.returncode == 124
    try:
        rss = int(stats.read_text().strip().splitlines()[-1].split()[0])
    except (OSError, IndexError, ValueError):
        rss = 0
    if proc.returncode >= 64 and not timed_out:
        log(f"  exit {proc.returncode}: {proc.stderr[-500:]}")
    return wall, cpu, rss, timed_out


def tool_cmd(tool, paths):
    str_paths = [str(p) for p in paths]
    if tool.startswith("lvl"):
        jobs = tool.split("-j")[1] if "-j" in tool else "0"
        return [str(LVL), "--color", "never", "--fail-on", "never", "--jobs", jobs,
                "-o", "/dev/null"] + str_paths
    if tool == "checkov":
        cmd = [str(VENV / "bin" / "checkov"), "--quiet", "--compact", "--skip-download",
               "--framework", "terraform", "cloudformation", "-o", "cli"]
        for p in str_paths:
            cmd += ["-d" if Path(p).is_dir() else "-f", p]
        return cmd
    if tool == "cfn-lint":
        # cfn-lint takes files, not directories (a directory is error E0000).
        files = []
        for p in paths:
            files += sorted(str(q) for q in Path(p).rglob("*") if q.is_file()) if p.is_dir() \
                else [str(p)]
        return [str(VENV / "bin" / "cfn-lint"), "--format", "parseable", "--"] + files
    if tool == "cfn-guard":
        cmd = [str(TOOLS / "bin" / "cfn-guard"), "validate", "--show-summary", "none",
               "-r", str(BENCH / ".guard" / "lambda.guard")]
        for p in str_paths:
            cmd += ["-d", p]
        return cmd
    raise ValueError(tool)


def run_tool(tool, paths, runs, timeout):
    load = os.getloadavg()[0]  # the machine is shared: a busy one inflates wall time, not CPU
    rows = [measure(tool_cmd(tool, paths), timeout) for _ in range(runs)]
    return {
        "load1": load,
        "runs": len(rows),
        "wall": statistics.median(r[0] for r in rows),
        "wall_min": min(r[0] for r in rows),
        "cpu": statistics.median(r[1] for r in rows),
        "rss_kib": max(r[2] for r in rows),
        "timed_out": any(r[3] for r in rows),
    }


def fmt_time(r, timeout):
    if r["timed_out"]:
        return f">={timeout}s"
    w = r["wall"]
    return f"{w * 1000:.1f} ms" if w < 10 else f"{w:.1f} s"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", default="10,100,1000,10000")
    ap.add_argument("--runs", type=int, default=5, help="runs of lambda-vpc-lint per input")
    ap.add_argument("--peer-runs", type=int, default=3, help="runs of each peer per input")
    ap.add_argument("--big-peer-runs", type=int, default=1,
                    help="runs of each peer on inputs of 1,000 files or more")
    ap.add_argument("--timeout", type=int, default=600, help="seconds per peer run")
    ap.add_argument("--tools", default="lvl,checkov,cfn-lint,cfn-guard")
    ap.add_argument("--no-corpus", action="store_true")
    ap.add_argument("--table", metavar="JSON", help="only print the table of a results file")
    args = ap.parse_args()
    if args.table:
        raw = json.loads(Path(args.table).read_text())
        print(table(raw["results"], raw["timeout"]))
        return
    tools = args.tools.split(",")
    setup(tools)
    RESULTS.mkdir(exist_ok=True)

    sets = []
    for n in [int(s) for s in args.sizes.split(",") if s]:
        root = generate(n)
        sets.append((f"gen-{n}", [root], [root / "cloudformation"], n))
    corpus = Path(os.environ.get("LVL_CORPUS", REPO.parent / "shared" / "corpus"))
    if not args.no_corpus:
        if corpus.is_dir():
            sets.append(("corpus", [corpus], corpus_templates(corpus), 0))
        else:
            log(f"NOTE: no corpus at {corpus}: skipped")

    versions = {"lambda-vpc-lint": version([str(LVL), "--version"])}
    if "checkov" in tools:
        versions["checkov"] = version([str(VENV / "bin" / "checkov"), "--version"])
    if "cfn-lint" in tools:
        versions["cfn-lint"] = version([str(VENV / "bin" / "cfn-lint"), "--version"])
    if "cfn-guard" in tools:
        versions["cfn-guard"] = version([str(TOOLS / "bin" / "cfn-guard"), "--version"])
    log("versions:", versions)

    results = []
    for name, whole, templates, n in sets:
        files, size = tree_stats(whole)
        tfiles, tsize = tree_stats(templates)
        log(f"== {name}: {files} files, {size} bytes; {tfiles} templates, {tsize} bytes")
        big = files >= 1000
        peer_runs = args.big_peer_runs if big else args.peer_runs
        plan = [("lvl", "all", whole, args.runs), ("lvl-j1", "all", whole, args.runs),
                ("lvl-j2", "all", whole, args.runs), ("lvl", "templates", templates, args.runs)]
        for peer, scope in (("checkov", "all"), ("cfn-lint", "templates"),
                            ("cfn-guard", "templates")):
            if peer in tools:
                plan.append((peer, scope, whole if scope == "all" else templates, peer_runs))
        for tool, scope, paths, runs in plan:
            if tool.startswith("lvl") and "lvl" not in tools:
                continue
            r = run_tool(tool, paths, runs, args.timeout if not tool.startswith("lvl") else 600)
            r.update(set=name, tool=tool, scope=scope,
                     files=files if scope == "all" else tfiles,
                     bytes=size if scope == "all" else tsize)
            results.append(r)
            log(f"  {tool:9} {scope:9} wall {fmt_time(r, args.timeout):>10}  cpu {r['cpu']:.3f} s"
                f"  rss {r['rss_kib'] / 1024:.1f} MiB  ({r['runs']} runs, load {r['load1']:.1f})")

    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = RESULTS / f"compare-{stamp}.json"
    out.write_text(json.dumps({"versions": versions, "timeout": args.timeout,
                               "results": results}, indent=1))
    print(table(results, args.timeout))
    log(f"raw results: {out}")


def table(results, timeout):
    """Markdown table with the ratios to lambda-vpc-lint on the same scope."""
    base = {(r["set"], r["scope"]): r for r in results if r["tool"] == "lvl"}
    lines = ["| input | scope | files | MB | tool | wall (median) | CPU | peak RSS | "
             "wall ratio | CPU ratio |", "|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        b = base.get((r["set"], r["scope"]))
        lower = ">=" if r["timed_out"] else ""
        # `timeout` kills the peer's main process; CPU and memory of its killed workers are
        # not reported to us, so a timed-out run has a wall time (a lower bound) and nothing else.
        cpu = "killed" if r["timed_out"] else f"{r['cpu']:.3f} s"
        rss = "killed" if r["timed_out"] else f"{r['rss_kib'] / 1024:.1f} MiB"
        digits = 2 if r["tool"].startswith("lvl") else 0  # --jobs variants: small ratios
        if b and r["tool"] != "lvl" and b["wall"] > 0:
            wr = f"{lower}{r['wall'] / b['wall']:.{digits}f}x"
            cr = "-" if r["timed_out"] or b["cpu"] <= 0 \
                else f"{r['cpu'] / b['cpu']:.{digits}f}x"
        else:
            wr = cr = "1x" if r["tool"] == "lvl" else "-"
        lines.append(
            f"| {r['set']} | {r['scope']} | {r['files']} | {r['bytes'] / 1e6:.1f} | {r['tool']} | "
            f"{fmt_time(r, timeout)} | {cpu} | {rss} | {wr} | {cr} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
