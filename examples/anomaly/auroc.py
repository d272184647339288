#!/usr/bin/env python3
"""AUROC of per-datum log-likelihoods as an anomaly detector (README.md).

usage: python3 auroc.py CLEAN.csv CORRUPTED.csv   (files of `pm score -o`: datum,log_p,se,ess)
A datum is flagged as anomalous when its log p(x) is low. The AUROC is the probability that
a clean datum scores higher than a corrupted one (Mann-Whitney U / (n_clean * n_corrupted),
ties counted 1/2): 1 is a perfect detector, 0.5 is chance. Also prints it per corruption
kind (make_corrupted.py cycles salt, block, shuffle) and the mean scores.
"""
import csv
import sys


def scores(path):
    return [float(row["log_p"]) for row in csv.DictReader(open(path))]


def auroc(clean, corrupted):
    wins = 0.0
    for a in clean:
        for b in corrupted:
            wins += 1.0 if a > b else 0.5 if a == b else 0.0
    return wins / (len(clean) * len(corrupted))


clean, corrupted = scores(sys.argv[1]), scores(sys.argv[2])
print(f"mean log p(x): clean {sum(clean) / len(clean):.3f}, corrupted {sum(corrupted) / len(corrupted):.3f}")
for k, kind in enumerate(("salt", "block", "shuffle")):
    print(f"AUROC {kind:8s} {auroc(clean, corrupted[k::3]):.4f}")
print(f"AUROC {auroc(clean, corrupted):.4f}")
