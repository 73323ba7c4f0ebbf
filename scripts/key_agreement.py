"""How far two answer keys for the same questions agree: whether the 95% target is the router's to reach or is
already lost to keyers disagreeing about which sentence answers.

    .venv/bin/python scripts/key_agreement.py scripts/tuning_answers72.yaml \
        scripts/second_keys/tuning_answers72.yaml

For each question it asks whether an answer perfect by one key (that key's first sentence, or its kind's
reply) passes the other key as `tests/answer_scoring.py` judges it, and prints the kinds the keys differ on.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import yaml

# The reply a kind gets passes these kinds' judging too: emergency advice includes seeing a doctor, and an
# honest "the articles don't cover that" carries no clot content.
_PASSES = {
    "emergency": {"emergency"},
    "see-doctor": {"see-doctor", "emergency"},
    "out-of-scope": {"out-of-scope", "not-covered"},
    "not-covered": {"not-covered"},
}


def passes(judged_by: dict, ideal_of: dict) -> bool:
    """Whether the answer `ideal_of`'s key wants first passes `judged_by`'s key."""
    if judged_by["expect"] == "answer":
        return ideal_of["expect"] == "answer" and ideal_of["sentences"][0] in judged_by["sentences"]
    return ideal_of["expect"] in _PASSES[judged_by["expect"]]


def main(first: Path, second: Path) -> int:
    a, b = yaml.safe_load(first.read_text()), yaml.safe_load(second.read_text())
    if [x["q"] for x in a] != [x["q"] for x in b]:
        print("the two keys are not for the same questions in the same order", file=sys.stderr)
        return 2
    pairs = list(zip(a, b, strict=True))
    kinds = Counter((x["expect"], y["expect"]) for x, y in pairs if x["expect"] != y["expect"])
    print(f"{len(a)} questions; the same kind for {len(a) - sum(kinds.values())}")
    print(f"the second key's ideal answer passes the first key: {sum(passes(x, y) for x, y in pairs)}")
    print(f"the first key's ideal answer passes the second key: {sum(passes(y, x) for x, y in pairs)}")
    for (ka, kb), n in sorted(kinds.items()):
        print(f"  {n} keyed {ka} first, {kb} second")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
