"""Renders the tuning set into out/tuning/: spoken questions, labelled, for tuning the recognizer and router.

Why a separate set: recognizer prompts, thresholds and the router's repairs are chosen by looking at what goes
wrong, and whatever they are chosen on stops being a fair test. So they are tuned here, and tests/audio stays
the yardstick. Everything that could leak is kept apart: the wordings (scripts/tuning_questions.yaml; this
script refuses to run when one equals, after normalisation, or nearly equals a sentence of
tests/questions.yaml, tests/questions_blind.yaml or tests/audio/labels.yaml), the voices and rates (none of
tests/audio's), and the seed (other noise offsets, other rooms). The rendering, rooms and mixing are the test
corpus's own (scripts/audio_render.py), so what is tuned here carries over. SNRs are 5, 10 and 15 dB, some far
field.

The output is not committed (out/ is ignored): it is remade in seconds, and nothing should come to depend on
its files. labels.yaml has the same fields as tests/audio/labels.yaml.

Run from the repository root:  .venv/bin/python scripts/make_tuning_audio.py [--out out/tuning]
(needs ../shared/corpora/kitchen-noise-16k.wav and flite, as scripts/make_test_audio.py does)
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

import audio_render as ar  # scripts/ is not a package: the shared rendering sits beside this file

REPO = ar.REPO
DEFAULT_OUT = REPO / "out" / "tuning"
DEFAULT_QUESTIONS = REPO / "scripts" / "tuning_questions.yaml"
TEST_SENTENCES = (REPO / "tests" / "questions.yaml", REPO / "tests" / "questions_blind.yaml",
                  REPO / "tests" / "audio" / "labels.yaml")
TEST_LABELS = REPO / "tests" / "audio" / "labels.yaml"
PROGRAM = "make_tuning_audio"
NEAR = 90  # rapidfuzz ratio from which a wording counts as a test sentence reworded too little

LABELS_HEADER = (
    "# Labels for the tuning renders in this folder, written by scripts/make_tuning_audio.py from\n"
    "# scripts/tuning_questions.yaml (same fields as tests/audio/labels.yaml). For tuning only; tests never"
    " read this.\n"
)


def load(path: Path = DEFAULT_QUESTIONS) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def comparable(text: str) -> str:
    """What two wordings must differ in: words, ignoring case, punctuation and apostrophes
    ("can't" = "cant")."""
    from voiceguide.answer.text import normalize

    return normalize(text).replace("'", "")


def sentences_of_tests(paths: tuple[Path, ...] = TEST_SENTENCES) -> set[str]:
    sentences: set[str] = set()
    for path in paths:
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            sentences.add(comparable(entry.get("q", entry.get("text", ""))))
    return sentences


def collisions(data: dict[str, Any], paths: tuple[Path, ...] = TEST_SENTENCES) -> list[str]:
    """Tuning wordings that are test sentences after normalisation, or nearly (a word or two changed on a long
    sentence): must be none. The closest now score at most 85 ("help my chest hurts" / "my chest hurts")."""
    from rapidfuzz import fuzz, process

    taken = sorted(sentences_of_tests(paths))
    return [q["text"] for q in data["questions"]
            if process.extractOne(comparable(q["text"]), taken, scorer=fuzz.ratio,
                                  score_cutoff=NEAR) is not None]


def shared_speakers(data: dict[str, Any], test_labels: Path = TEST_LABELS) -> tuple[set[str], set[int]]:
    """Voices and rates the tuning set has in common with tests/audio (kept empty)."""
    labels = yaml.safe_load(test_labels.read_text(encoding="utf-8"))
    return (set(data["voices"]) & {label["voice"] for label in labels},
            set(data["rates"]) & {label["rate"] for label in labels})


def invalid_labels(data: dict[str, Any]) -> list[str]:
    """Questions whose labels name a topic, urgency, command or kind that does not exist."""
    from voiceguide.answer.commands import Command
    from voiceguide.answer.triage import Urgency
    from voiceguide.content.content_model import load_content

    sections = load_content().sections
    topics = {s.id for s in sections} | {f"general.{s.about}" for s in sections} | {"any", None}
    problems = []
    for q in data["questions"]:
        topic = q.get("topic")
        wrong_topic = any(t not in topics for t in (topic if isinstance(topic, list) else [topic]))
        wrong_urgency = q.get("urgency") not in {u.value for u in Urgency}
        wrong_command = q.get("command") not in {c.value for c in Command} | {None}
        if wrong_topic or wrong_urgency or wrong_command or q.get("kind") not in ar.KINDS:
            problems.append(q["text"])
    return problems


def planned_labels(data: dict[str, Any], with_noise: bool = True) -> list[dict[str, Any]]:
    voices, rates, conditions = data["voices"], data["rates"], data["conditions"]
    labels = []
    k = 0
    for q in data["questions"]:
        for _ in range(data["renders_per_question"]):
            spec = conditions[k % len(conditions)]
            noise = spec.get("noise") if with_noise else None
            condition = ar.Condition(None if noise is None else float(noise), bool(spec.get("far", False)))
            voice, rate = voices[k % len(voices)], rates[(k // len(voices)) % len(rates)]
            name = f"{k + 1:03d}-{ar.slug(q['text'])}{condition.suffix()}.wav"
            labels.append(ar.label(name, q["text"], voice, rate, condition, q.get("topic"), q["urgency"],
                                   q.get("command"), q["kind"]))
            k += 1
    return labels


def typed_disagreements(data: dict[str, Any]) -> list[tuple[str, Any, str, str | None]]:
    """Wordings the typed router does not answer as labelled today: what repairs and the lexicon are for."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.conftest import answered_as_labelled
    from voiceguide.answer.conversation import Conversation
    from voiceguide.content.content_model import load_content

    content = load_content()
    out = []
    for q in data["questions"]:
        reply = Conversation(content).handle(q["text"])
        if not answered_as_labelled({"topic": None, **q}, reply):
            out.append((q["text"], reply.topic, reply.urgency.value,
                        reply.command.value if reply.command else None))
    return out


