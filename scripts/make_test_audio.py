"""Generates the recorded-question test corpus in tests/audio/: spoken questions with expected answers.

Why it is built this way:
- The recordings are real speech synthesis (pyttsx3 driving espeak-ng, through voiceguide.tts), so recognition
  tests run on real audio, not on text pretending to be audio. Several voices and rates stand in for
  different speakers; kitchen noise mixed at 10 dB SNR stands in for a real room.
- Most questions are taken from tests/questions.yaml, and their expected topic and urgency are copied from it,
  so the typed router and the spoken corpus are judged by the same answers. A few extra phrasings (more ways
  to say an emergency, spoken commands) carry their own labels here, in the same conventions.
- Everything is deterministic: voices and rates are assigned by position, noise offsets come from a seed made
  from the file name (adding a recording does not move the noise of the others), and espeak-ng renders the
  same text the same way. Running it twice gives the same files.
- Files are small: silence is trimmed to a short pad (recognizers still get a moment of lead-in), audio is
  16 kHz mono 16-bit PCM, resampled with soxr.

Run from the repository root:  .venv/bin/python scripts/make_test_audio.py
"""

from __future__ import annotations

import argparse
import re
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf
import soxr
import yaml

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "tests" / "audio"
DEFAULT_QUESTIONS = REPO / "tests" / "questions.yaml"
DEFAULT_NOISE = REPO.parent / "shared" / "corpora" / "kitchen-noise-16k.wav"

SAMPLE_RATE = 16000
# Speakers: espeak-ng English voices (American, British RP, Scottish) and a female variant of the American one.
VOICES = ("en-us", "en-gb-x-rp", "en-gb-scotland", "en-us+f3")
RATES = (160, 185, 210)  # words per minute: slow, ordinary, brisk
SNR_DB = 10.0
SEED = 20240611

LEAD_PAD_S = 0.15  # silence (or noise) kept before the speech: recognizers need a moment of lead-in
TAIL_PAD_S = 0.15  # and after it, so the end of the utterance is detected
TRIM_BELOW_DB = 40.0  # a 10 ms frame this far below the loudest frame counts as silence at the edges
SPEECH_PEAK = 0.7  # speech is peak-normalised here before mixing (about -3 dBFS)
MIX_PEAK = 0.97  # a mix louder than this is scaled down as a whole (SNR unchanged), never clipped


@dataclass(frozen=True)
class Item:
    """One recording to make. Labels are None when they come from the question set."""

    text: str
    kind: str  # domain | emergency | see-doctor | command | out-of-scope
    noisy: bool = False
    topic: Any = None
    urgency: str | None = None
    command: str | None = None


def q(text: str, kind: str, noisy: bool = False) -> Item:
    """A question from tests/questions.yaml: its topic and urgency are looked up there."""
    return Item(text, kind, noisy)


def own(text: str, kind: str, topic: Any, urgency: str, noisy: bool = False, command: str | None = None) -> Item:
    """A phrasing not in the question set, labelled here (and checked against the typed router)."""
    return Item(text, kind, noisy, topic, urgency, command)


