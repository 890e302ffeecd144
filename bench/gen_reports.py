#!/usr/bin/env python3
"""gen_reports.py SEED.json OUTDIR N [--long K]

Writes N reports derived from SEED into OUTDIR (report-0000.json ...), each different in the
ways that matter to the engine: another issuing body (town name from common characters), an
extra paragraph of characters drawn from a pool of about 1,000 common hanzi (so each report's
glyph set differs), and different procurement figures.  Table figures that the checker ties
together are left alone, so every report passes `nianbao check`.  The pseudo-random choices
are seeded by the report number: the same command writes the same files.

With --long K, writes one report (OUTDIR/long.json) whose paragraphs are repeated K times,
and OUTDIR/short.json, the seed itself, for the linearity figure.
"""
import copy
import json
import os
import random
import sys

# GB 2312 level-1 hanzi are rows 0xB0..0xD7; decode a slice of them for the pool.
POOL = []
for hi in range(0xB0, 0xD8):
    for lo in range(0xA1, 0xFF):
        try:
            POOL.append(bytes([hi, lo]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
POOL = POOL[:3755]
PUNCT = "，。、；"


def sentence(rng, n):
    out = []
    for i in range(n):
        out.append(rng.choice(POOL))
        if i % 11 == 10:
            out.append(rng.choice(PUNCT[:3]))
    return "".join(out).rstrip("，、") + "。"


def variant(seed, k):
    rng = random.Random(k)
    d = copy.deepcopy(seed)
    old_town = "宝峰镇"
    town = rng.choice(POOL) + rng.choice(POOL) + rng.choice(["镇", "乡", "街道"])

    def swap(s):
        return s.replace(old_town, town) if isinstance(s, str) else s

    d["body"] = swap(d["body"])
    d["title"] = swap(d["title"])
    d["opening"] = [swap(p) for p in d["opening"]]
    for key, paras in d["sections"].items():
        d["sections"][key] = [swap(p) if isinstance(p, str) else p for p in paras]
    d["signature"]["office"] = swap(d["signature"]["office"])
    d["sections"]["overview"].append(sentence(rng, rng.randint(60, 140)))
    d["sections"]["problems"].append(sentence(rng, rng.randint(30, 80)))
    proc = d["active"]["procurement"]
    proc["projects"] = rng.randint(0, 60)
    proc["amount"]["value"] = rng.randint(0, 900000)
    return d


def longer(seed, k):
    d = copy.deepcopy(seed)
    d["opening"] = d["opening"] * k
    for key, paras in d["sections"].items():
        d["sections"][key] = paras * k
    return d


def main():
    args = sys.argv[1:]
    if len(args) < 3:
        sys.exit(__doc__)
    seed_path, outdir, n = args[0], args[1], int(args[2])
    with open(seed_path, encoding="utf-8") as f:
        seed = json.load(f)
    os.makedirs(outdir, exist_ok=True)
    if "--long" in args:
        k = int(args[args.index("--long") + 1])
        for name, doc in (("short.json", seed), ("long.json", longer(seed, k))):
            with open(os.path.join(outdir, name), "w", encoding="utf-8") as f:
                json.dump(doc, f, ensure_ascii=False, indent=1)
        return
    for i in range(n):
        with open(os.path.join(outdir, "report-%04d.json" % i), "w", encoding="utf-8") as f:
            json.dump(variant(seed, i), f, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
