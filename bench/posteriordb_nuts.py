#!/usr/bin/env python3
"""Accuracy of pm's NUTS against posteriordb's reference posteriors.

For every translated posterior (examples/posteriordb/<name>/model.pm) with a reference, run
`pm fit --method nuts --json` with the defaults (4 chains, 1000 warmup, 1000 draws) and print,
over the reference's parameters:

  max err   the largest |mean - ref mean| / ref sd        (target: <= 0.1)
  sd ratio  the sd / ref sd farthest from 1              (target: within 10%)
  ok        both targets met for every parameter
  rhat      the largest R-hat; ess the smallest bulk ESS (of the reference's parameters)
  div       divergent transitions after warmup (all chains)
  time      wall time of the whole pm process

The reference is NUTS (10 chains x 10,000 draws); pm's own MCSE on a mean is about
1/sqrt(ESS) sd, so with ESS ~ 1000 a standardized error of 0.1 is about 3 MCSE.
Standard library only (Debian's python3). Skips cleanly when ../shared/posteriordb is absent.
"""
import argparse
import json
import os
import sys

sys.dont_write_bytecode = True
from posteriordb_accuracy import (DEFAULT_PDB, REPO, find_posteriors, first_error_line, read_reference,
                                  run_command)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--pm", default=os.path.join(REPO, "build", "pm"))
    p.add_argument("--posteriordb", default=DEFAULT_PDB)
    p.add_argument("--only", default="")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--timeout", type=float, default=1200)
    p.add_argument("--pm-args", default="")
    p.add_argument("--markdown", action="store_true")
    p.add_argument("--json-out", default="")
    args = p.parse_args()
    if not os.path.isdir(args.posteriordb):
        print(f"posteriordb_nuts: skipped: {args.posteriordb} is absent")
        return 0
    rows = []
    for name, model, pdir in find_posteriors(args.posteriordb, args.only):
        reference = read_reference(os.path.join(pdir, "reference_summary.csv"))
        cmd = [args.pm, "fit", model, "-d", os.path.join(pdir, "data.json"), "--method", "nuts", "--json",
               "--seed", str(args.seed), "--threads", str(args.threads)] + args.pm_args.split()
        done, wall = run_command(cmd, args.timeout)
        row = {"name": name, "time_s": wall}
        if done is None:
            row["error"] = "timed out"
        elif done.returncode != 0:
            row["error"] = first_error_line(done.stderr, done.stdout)
        else:
            fit = json.loads(done.stdout)
            errs, ratios, rhats, esss, missing = [], [], [], [], []
            for param, (ref_mean, ref_sd) in reference.items():
                est = fit["summary"].get(param)
                if est is None or est.get("mean") is None:
                    missing.append(param)
                    continue
                errs.append(abs(est["mean"] - ref_mean) / ref_sd)
                ratios.append(est["sd"] / ref_sd)
                if est.get("rhat") is not None:
                    rhats.append(est["rhat"])
                if est.get("ess_bulk") is not None:
                    esss.append(est["ess_bulk"])
            if not errs:
                row["error"] = "no reference parameter in the output"
            else:
                row.update(max_err=max(errs), sd_ratio=max(ratios, key=lambda r: abs(r - 1)),
                           rhat=max(rhats) if rhats else None, ess=min(esss) if esss else None,
                           div=fit["sampler"]["divergent_total"], missing=missing,
                           warnings=len(fit["warnings"]))
                row["ok"] = row["max_err"] <= 0.1 and abs(row["sd_ratio"] - 1) <= 0.1
        rows.append(row)
        print_row(row, args.markdown, header=len(rows) == 1)
        sys.stdout.flush()
    ok = sum(1 for r in rows if r.get("ok"))
    print(f"\n{ok} of {len(rows)} posteriors within 0.1 sd on every mean and 10% on every sd")
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump(rows, f, indent=1)
    return 0


def print_row(r, markdown, header):
    cols = ["posterior", "max err", "sd ratio", "ok", "rhat", "ess", "div", "time s"]
    if header:
        if markdown:
            print("| " + " | ".join(cols) + " |")
            print("|" + "---|" * len(cols))
        else:
            print(f"{cols[0]:<46}" + "".join(f"{c:>10}" for c in cols[1:]))
    if "error" in r:
        cells = [r["name"], "error: " + r["error"][:70], "", "", "", "", "", f"{r['time_s']:.1f}"]
    else:
        cells = [r["name"], f"{r['max_err']:.3f}", f"{r['sd_ratio']:.3f}", "yes" if r["ok"] else "NO",
                 f"{r['rhat']:.3f}" if r["rhat"] else "—", f"{r['ess']:.0f}" if r["ess"] else "—", str(r["div"]),
                 f"{r['time_s']:.1f}"]
    if markdown:
        print("| " + " | ".join(cells) + " |")
    else:
        print(f"{cells[0]:<46}" + "".join(f"{c:>10}" for c in cells[1:]))


if __name__ == "__main__":
    sys.exit(main())
