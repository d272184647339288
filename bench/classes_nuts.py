#!/usr/bin/env python3
"""NUTS on the model classes where VI failed for a new user (issue 13), against references
computed outside pm (issue 14).

bench/classes/ holds each model as NAME.pm and NAME.stan with seeded data NAME.json
(make_data.R) and a reference ref/NAME.csv (parameter,mean,sd: rstan's NUTS, 4 chains x
10,000 draws, by make_refs.R). For each model this runs
  pm fit NAME.pm -d NAME.json --method nuts --json --seed S
with pm's defaults (4 chains, 1000 warmup + 1000 draws) and prints, over the reference's
parameters:

  max err   the largest |mean - ref mean| / ref sd        (target: <= 0.1)
  sd ratio  the sd / ref sd farthest from 1              (target: within 10%)
  ok        both targets met for every parameter
  rhat      the largest R-hat and ess the smallest bulk ESS over EVERY quantity pm reports
            (all latents, not only the reference's subset)
  div       divergent transitions after warmup (all chains)
  time      wall time of the whole pm process
  (split)   the chains sit in different modes: some quantity's chain means lie more than 2
            within-chain sds apart (read from the per-chain CSVs of -o, in a temporary directory)
  vi        with --vi: `pm fit --method vi` (meanfield, seed S): its max err, k-hat and what
            pm said of its stop ("converged", ...), for contrast

The multimodal cases (bimodal: the mixture without its ordering; factor_l1: the factor model
with only its first loading positive) have no reference: their check is that pm's R-hat
exceeds 1.01 and pm warns that the chains disagree ("flagged") whenever the chains split.
--seeds N repeats everything for seeds S..S+N-1 and tallies splits, flags and targets.
Standard library only (Debian's python3).
"""
import argparse
import csv
import json
import os
import statistics
import sys
import tempfile

sys.dont_write_bytecode = True
from posteriordb_accuracy import REPO, first_error_line, run_command

CLASSES = os.path.join(REPO, "bench", "classes")
# (model, data, reference?) in the order of issue 13's list
MODELS = [
    ("rats", "rats", True),
    ("mixreg", "mixreg", True),
    ("irt2pl", "irt2pl", True),
    ("factor", "factor", True),
    ("sv_nc", "sv_nc", True),
    ("bimodal", "mixreg", False),
    ("factor_l1", "factor", False),
]


def read_reference(path):
    with open(path, newline="") as f:
        return {row["parameter"]: (float(row["mean"]), float(row["sd"])) for row in csv.DictReader(f)}


def run_fit(args, model, data, method, seed, output=None):
    cmd = [args.pm, "fit", os.path.join(CLASSES, model + ".pm"), "-d", os.path.join(CLASSES, data + ".json"),
           "--method", method, "--json", "--seed", str(seed)]
    if method == "nuts":
        cmd += ["--threads", str(args.threads)]
    if output:
        cmd += ["-o", output]
    cmd += args.pm_args.split()
    done, wall = run_command(["nice"] + cmd if args.nice else cmd, args.timeout)
    if done is None:
        return {"error": f"timed out ({args.timeout:g} s)"}, wall
    if done.returncode != 0:
        return {"error": first_error_line(done.stderr, done.stdout)}, wall
    try:
        return json.loads(done.stdout), wall
    except json.JSONDecodeError:
        return {"error": "unreadable --json output"}, wall


def errors_against(summary, reference):
    """(max standardized mean error, sd ratio farthest from 1, missing names)."""
    errs, ratios, missing = [], [], []
    for param, (ref_mean, ref_sd) in reference.items():
        est = summary.get(param)
        if est is None or est.get("mean") is None:
            missing.append(param)
            continue
        errs.append(abs(est["mean"] - ref_mean) / ref_sd)
        if est.get("sd") is not None:
            ratios.append(est["sd"] / ref_sd)
    if not errs:
        return None, None, missing
    return max(errs), (max(ratios, key=lambda r: abs(r - 1)) if ratios else None), missing


