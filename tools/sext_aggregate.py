#!/usr/bin/env python3
"""Aggregate figures of a sextortion evaluation set, and nothing of its text: for each language
and sensitivity, how many threat chats alert within two contact messages of the first threat
(the threat message or the contact's next one), how many alert later or never, and how many
look-alikes warn or alert. Reads the set's JSONL files for roles and `first_threat_at` only, and
scores them with the CLI.

    python3 tools/sext_aggregate.py [--bin target/fast/safedm] tests/heldout/2026-12b/sext-*.jsonl
"""
import argparse, collections, json, subprocess

p = argparse.ArgumentParser()
p.add_argument('--bin', default='target/fast/safedm')
p.add_argument('files', nargs='+')
args = p.parse_args()

chats = {}
for f in args.files:
    for line in open(f, encoding='utf-8'):
        d = json.loads(line)
        roles = [m['role'] for m in d['messages']]
        chats[d['id']] = (d.get('lang', '?'), d['label'], d.get('first_threat_at'), roles)

print('| sensitivity | lang | threat chats | alert within 2 | alert later | never alert | look-alikes | warned | alerted |')
print('|---|---|---|---|---|---|---|---|---|')
for s in ['relaxed', 'balanced', 'strict']:
    out = subprocess.run([args.bin, 'score', '--sensitivity', s, *args.files], check=True,
                         capture_output=True, text=True).stdout
    rows = collections.defaultdict(lambda: collections.Counter())
    for line in out.splitlines():
        r = json.loads(line)
        lang, label, threat, roles = chats[r['id']]
        for key in (lang, 'all'):
            c = rows[key]
            if label == 'grooming':
                c['threat'] += 1
                at = r['first_alert_at']
                if at is None:
                    c['never'] += 1
                elif at >= threat and sum(1 for x in roles[threat:at + 1] if x != 'child') <= 2:
                    c['within'] += 1
                else:
                    c['later'] += 1
            else:
                c['benign'] += 1
                c['warned'] += r['max_level'] in ('warn', 'alert')
                c['alerted'] += r['max_level'] == 'alert'
    for lang in sorted(rows, key=lambda x: (x == 'all', x)):
        c = rows[lang]
        print(f"| {s} | {lang} | {c['threat']} | {c['within']} | {c['later']} | {c['never']} | {c['benign']} | {c['warned']} | {c['alerted']} |")
