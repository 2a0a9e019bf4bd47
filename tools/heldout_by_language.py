#!/usr/bin/env python3
"""Aggregate figures of held-out longer chats per language and set (plain or disguised), for one
or more builds, and nothing of their text: grooming warned and alerted, hard-benign warned and
alerted, counted from `safedm score`'s levels and the files' `label`, `lang` and `source`.

    python3 tools/heldout_by_language.py --bin before=OLD_BIN --bin now=target/release/safedm \\
        balanced tests/heldout/2026-12d/long-*.jsonl
"""
import argparse, collections, json, subprocess

p = argparse.ArgumentParser()
p.add_argument('--bin', action='append', required=True, help='NAME=PATH of a safedm binary')
p.add_argument('sensitivity')
p.add_argument('files', nargs='+')
args = p.parse_args()
bins = dict(b.split('=', 1) for b in args.bin)

meta = {}
for f in args.files:
    for line in open(f, encoding='utf-8'):
        d = json.loads(line)
        meta[(d['source'], d['id'])] = (d['label'], d.get('lang', '?'))

rows = collections.defaultdict(collections.Counter)
for name, binary in bins.items():
    for f in args.files:
        with open(f, encoding='utf-8') as fh:
            source = json.loads(fh.readline())['source']
        out = subprocess.run([binary, 'score', '--sensitivity', args.sensitivity, f], check=True,
                             capture_output=True, text=True).stdout
        for line in out.splitlines():
            d = json.loads(line)
            label, lang = meta[(source, d['id'])]
            key = (lang, 'disguised' if 'disguised' in source else 'plain', name)
            rows[key][label] += 1
            rows[key][label + '_warned'] += d['max_level'] in ('warn', 'alert')
            rows[key][label + '_alerted'] += d['max_level'] == 'alert'

print('| sensitivity | lang | set | version | grooming warned | grooming alerted | hard-benign warned | hard-benign alerted |')
print('|---|---|---|---|---|---|---|---|')
order = list(bins)
for key in sorted(rows, key=lambda k: (k[1] != 'plain', k[0], order.index(k[2]))):
    c = rows[key]
    g, b = c['grooming'], c['benign']
    print(f"| {args.sensitivity} | {key[0]} | {key[1]} | {key[2]} | {c['grooming_warned']}/{g} | "
          f"{c['grooming_alerted']}/{g} | {c['benign_warned']}/{b} | {c['benign_alerted']}/{b} |")
