#!/usr/bin/env python3
"""Corrupted copies of the test digits, for the anomaly-detection example (README.md).

Each of the 297 test digits of ../vae/digits_test.json gets one corruption, chosen in turn:
  salt    20% of its pixels (13 of 64) set to 1 or 0 at random (salt-and-pepper noise)
  block   a 3x3 block at a random place set to 1 (an ink blot)
  shuffle its rows in a random order (strokes in the wrong places, the grey levels kept)
Seeded (random.Random(2026)), so the file is the same on every run; plain python3.
usage: python3 make_corrupted.py  (writes corrupted.json beside it)
"""
import json
import os
import random

here = os.path.dirname(os.path.abspath(__file__))
test = json.load(open(os.path.join(here, "..", "vae", "digits_test.json")))
rng = random.Random(2026)
corrupted = []
for n, row in enumerate(test["x"]):
    image = [list(row[r * 8:(r + 1) * 8]) for r in range(8)]
    kind = ("salt", "block", "shuffle")[n % 3]
    if kind == "salt":
        for index in rng.sample(range(64), 13):
            image[index // 8][index % 8] = float(rng.random() < 0.5)
    elif kind == "block":
        top, left = rng.randrange(6), rng.randrange(6)
        for r in range(top, top + 3):
            for c in range(left, left + 3):
                image[r][c] = 1.0
    else:
        rng.shuffle(image)
    corrupted.append([v for r in image for v in r])
with open(os.path.join(here, "corrupted.json"), "w") as out:
    json.dump({"N": len(corrupted), "D": 64, "x": corrupted}, out, separators=(",", ":"))
    out.write("\n")
