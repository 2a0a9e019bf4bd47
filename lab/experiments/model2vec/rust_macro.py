#!/usr/bin/env python3
"""Macro recall (and precision) over outputs, per language, from the table that
`safedm train-moves` (held-back batches) or `safedm eval-moves` prints.

  python3 lab/experiments/model2vec/rust_macro.py /tmp/m2v-baseline.txt /tmp/m2v-eval12c.txt
"""
import sys
from collections import defaultdict

LANGS = ["all", "en", "de", "es", "nl", "fr"]

for path in sys.argv[1:]:
    rows = defaultdict(dict)
    in_table = False
    for line in open(path, encoding="utf-8"):
        cols = line.split()
        if cols[:2] == ["output", "lang"]:
            in_table = True
            continue
        if not in_table or len(cols) != 5 or not cols[3].endswith("%"):
            if in_table and cols and cols[0] == "ordinary":
                break
            continue
        label, lang, pos, p, r = cols
        rows[lang][label] = (int(pos), float(p[:-1]), float(r[:-1]))
    print(path)
    print(f"{'lang':<5} {'outputs':>7} {'macro P':>8} {'macro R':>8}")
    for lang in LANGS:
        v = rows.get(lang)
        if not v:
            continue
        mp = sum(x[1] for x in v.values()) / len(v)
        mr = sum(x[2] for x in v.values()) / len(v)
        print(f"{lang:<5} {len(v):>7} {mp:>7.1f}% {mr:>7.1f}%")
