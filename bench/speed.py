#!/usr/bin/env python3
"""The speed part of `make bench` alone (no Python packages, a few minutes): messages per second
of SafeDM native and WASM in Node on bench's speed sample, and their start-up.

    python3 bench/speed.py [--root DIR]... [--data ../shared/data]

Each --root is a checkout with `target/release/safedm`, `target/release/examples/bench` and
`pkg/` built (`make build wasm` and `cargo build --release -p safedm-lab --example bench`);
several roots (say, before and after a change) are measured in one run, one after the other, on
the same speed sample. The sample is made as compare.py makes it: the trainer's dev split
(`safedm export-split`), every second chat's first 20 messages, without the offender segments.
Native: the median of 5 runs of 10 passes in one process after an untimed pass. WASM: the median
of 5 runs of 5 passes (bench/wasm-score.mjs). Start-up: the median of 5 processes that build the
engine and exit (native `safedm score` on an empty file; Node instantiating pkg/ and building the
engine, Node's own start included).
"""

import argparse
import gzip
import json
import os
import statistics
import subprocess
import time

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def startup(argv, cwd, runs=5):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def sample(root, data, out):
    split = os.path.join(out, "split")
    speed = os.path.join(out, "speed.jsonl")
    if os.path.exists(speed):
        return speed
    subprocess.run(
        [os.path.join(root, "target", "release", "safedm"), "export-split", "--data", data,
         "--out", split, "--dev-extra", os.path.join(root, "tests", "conversations", "modern_dev.jsonl")],
        cwd=root, check=True, stdout=subprocess.DEVNULL,
    )
    with open(os.path.join(split, "dev.jsonl"), encoding="utf-8") as f:
        dev = [json.loads(line) for line in f if line.strip()]
    chats = [c for c in dev if c.get("source") != "pj-segments"]
    with open(speed, "w", encoding="utf-8") as f:
        for i, c in enumerate(chats):
            if i % 2 == 0:
                f.write(json.dumps(dict(c, messages=c["messages"][:20])) + "\n")
    return speed


def measure(root, speed, out):
    native = subprocess.run(
        [os.path.join(root, "target", "release", "examples", "bench"), "5", *[speed] * 10],
        cwd=root, check=True, capture_output=True, text=True,
    )
    native = json.loads(native.stdout)
    wasm_speed = os.path.join(out, "wasm-speed.json")
    subprocess.run(
        ["node", os.path.join(root, "bench", "wasm-score.mjs"), speed, speed,
         os.path.join(out, "wasm-records.jsonl"), wasm_speed],
        cwd=root, check=True,
    )
    with open(wasm_speed) as f:
        wasm = json.load(f)
    empty = os.path.join(out, "empty.jsonl")
    open(empty, "w").close()
    with open(os.path.join(root, "pkg", "safedm_bg.wasm"), "rb") as f:
        wasm_bytes = f.read()
    return {
        "root": root,
        "native_messages_per_second": native["messages"] / statistics.median(native["seconds"]),
        "wasm_messages_per_second": wasm["messages"] / statistics.median(wasm["seconds"]),
        "native_startup_ms": 1000 * startup([os.path.join(root, "target", "release", "safedm"), "score", empty], root),
        "wasm_startup_ms": 1000 * startup(["node", os.path.join(root, "bench", "wasm-score.mjs"), "--startup"], root),
        "node_startup_ms": 1000 * startup(["node", "-e", "0"], root),
        "wasm_bytes": len(wasm_bytes),
        "wasm_gzipped": len(gzip.compress(wasm_bytes, 9)),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", action="append", help="a built checkout (default: this one)")
    parser.add_argument("--data", default=os.path.join(os.path.dirname(HERE), "shared", "data"))
    parser.add_argument("--out", default=os.path.join(HERE, "bench", "out", "speed"))
    args = parser.parse_args()
    roots = [os.path.abspath(r) for r in (args.root or [HERE])]
    os.makedirs(args.out, exist_ok=True)
    speed = sample(roots[0], os.path.abspath(args.data), args.out)
    with open(speed) as f:
        print(f"speed sample: {sum(len(json.loads(l)['messages']) for l in f)} messages ({speed})")
    for root in roots:
        print(json.dumps(measure(root, speed, args.out)), flush=True)


if __name__ == "__main__":
    main()