def chain_spread(prefix, chains):
    """The largest (max - min of the chains' means) / (mean of the chains' sds) over every
    quantity of the per-chain CSVs PREFIX_1.csv ...: above ~2, some chains sit in another mode
    (slow mixing within one mode leaves a few tenths: each chain mean's MCSE is ~1/sqrt(ESS))."""
    means, sds = {}, {}
    for c in range(1, chains + 1):
        with open(f"{prefix}_{c}.csv", newline="") as f:
            rows = list(csv.reader(line for line in f if not line.startswith("#")))
        header, body = rows[0], rows[1:]
        for k, name in enumerate(header):
            if name.endswith("__"):
                continue
            values = [float(r[k]) for r in body]
            means.setdefault(name, []).append(statistics.fmean(values))
            sds.setdefault(name, []).append(statistics.stdev(values))
    spread, worst = 0.0, ""
    for name, m in means.items():
        sd = statistics.fmean(sds[name])
        if sd > 0 and (max(m) - min(m)) / sd > spread:
            spread, worst = (max(m) - min(m)) / sd, name
    return spread, worst


def evaluate(args, model, data, has_ref, seed):
    row = {"name": model, "seed": seed}
    with tempfile.TemporaryDirectory() as tmp:
        fit, row["time_s"] = run_fit(args, model, data, "nuts", seed, os.path.join(tmp, "fit.csv"))
        if "error" in fit:
            row["error"] = fit["error"]
            return row
        row["spread"], row["spread_worst"] = chain_spread(os.path.join(tmp, "fit"), fit["chains"])
    row["split"] = row["spread"] > 2
    rhats = [q["rhat"] for q in fit["summary"].values() if q.get("rhat") is not None]
    esss = [q["ess_bulk"] for q in fit["summary"].values() if q.get("ess_bulk") is not None]
    row.update(rhat=max(rhats) if rhats else None, ess=min(esss) if esss else None,
               div=fit["sampler"]["divergent_total"], warnings=fit.get("warnings", []))
    if has_ref:
        reference = read_reference(os.path.join(CLASSES, "ref", model + ".csv"))
        row["max_err"], row["sd_ratio"], row["missing"] = errors_against(fit["summary"], reference)
        if row["max_err"] is None:
            row["error"] = "no reference parameter in pm's output"
            return row
        row["ok"] = (row["max_err"] <= 0.1 and row["sd_ratio"] is not None and abs(row["sd_ratio"] - 1) <= 0.1
                     and not row["missing"])
        if args.vi:
            vi, row["vi_time_s"] = run_fit(args, model, data, "vi", seed)
            if "error" in vi:
                row["vi_err"] = "failed: " + vi["error"][:40]
            else:
                row["vi_err"] = errors_against(vi["summary"], reference)[0]
                row["vi_khat"] = vi.get("khat")
                row["vi_stop"] = vi.get("stop", "")
    else:
        warned = any("R-hat" in w for w in row["warnings"])
        row["flagged"] = row["rhat"] is not None and row["rhat"] > 1.01 and warned
        # the check: R-hat flags the run exactly when its chains sit in different modes
        row["check"] = row["flagged"] or not row["split"]
    return row


def fmt(x, spec):
    if x is None:
        return "—"
    return x if isinstance(x, str) else format(x, spec)