# Questions typed with deliberate misrecognitions ("blood cloth", "symtoms") are left out: a person does not
# say them, a recognizer produces them.
ITEMS: tuple[Item, ...] = (
    # Behind the knee, in plain and lay words.
    q("what are the symptoms of a blood clot behind the knee", "domain"),
    q("how do i know if i have a clot behind my knee", "domain"),
    q("signs of a dvt in the leg", "domain", noisy=True),
    q("what causes a blood clot behind the knee", "domain"),
    q("why do people get clots in their legs", "domain", noisy=True),
    q("can knee surgery cause a blood clot", "domain"),
    q("how is a blood clot behind the knee diagnosed", "domain"),
    q("what tests do doctors use to find a clot in the leg", "domain", noisy=True),
    q("how is a blood clot behind the knee treated", "domain"),
    q("do i need blood thinners for a clot in my leg", "domain", noisy=True),
    q("how can i prevent a blood clot behind the knee", "domain"),
    q("is a clot behind the knee dangerous", "domain", noisy=True),
    q("do compression socks help", "domain", noisy=True),
    q("what is deep vein thrombosis", "domain"),
    q("what is a d v t", "domain"),
    # Buttocks, with butt / bottom / glutes.
    q("can you get a blood clot in your butt", "domain"),
    q("what are the symptoms of a blood clot in the buttocks", "domain", noisy=True),
    q("signs of a clot in my bottom", "domain"),
    q("what does a blood clot in the glutes feel like", "domain"),
    q("can sitting too long give me a clot in my butt", "domain", noisy=True),
    q("how do doctors diagnose a clot in the buttocks", "domain"),
    q("what is a d dimer test", "domain", noisy=True),
    q("treatment for a clot in my glutes", "domain", noisy=True),
    q("what is superficial thrombophlebitis", "domain"),
    # Blood clots in general.
    q("what are the symptoms of a blood clot", "domain"),
    q("how is a blood clot treated", "domain", noisy=True),
    q("how do you prevent blood clots", "domain"),
    q("what is a pulmonary embolism", "domain", noisy=True),
    q("does smoking cause blood clots", "domain"),
    # Emergencies: every way the question set says one, and a few more.
    q("my leg is swollen and now i have chest pain", "emergency"),
    q("i suddenly feel short of breath", "emergency", noisy=True),
    q("i can't breathe", "emergency"),
    q("i have trouble breathing and my calf hurts", "emergency"),
    q("my chest hurts", "emergency", noisy=True),
    q("i have a blood clot and now i'm coughing up blood", "emergency"),
    q("sudden shortness of breath after knee surgery", "emergency"),
    q("i have a clot in my leg and it's hard to breathe", "emergency", noisy=True),
    q("i'm not sure if this is chest pain", "emergency"),
    q("is chest pain a sign of a clot in the lungs", "emergency"),
    q("pain in my chest when i breathe", "emergency"),
    own("help i can't breathe", "emergency", None, "emergency"),
    own("i am coughing up blood", "emergency", None, "emergency"),
    own("sharp pain in my chest", "emergency", None, "emergency", noisy=True),
    own("my chest feels tight and i can't breathe", "emergency", None, "emergency"),
    # Suspected clots: see a doctor.
    q("my calf is swollen and red", "see-doctor"),
    q("the back of my knee is painful and warm", "see-doctor", noisy=True),
    q("my buttock is swollen and tender", "see-doctor"),
    q("i think i have a blood clot", "see-doctor"),
    q("i have a hard lump in my butt that hurts", "see-doctor"),
    q("i do not have chest pain but my leg is swollen", "see-doctor"),
    q("no shortness of breath but my calf is warm and red", "see-doctor", noisy=True),
    own("my leg is swollen and red", "see-doctor", "blood-clot-behind-knee.symptoms", "see-doctor"),
    # Spoken commands: no topic, no urgency.
    own("repeat", "command", None, "none", command="repeat"),
    own("say that again", "command", None, "none", command="repeat", noisy=True),
    own("tell me more", "command", None, "none", command="more"),
    own("help", "command", None, "none", command="help"),
    own("what can i ask", "command", None, "none", command="help", noisy=True),
    own("stop", "command", None, "none", command="stop"),
    own("cancel", "command", None, "none", command="stop"),
    # Out of scope: must never get blood-clot content.
    q("what's the weather like today", "out-of-scope"),
    q("play some music", "out-of-scope", noisy=True),
    q("what are the symptoms of diabetes", "out-of-scope"),
    q("how do i treat a sunburn", "out-of-scope", noisy=True),
    q("i would like a large latte with oat milk", "out-of-scope"),
)


# ---------------------------------------------------------------------------------------------- labels


def _question_labels(path: Path) -> dict[str, dict[str, Any]]:
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {entry["q"]: entry for entry in entries}


def labelled(items: tuple[Item, ...], questions_path: Path) -> list[Item]:
    """Items with topic and urgency filled in from the question set; fails if a chosen question is gone."""
    known = _question_labels(questions_path)
    out: list[Item] = []
    for item in items:
        if item.urgency is not None:
            out.append(item)
            continue
        entry = known.get(item.text)
        if entry is None:
            raise SystemExit(
                f"make_test_audio: {item.text!r} is no longer in {questions_path}. "
                "Choose another question there, or label it in ITEMS with own(...)."
            )
        out.append(Item(item.text, item.kind, item.noisy, entry["topic"], entry["urgency"], None))
    return out


def file_name(index: int, item: Item) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", item.text.lower()).strip("-")[:40].rstrip("-")
    return f"{index:03d}-{slug}{'-noisy' if item.noisy else ''}.wav"


def voice_and_rate(index: int) -> tuple[str, int]:
    """By position: 4 voices x 3 rates, every combination in each run of 12 files."""
    return VOICES[index % len(VOICES)], RATES[(index // len(VOICES)) % len(RATES)]


# ---------------------------------------------------------------------------------------------- audio


def render(text: str, voice: str, rate: int) -> np.ndarray:
    """Speech at espeak-ng's own rate, resampled here with soxr to 16 kHz mono float32."""
    from voiceguide.speech_settings import SpeechSettings
    from voiceguide.tts import OUTPUT_RATE, Renderer

    audio = Renderer(SpeechSettings(voice=voice, rate=rate, volume=1.0), output_rate=OUTPUT_RATE).render(text)
    samples = audio.samples.astype(np.float32)
    if audio.sample_rate != SAMPLE_RATE:
        samples = soxr.resample(samples, audio.sample_rate, SAMPLE_RATE, quality="HQ").astype(np.float32)
    if not len(samples) or not np.any(samples):
        raise SystemExit(f"make_test_audio: espeak-ng produced no audio for {text!r} ({voice}, {rate} wpm)")
    return samples


def trim(samples: np.ndarray) -> np.ndarray:
    """The speech only: leading and trailing frames far below the loudest frame are cut."""
    frame = SAMPLE_RATE // 100
    usable = len(samples) // frame * frame
    rms = np.sqrt(np.mean(samples[:usable].reshape(-1, frame) ** 2, axis=1))
    loud = np.flatnonzero(rms > rms.max() * 10 ** (-TRIM_BELOW_DB / 20))
    return samples[loud[0] * frame : min(len(samples), (loud[-1] + 1) * frame)]


def padded(speech: np.ndarray) -> np.ndarray:
    lead = np.zeros(int(LEAD_PAD_S * SAMPLE_RATE), dtype=np.float32)
    tail = np.zeros(int(TAIL_PAD_S * SAMPLE_RATE), dtype=np.float32)
    return np.concatenate([lead, speech, tail])


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))


