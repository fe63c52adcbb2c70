#!/usr/bin/env python3
"""Turns the open dataset's corpus counts into frequency ranks.

`build_dataset.py` (shared/data) writes `frequency` as the estimated occurrences per
billion tokens (при = 1,736,637). The rootski frontend shows the field as
"Frequency Ranking" and the original's data held a rank, so the shipped
`data/words.jsonl.zst` carries the rank: 1 = most frequent, ties broken by
`word_id` (which build_dataset.py already assigns by descending count, ties
alphabetical — so the rank equals the word id). Words without a count keep null.

Usage: rank_frequencies.py SOURCE_WORDS_JSONL OUT_WORDS_JSONL_ZST
(needs the `zstd` command; `-19` output is deterministic for a given zstd version).
"""
import json
import subprocess
import sys


def main(source: str, target: str) -> None:
    with open(source, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    counted = [r for r in rows if r.get("frequency") is not None]
    counted.sort(key=lambda r: (-r["frequency"], r["word_id"]))
    rank = {r["word_id"]: i + 1 for i, r in enumerate(counted)}
    lines = []
    for r in rows:
        if r.get("frequency") is not None:
            r["frequency"] = rank[r["word_id"]]
        lines.append(json.dumps(r, ensure_ascii=False, separators=(", ", ": ")))
    text = ("\n".join(lines) + "\n").encode("utf-8")
    with open(target, "wb") as out:
        subprocess.run(["zstd", "-19", "-q", "-c"], input=text, stdout=out, check=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
