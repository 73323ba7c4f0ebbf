"""Generates the recorded-question test corpus in tests/audio/: spoken questions with expected answers.

Why it is built this way:
- What is recorded is data (scripts/test_audio_items.yaml); how it is rendered, reverberated and mixed is
  shared with the tuning-set generator (scripts/audio_render.py), so the two sets differ only where they are
  meant to: wordings, voices, seeds.
- Most questions are taken from tests/questions.yaml or tests/questions_blind.yaml, and their expected topic
  and urgency are copied from there, so the typed router and the spoken corpus are judged by the same answers.
  A few extra phrasings (more ways to say an emergency, spoken commands) carry their own labels in the data
  file, in the same conventions; tests/test_audio_corpus.py checks every label against the typed router.
- Everything is deterministic: voices and rates are assigned by position, noise offsets and rooms come from a
  seed made from the file name (adding a recording does not move the noise of the others), and the speech
  synthesizers render the same text the same way. Running it twice gives the same files.

Run from the repository root:  .venv/bin/python scripts/make_test_audio.py   (flite must be installed)
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

import audio_render as ar  # scripts/ is not a package: the shared rendering sits beside this file

REPO = ar.REPO
DEFAULT_OUT = REPO / "tests" / "audio"
DEFAULT_ITEMS = REPO / "scripts" / "test_audio_items.yaml"
QUESTION_SETS = (REPO / "tests" / "questions.yaml", REPO / "tests" / "questions_blind.yaml")
DEFAULT_NOISE = ar.DEFAULT_NOISE
SEED = 20240611
PROGRAM = "make_test_audio"


@dataclass(frozen=True)
class Item:
    """One recording to make, with its speaker and how it is heard. Labels are None until looked up."""

    text: str
    kind: str  # domain | emergency | see-doctor | command | out-of-scope
    voice: str
    rate: int
    condition: ar.Condition
    topic: Any = None
    urgency: str | None = None
    command: str | None = None


def load_items(path: Path = DEFAULT_ITEMS) -> list[Item]:
    """The data file's items in file order, each with the voice and rate its position in its block gives."""
    blocks = yaml.safe_load(path.read_text(encoding="utf-8"))["blocks"]
    items: list[Item] = []
    for block in blocks:
        voices, rates = block["voices"], block["rates"]
        for i, entry in enumerate(block["items"]):
            noise = entry.get("noise")
            condition = ar.Condition(None if noise is None else float(noise), bool(entry.get("far", False)))
            items.append(Item(
                entry["text"], entry["kind"], voices[i % len(voices)], rates[(i // len(voices)) % len(rates)],
                condition, entry.get("topic"), entry.get("urgency"), entry.get("command"),
            ))
    return items


def labelled(items: list[Item], question_sets: tuple[Path, ...] = QUESTION_SETS) -> list[Item]:
    """Items with topic and urgency filled in from the first question set that has the text; fails if a
    chosen question is gone, or its label there allows several urgencies (a recording needs one)."""
    known: dict[str, dict[str, Any]] = {}
    for path in reversed(question_sets):
        known.update({entry["q"]: entry for entry in yaml.safe_load(path.read_text(encoding="utf-8"))})
    out: list[Item] = []
    for item in items:
        if item.urgency is not None:
            out.append(item)
            continue
        entry = known.get(item.text)
        if entry is None:
            raise SystemExit(
                f"{PROGRAM}: {item.text!r} is in none of {', '.join(str(p) for p in question_sets)}. "
                "Choose another question there, or label it in the data file (topic, urgency, command)."
            )
        if not isinstance(entry["urgency"], str):
            raise SystemExit(f"{PROGRAM}: {item.text!r} allows urgencies {entry['urgency']}; label it in the "
                             "data file with the one it should get.")
        out.append(Item(item.text, item.kind, item.voice, item.rate, item.condition, entry["topic"],
                        entry["urgency"], None))
    return out


def file_name(index: int, item: Item) -> str:
    return f"{index:03d}-{ar.slug(item.text)}{item.condition.suffix()}.wav"


def planned_labels(items: list[Item], with_noise: bool = True) -> list[dict[str, Any]]:
    """The labels a run writes, in file order; without the noise recording, noisy items are made clean."""
    labels = []
    for index, item in enumerate(items, start=1):
        condition = item.condition if with_noise else ar.Condition(None, item.condition.far)
        named = Item(item.text, item.kind, item.voice, item.rate, condition)
        labels.append(ar.label(file_name(index, named), item.text, item.voice, item.rate, condition,
                               item.topic, item.urgency, item.command, item.kind))
    return labels


LABELS_HEADER = (
    "# Labels for the recorded questions in this folder, written by scripts/make_test_audio.py"
    " (do not edit by hand:\n"
    "# change scripts/test_audio_items.yaml and regenerate). One entry per WAV file;"
    " see README.md for the fields.\n"
)


def build(out_dir: Path, items_path: Path, noise_path: Path | None) -> list[dict[str, Any]]:
    items = labelled(load_items(items_path))
    labels = planned_labels(items, with_noise=noise_path is not None)
    noise = ar.load_noise(noise_path) if noise_path is not None else None
    out_dir.mkdir(parents=True, exist_ok=True)
    for item, entry in zip(items, labels, strict=True):
        condition = ar.Condition(entry["noise"], entry["far_field"])
        samples = ar.recording(item.text, item.voice, item.rate, condition, entry["file"], SEED, noise,
                               PROGRAM)
        ar.write_wav(out_dir / entry["file"], samples)
    ar.write_labels(out_dir, labels, LABELS_HEADER)
    return labels


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the WAVs and labels.yaml")
    parser.add_argument("--items", type=Path, default=DEFAULT_ITEMS, help="what to record (YAML)")
    parser.add_argument("--noise", type=Path, default=DEFAULT_NOISE, help="16 kHz kitchen-noise recording")
    parser.add_argument("--no-noise", action="store_true",
                        help="render every recording without noise (for machines without ../shared/corpora); "
                             "the committed corpus is NOT made this way")
    args = parser.parse_args(argv)
    noise_path = None
    if not args.no_noise:
        if not args.noise.is_file():
            print(f"{PROGRAM}: {ar.noise_missing_message(args.noise)}", file=sys.stderr)
            return 2
        noise_path = args.noise
    items = load_items(args.items)
    if ar.needs_flite([item.voice for item in items]) and not ar.flite_available():
        print(f"{PROGRAM}: some voices are flite voices, and flite is not installed: "
              "apt-get install -y flite", file=sys.stderr)
        return 2
    labels = build(args.out, args.items, noise_path)
    total = sum((args.out / label["file"]).stat().st_size for label in labels)
    by_snr: dict[float, int] = {}
    for label in labels:
        if label["noise"] is not None:
            by_snr[label["noise"]] = by_snr.get(label["noise"], 0) + 1
    noisy = ", ".join(f"{count} at {snr:g} dB" for snr, count in sorted(by_snr.items())) or "none"
    far = sum(label["far_field"] for label in labels)
    print(f"wrote {len(labels)} recordings (kitchen noise: {noisy}; far field: {far}), {total / 1e6:.2f} MB, "
          f"to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