def cells_of(r, with_vi):
    if "error" in r:
        c = [r["name"], "error: " + r["error"][:70]] + [""] * 5 + [f"{r['time_s']:.1f}"]
    elif "flagged" in r:
        verdict = ("split, flagged" if r["flagged"] else "split, NOT FLAGGED") if r["split"] else \
                  ("one mode, flagged" if r["flagged"] else "one mode")
        c = [r["name"], "(multimodal)", "", verdict,
             fmt(r["rhat"], ".3f"), fmt(r["ess"], ".0f"), str(r["div"]), f"{r['time_s']:.1f}"]
    else:
        c = [r["name"], fmt(r["max_err"], ".3f"), fmt(r["sd_ratio"], ".3f"),
             ("yes" if r["ok"] else "NO") + (" (split)" if r["split"] else ""),
             fmt(r["rhat"], ".3f"), fmt(r["ess"], ".0f"), str(r["div"]), f"{r['time_s']:.1f}"]
    if with_vi:
        vi = "flagged" not in r and "error" not in r
        c += [fmt(r.get("vi_err"), ".3g") if vi else "", fmt(r.get("vi_khat"), ".2f") if vi else "",
              r.get("vi_stop", "") if vi else ""]
    return c


def print_row(r, args, header):
    cols = ["model", "max err", "sd ratio", "ok", "max R-hat", "min ESS", "div", "time s"]
    if args.vi:
        cols += ["vi max err", "vi k-hat", "vi stop"]
    if header:
        if args.markdown:
            print("| " + " | ".join(cols) + " |")
            print("|" + "---|" * len(cols))
        else:
            print(f"{cols[0]:<12}" + "".join(f"{c:>14}" for c in cols[1:]))
    c = cells_of(r, args.vi)
    if args.markdown:
        print("| " + " | ".join(c) + " |")
    else:
        print(f"{c[0]:<12}" + "".join(f"{x:>14}" for x in c[1:]))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--pm", default=os.path.join(REPO, "build", "pm"))
    p.add_argument("--only", default="", help="comma-separated model names")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--seeds", type=int, default=1, help="run seeds S..S+N-1, a table each, then a tally")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--timeout", type=float, default=1200, help="seconds per pm run")
    p.add_argument("--pm-args", default="", help="extra arguments for pm fit (one string)")
    p.add_argument("--vi", action="store_true", help="also fit meanfield VI and print its max err")
    p.add_argument("--nice", action="store_true", help="run pm under nice (a shared machine)")
    p.add_argument("--markdown", action="store_true")
    p.add_argument("--json-out", default="")
    args = p.parse_args()
    wanted = [w for w in args.only.split(",") if w]
    everything = []
    for seed in range(args.seed, args.seed + args.seeds):
        if args.seeds > 1:
            print(f"\nseed {seed}")
        rows = []
        for model, data, has_ref in MODELS:
            if wanted and model not in wanted:
                continue
            rows.append(evaluate(args, model, data, has_ref, seed))
            print_row(rows[-1], args, header=len(rows) == 1)
            sys.stdout.flush()
        ref_rows = [r for r in rows if "flagged" not in r]
        multi = [r for r in rows if "flagged" in r]
        print(f"\n{sum(1 for r in ref_rows if r.get('ok'))} of {len(ref_rows)} models within 0.1 sd on every mean "
              f"and 10% on every sd; multimodal cases: {sum(1 for r in multi if r['split'])} of {len(multi)} with "
              f"chains in different modes, {sum(1 for r in multi if r['split'] and r['flagged'])} of them flagged "
              "by R-hat")
        for r in rows:
            for w in r.get("warnings", []):
                print(f"  {r['name']}: {w}")
        everything += rows
    if args.seeds > 1:
        print(f"\nover seeds {args.seed}..{args.seed + args.seeds - 1}:")
        for model, _, has_ref in MODELS:
            rs = [r for r in everything if r["name"] == model and "error" not in r]
            if not rs:
                continue
            split = [r for r in rs if r["split"]]
            line = f"  {model:<10} chains in different modes on {len(split)}/{len(rs)} seeds, " \
                   f"R-hat > 1.01 on {sum(1 for r in split if r['rhat'] > 1.01)} of those"
            if has_ref:
                line += f"; within the targets on {sum(1 for r in rs if r.get('ok'))}/{len(rs)}"
            print(line)
    rows = everything
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump(rows, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
