"""Lists the embedded recognizer's mishearings of content words on the tuning renders, as repair candidates.

Each render in out/tuning is transcribed, its words aligned with what was said, and every stretch where a
content word (a word of the compiled vocabulary that is not an everyday word) was heard as something else is
counted with one word of context on each side ("blood glass" for "blood clots"). A person then chooses which
go into the lexicon's repairs: only those with context that no ordinary request would contain, checked
against the coffee orders. tests/audio is never read here.

    .venv/bin/python scripts/learn_repairs.py [--folder out/tuning] [--min 2]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import yaml
from rapidfuzz.distance import Levenshtein

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from voiceguide.answer.text import STOPWORDS, normalize  # noqa: E402
from voiceguide.content.content_model import load_content  # noqa: E402
from voiceguide.speech.asr.models import choose_recognizer  # noqa: E402
from voiceguide.speech.audio_file import load_audio  # noqa: E402


def mishearings(said: list[str], heard: list[str], content_words: set[str]) -> list[tuple[str, str]]:
    """(heard, said) phrases, each widened by one aligned word either side, where a content word was lost."""
    found = []
    for tag, i1, i2, j1, j2 in Levenshtein.opcodes(said, heard):
        if tag == "equal" or not set(said[i1:i2]) & content_words:
            continue
        left = 1 if i1 > 0 and j1 > 0 else 0
        right = 1 if i2 < len(said) and j2 < len(heard) else 0
        found.append((" ".join(heard[j1 - left : j2 + right]), " ".join(said[i1 - left : i2 + right])))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=REPO / "out" / "tuning")
    parser.add_argument("--min", type=int, default=2, help="show mishearings seen at least this often")
    args = parser.parse_args()
    content = load_content()
    recognizer, reason = choose_recognizer(content, models_dir=Path("/nonexistent-models-dir"))
    print(reason)
    content_words = {w for w in content.vocabulary.words if w not in STOPWORDS and len(w) > 2}
    counts: Counter[tuple[str, str]] = Counter()
    for item in yaml.safe_load((args.folder / "labels.yaml").read_text()):
        heard = recognizer.transcribe(load_audio(args.folder / item["file"])).text.split()
        counts.update(mishearings(normalize(item["text"]).split(), heard, content_words))
    for (heard, said), count in counts.most_common():
        if count >= args.min:
            print(f"{count:3d}  {heard!r:40} for {said!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
