#!/usr/bin/env python3
"""Markdown tables from m2v_moves.py's results JSON.

  python3 lab/experiments/model2vec/report.py /tmp/m2v-results-a.json /tmp/m2v-results-bc.json
"""
import json
import sys

LANGS = ["all", "en", "de", "es", "nl", "fr"]
res = {"configs": {}}
for path in sys.argv[1:]:  # several result files: their configs are merged, in order
    part = json.load(open(path))
    res["configs"].update(part["configs"])
    if part.get("sizes"):
        res["sizes"] = part["sizes"]
configs = list(res["configs"])


def pct(v):
    return "–" if v is None else f"{100 * v:.1f}"


def macro_table(tag, field, title):
    print(f"\n{title}\n")
    print("| set | " + " | ".join(LANGS) + " |")
    print("|---|" + "---|" * len(LANGS))
    for c in configs:
        m = res["configs"][c]["macro"]
        print(f"| {c} | " + " | ".join(pct(m[f"{tag}/{l}"][field]) for l in LANGS) + " |")


macro_table("dev", "recall", "Held-back batches, macro recall over outputs (%), thresholds chosen there:")
macro_table("dev", "precision", "Held-back batches, macro precision at those thresholds (%):")
macro_table("heldout", "recall", "2026-12c lines, macro recall (%) at the held-back thresholds:")
macro_table("heldout", "precision", "2026-12c lines, macro precision (%) at the held-back thresholds:")
macro_table("heldout", "r_at_p80_own", "2026-12c lines, macro recall at 80% precision on the set itself (%, upper bound):")

for tag, lang in (("dev", "all"), ("dev", "en"), ("heldout", "all"), ("heldout", "en")):
    print(f"\nPer output, {tag}/{lang}, recall (%) at the held-back thresholds:\n")
    print("| output | " + " | ".join(configs) + " |")
    print("|---|" + "---|" * len(configs))
    for label in res["configs"][configs[0]]["outputs"]:
        cells = []
        for c in configs:
            e = res["configs"][c]["outputs"][label].get(f"{tag}/{lang}")
            cells.append(pct(e["recall"]) if e else "–")
        if any(x != "–" for x in cells):
            print(f"| {label} | " + " | ".join(cells) + " |")

print("\nFires on ordinary dev lines (mean over outputs, %): " + ", ".join(
    f"{c} {100 * sum(e['ordinary_fire'] for e in res['configs'][c]['outputs'].values()) / len(res['configs'][c]['outputs']):.2f}"
    for c in configs))
print("Training + scoring time (s): " + ", ".join(
    f"{c} {res['configs'][c]['seconds']:.0f}" for c in configs))
for k, v in res.get("sizes", {}).items():
    print(f"\nSizes, {k}: " + json.dumps(v))