def mix_with_noise(speech: np.ndarray, noise: np.ndarray, name: str, snr_db: float) -> np.ndarray:
    """Speech (trimmed, unpadded) plus a noise segment at `snr_db`, SNR from RMS of speech vs the segment.

    The noise also fills the pads, as a room would. The offset comes from a seed made from the file name.
    """
    clean = padded(speech)
    if len(noise) < len(clean):
        raise SystemExit(f"make_test_audio: the noise recording is shorter than {name}")
    rng = np.random.default_rng([SEED, zlib.crc32(name.encode("utf-8"))])
    offset = int(rng.integers(0, len(noise) - len(clean) + 1))
    segment = noise[offset : offset + len(clean)].astype(np.float64)
    gain = rms(speech) / (rms(segment) * 10 ** (snr_db / 20))
    mixed = clean + gain * segment
    peak = float(np.max(np.abs(mixed)))
    if peak > MIX_PEAK:  # scales speech and noise alike: the SNR stays exactly snr_db
        mixed *= MIX_PEAK / peak
    return mixed.astype(np.float32)


def load_noise(path: Path) -> np.ndarray:
    samples, rate = sf.read(str(path), dtype="float32", always_2d=True)
    mono = samples.mean(axis=1)
    if rate != SAMPLE_RATE:
        mono = soxr.resample(mono, rate, SAMPLE_RATE, quality="HQ").astype(np.float32)
    return mono


def write_wav(path: Path, samples: np.ndarray) -> None:
    pcm = np.round(np.clip(samples, -1.0, 1.0) * 32767.0).astype(np.int16)
    sf.write(str(path), pcm, SAMPLE_RATE, subtype="PCM_16", format="WAV")


# ---------------------------------------------------------------------------------------------- main

LABELS_HEADER = """\
# Labels for the recorded questions in this folder, written by scripts/make_test_audio.py (do not edit by hand:
# change the script and regenerate). One entry per WAV file; see README.md for the fields.
"""


def build(out_dir: Path, questions: Path, noise_path: Path | None) -> list[dict[str, Any]]:
    items = labelled(ITEMS, questions)
    noise = load_noise(noise_path) if noise_path is not None else None
    out_dir.mkdir(parents=True, exist_ok=True)
    labels: list[dict[str, Any]] = []
    for index, item in enumerate(items, start=1):
        voice, rate = voice_and_rate(index - 1)
        name = file_name(index, item)
        speech = trim(render(item.text, voice, rate))
        speech *= SPEECH_PEAK / float(np.max(np.abs(speech)))
        noisy = item.noisy and noise is not None
        samples = mix_with_noise(speech, noise, name, SNR_DB) if noisy else padded(speech)
        if not noisy and item.noisy:
            name = name.replace("-noisy.wav", ".wav")
        write_wav(out_dir / name, samples)
        labels.append({
            "file": name,
            "text": item.text,
            "voice": voice,
            "rate": rate,
            "noise": SNR_DB if noisy else None,
            "topic": item.topic,
            "urgency": item.urgency,
            "command": item.command,
            "kind": item.kind,
        })
    keep = {label["file"] for label in labels}
    for stale in out_dir.glob("*.wav"):
        if stale.name not in keep:
            stale.unlink()
    body = yaml.safe_dump(labels, sort_keys=False, default_flow_style=None, width=1000, allow_unicode=True)
    (out_dir / "labels.yaml").write_text(LABELS_HEADER + body, encoding="utf-8")
    return labels


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the WAVs and labels.yaml")
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS, help="the typed question set")
    parser.add_argument("--noise", type=Path, default=DEFAULT_NOISE, help="16 kHz kitchen-noise recording")
    parser.add_argument("--no-noise", action="store_true",
                        help="render every recording clean (for machines without ../shared/corpora); "
                             "the committed corpus is NOT made this way")
    args = parser.parse_args(argv)
    noise_path = None
    if not args.no_noise:
        if not args.noise.is_file():
            print(
                f"make_test_audio: the kitchen-noise recording is missing: {args.noise}\n"
                "It lives in ../shared/corpora beside this checkout. Put it there (or pass --noise FILE), "
                "or run with --no-noise to make a corpus with no noisy recordings.",
                file=sys.stderr,
            )
            return 2
        noise_path = args.noise
    labels = build(args.out, args.questions, noise_path)
    total = sum((args.out / label["file"]).stat().st_size for label in labels)
    noisy = sum(label["noise"] is not None for label in labels)
    print(f"wrote {len(labels)} recordings ({noisy} with noise at {SNR_DB:g} dB SNR), "
          f"{total / 1e6:.2f} MB, to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
