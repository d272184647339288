#!/usr/bin/env python3
"""Writes the three data sets of the transfer experiment from the 8x8 digits.

    pretrain.json  every training digit 0-4 (the source task)
    finetune.json  10% of the training digits 5-9, drawn per digit with a fixed seed
                   (the target task, with little data)
    test59.json    every test digit 5-9 (the target task's held-out set)

Input: ../vae/digits_train.json and ../vae/digits_test.json (the UCI optical digits,
pixels scaled to [0, 1], first 1500 rows for training; copies of ../shared/data), so the
outputs can be regenerated on a fresh clone. Plain python3, no numpy. Each output keeps
`label` beside N, D and x (pm notes it is not a variable of the model and ignores it;
eval_ae.py reads it for the per-digit table).

Usage: python3 make_data.py [--seed 2026] [--fraction 0.1]
"""
import argparse
import json
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(HERE, "..", "vae")


def load(name):
    with open(os.path.join(SOURCE, name)) as f:
        return json.load(f)


def subset(data, rows):
    """The rows of `data` (a dict with x and label) as a data file of its own."""
    return {"N": len(rows), "D": data["D"],
            "x": [data["x"][r] for r in rows],
            "label": [data["label"][r] for r in rows]}


def stratified_fraction(labels, digits, fraction, rng):
    """Row indices: round(fraction * count) rows of each digit, drawn without replacement,
    in their original order. Stratifying keeps every target digit present even at 10%."""
    chosen = []
    for digit in digits:
        rows = [r for r, label in enumerate(labels) if label == digit]
        chosen += rng.sample(rows, max(1, round(fraction * len(rows))))
    return sorted(chosen)


def write(name, data):
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(data, f, separators=(",", ":"))
        f.write("\n")
    print(f"{name}: N = {data['N']}, digits {sorted(set(data['label']))}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--fraction", type=float, default=0.1)
    args = parser.parse_args()
    train, test = load("digits_train.json"), load("digits_test.json")
    source_digits, target_digits = range(0, 5), range(5, 10)
    rng = random.Random(args.seed)

    write("pretrain.json", subset(train, [r for r, label in enumerate(train["label"])
                                          if label in source_digits]))
    write("finetune.json", subset(train, stratified_fraction(train["label"], target_digits,
                                                             args.fraction, rng)))
    write("test59.json", subset(test, [r for r, label in enumerate(test["label"])
                                       if label in target_digits]))


if __name__ == "__main__":
    main()