def build(out_dir: Path, data: dict[str, Any], noise_path: Path | None) -> list[dict[str, Any]]:
    labels = planned_labels(data, with_noise=noise_path is not None)
    noise = ar.load_noise(noise_path) if noise_path is not None else None
    out_dir.mkdir(parents=True, exist_ok=True)
    for entry in labels:
        condition = ar.Condition(entry["noise"], entry["far_field"])
        samples = ar.recording(entry["text"], entry["voice"], entry["rate"], condition, entry["file"],
                               data["seed"], noise, PROGRAM)
        ar.write_wav(out_dir / entry["file"], samples)
    ar.write_labels(out_dir, labels, LABELS_HEADER)
    return labels


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the WAVs and labels.yaml")
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS, help="what to render (YAML)")
    parser.add_argument("--noise", type=Path, default=ar.DEFAULT_NOISE, help="16 kHz kitchen-noise recording")
    parser.add_argument("--no-noise", action="store_true", help="render every recording without noise")
    args = parser.parse_args(argv)
    data = load(args.questions)
    problems = []
    if clashes := collisions(data):
        problems.append(f"these wordings are (nearly) test sentences; reword them: {clashes}")
    voices, rates = shared_speakers(data)
    if voices or rates:
        problems.append(f"voices {sorted(voices)} / rates {sorted(rates)} are also tests/audio's; "
                        "choose others")
    if bad := invalid_labels(data):
        problems.append(f"unknown topic, urgency, command or kind in: {bad}")
    noise_path = None if args.no_noise else args.noise
    if noise_path is not None and not noise_path.is_file():
        problems.append(ar.noise_missing_message(noise_path))
    if ar.needs_flite(data["voices"]) and not ar.flite_available():
        problems.append("some voices are flite voices, and flite is not installed: apt-get install -y flite")
    if problems:
        print("\n".join(f"{PROGRAM}: {problem}" for problem in problems), file=sys.stderr)
        return 2
    labels = build(args.out, data, noise_path)
    conditions = Counter(
        ("far field" if label["far_field"] else "") + (f" {label['noise']:g} dB" if label["noise"] else "")
        for label in labels
    )
    summary = ", ".join(f"{(name.strip() or 'clean')}: {count}" for name, count in sorted(conditions.items()))
    kinds = ", ".join(f"{kind}: {count}"
                      for kind, count in Counter(label["kind"] for label in labels).items())
    print(f"wrote {len(labels)} renders of {len(data['questions'])} wordings to {args.out} "
          f"({summary}; {kinds})")
    disagreements = typed_disagreements(data)
    print(f"typed, the router answers {len(data['questions']) - len(disagreements)}/{len(data['questions'])} "
          "wordings as labelled; not yet:")
    for text, topic, urgency, command in disagreements:
        print(f"  {text!r}: topic {topic}, urgency {urgency}, command {command}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
