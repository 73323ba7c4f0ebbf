"""Chooses the Whisper engine's bias and beam on the tuning renders, never on tests/audio.

Each configuration hears every render in out/tuning (make it with scripts/make_tuning_audio.py) and the router
answers; the score is the share answered as labelled (topic, urgency, command), next to the same wordings
typed, which is the ceiling a recognizer can reach. Word error rate and real-time factor are printed too.

    .venv/bin/python scripts/tune_whisper.py [--folder out/tuning] [--beams 1,5]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import yaml
from rapidfuzz.distance import Levenshtein

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.conftest import answered_as_labelled  # noqa: E402
from voiceguide.answer.conversation import Conversation  # noqa: E402
from voiceguide.answer.text import normalize  # noqa: E402
from voiceguide.content.content_model import load_content  # noqa: E402
from voiceguide.speech.asr import bias as bias_module  # noqa: E402
from voiceguide.speech.asr.whisper_engine import WhisperRecognizer  # noqa: E402
from voiceguide.speech.audio_file import load_audio  # noqa: E402


def group(item: dict) -> str:
    if item.get("far_field"):
        return "far"
    return "clean" if item["noise"] is None else f"{item['noise']:g}dB"


def biases(content) -> dict[str, bias_module.WhisperBias]:
    pieces = bias_module.tokenizer_pieces(WhisperRecognizer().tokenizer)
    made = {"none": bias_module.WhisperBias("", ())}
    for rare in (2, 3):
        bias_module.RARE_TOKENS = rare
        made[f"hotwords{rare}"] = bias_module.whisper_bias(content, pieces)
    titles = " ".join(doc.title for doc in content.documents.values())
    hot2 = made["hotwords2"]
    made["titles+hotwords2"] = bias_module.WhisperBias(titles, hot2.hotwords, hot2.hotword_runs,
                                                       hot2.hotword_words)
    return made


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=REPO / "out" / "tuning")
    parser.add_argument("--beams", default="1,5")
    parser.add_argument("--only", help="comma-separated bias names")
    parser.add_argument("--fallback", action="store_const", const=True, default=None,
                        help="also try each with temperature fallback (0.2-0.6 when a decode looks wrong)")
    args = parser.parse_args()
    labels = yaml.safe_load((args.folder / "labels.yaml").read_text())
    content = load_content()
    typed = sum(answered_as_labelled(i, Conversation(content).handle(i["text"])) for i in labels)
    print(f"{len(labels)} renders; typed wordings answered right: {typed}/{len(labels)}")
    audio = {i["file"]: load_audio(args.folder / i["file"]) for i in labels}
    seconds = sum(len(a.samples) / a.sample_rate for a in audio.values())
    for name, bias in biases(content).items():
        if args.only and name not in args.only.split(","):
            continue
        for beam, fallback in ((int(b), f) for b in args.beams.split(",") for f in (False, args.fallback)):
            if fallback is None:
                continue
            temperatures = (0.0, 0.2, 0.4, 0.6) if fallback else (0.0,)
            recognizer = WhisperRecognizer(None, bias, beam_size=beam, temperatures=temperatures)
            right: dict[str, list[int]] = {}
            errors = words = 0
            started = time.perf_counter()
            for item in labels:
                heard = recognizer.transcribe(audio[item["file"]]).text
                counts = right.setdefault(group(item), [0, 0])
                counts[0] += answered_as_labelled(item, Conversation(content).handle(heard))
                counts[1] += 1
                want = normalize(item["text"]).split()
                errors += Levenshtein.distance(heard.split(), want)
                words += len(want)
            rtf = (time.perf_counter() - started) / seconds
            total = sum(c[0] for c in right.values())
            groups = ", ".join(f"{g} {c[0]}/{c[1]}" for g, c in sorted(right.items()))
            print(f"{name:18} beam {beam}{' +fallback' if fallback else ''}: "
                  f"right {total}/{len(labels)} ({groups}); WER {errors / words:.3f}; "
                  f"RTF {rtf:.3f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
