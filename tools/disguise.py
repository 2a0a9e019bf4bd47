#!/usr/bin/env python3
"""Disguised-spelling copies of an evaluation set, for the "disguised within 5 points of plain"
check: each contact message is rewritten by one evasion a groomer might use (leetspeak, dotted
letters, spaced letters, Cyrillic look-alike letters, a zero-width space inside words, emoji for
words), chosen by a per-message RNG seeded with the set's seed and the message id. The child's
messages are kept. The text is never read by a person: this only transforms characters.

    python3 tools/disguise.py tests/heldout/2026-12c/long-en.jsonl > tests/heldout/2026-12c/long-en.disguised.jsonl
"""
import json, random, sys

SEED = 'safedm-disguise-2026-12c'
LEET = str.maketrans({'a': '4', 'e': '3', 'i': '1', 'o': '0', 's': '5', 't': '7'})
CYRILLIC = str.maketrans({'a': 'а', 'e': 'е', 'o': 'о', 'p': 'р', 'c': 'с', 'x': 'х', 'y': 'у'})
EMOJI = {'photo': '📸', 'pic': '📸', 'phone': '📱', 'secret': '🤫', 'love': '❤️', 'money': '💰',
         'car': '🚗', 'home': '🏠', 'call': '📞', 'gift': '🎁', 'camera': '📷', 'kiss': '😘'}


def words(text, rng, share, change):
    out = []
    for w in text.split(' '):
        out.append(change(w) if len(w) > 3 and rng.random() < share else w)
    return ' '.join(out)


def emoji(text, rng):
    out = []
    for w in text.split(' '):
        key = next((k for k in EMOJI if w.lower().startswith(k)), None)
        out.append(EMOJI[key] if key else w)
    return ' '.join(out)


METHODS = {
    'leet': lambda t, r: words(t, r, 0.5, lambda w: w.translate(LEET)),
    'dotted': lambda t, r: words(t, r, 0.3, lambda w: '.'.join(w)),
    'spaced': lambda t, r: words(t, r, 0.3, lambda w: ' '.join(w)),
    'cyrillic': lambda t, r: words(t, r, 0.6, lambda w: w.translate(CYRILLIC)),
    'zero-width': lambda t, r: words(t, r, 0.5, lambda w: w[:2] + '\u200b' + w[2:]),
    'emoji': emoji,
}


def disguise(chat):
    used = set()
    for m in chat['messages']:
        if m['role'] != 'contact':
            continue
        rng = random.Random(f"{SEED}/{chat['id']}/{m['id']}")
        name = rng.choice(sorted(METHODS))
        m['text'] = METHODS[name](m['text'], rng)
        used.add(name)
    chat['disguised_from'] = chat['id']
    chat['id'] += '-d'
    chat['source'] += '-disguised'
    chat['disguise_methods'] = sorted(used)
    return chat


for path in sys.argv[1:]:
    for line in open(path, encoding='utf-8'):
        print(json.dumps(disguise(json.loads(line)), ensure_ascii=False))
