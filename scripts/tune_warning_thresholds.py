"""Sweeps the keyword-spotting thresholds of the embedded recognizer's warning phrases on held-out audio.

Why: each warning phrase (pocketsphinx_engine.WARNING_PHRASES) has its own threshold, and a threshold is a
trade between a missed emergency and a false alarm. They must be set on audio that is not the test corpus
(tests/audio), or the corpus figures stop meaning anything. This script renders its own held-out set, with
its own wordings, espeak-ng voices and rates that tests/audio does not use, and kitchen noise at other
offsets and SNRs, then runs one keyword search per threshold over it and over the real out-of-domain coffee
orders in ../shared/corpora/ood-speech, and prints, per phrase, how many files with a warning sign (E),
without one (N) and coffee orders (O) it fires on.

The rule used for WARNING_PHRASES: the loosest threshold with N = O = 0, then one step stricter for margin.
The committed thresholds came from a first run over these wordings with other voice assignments (148
renders); this set (108 renders + 60 coffee orders) was the check: none of the committed thresholds fires on
an N file or a coffee order here either.

Run from the repository root (about 7 minutes on 2 cores):
    .venv/bin/python scripts/tune_warning_thresholds.py [--work /tmp/vg-kws]
"""

from __future__ import annotations

import argparse
import sys
import zlib
from multiprocessing import Pool
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

import audio_render as corpus  # noqa: E402  (the same rendering and mixing as the test corpus)

THRESHOLDS = (1e-10, 1e-15, 1e-20, 1e-25, 1e-30, 1e-35, 1e-40)
CANDIDATES = (
    "chest pain", "chest hurts", "chest feels tight", "pain in my chest", "short of breath", "shortness of breath",
    "trouble breathing", "difficulty breathing", "hard to breathe", "can't breathe", "cannot breathe",
    "coughing up blood", "cough up blood", "out of breath", "chest tightness", "pressure in my chest",
    "pain in the chest", "coughing blood", "struggling to breathe", "hurts to breathe", "tight chest", "my chest",
    "breathless",
)
# Voices and rates that tests/audio does not use (it has en-us, en-gb-x-rp, en-gb-scotland, en-us+f3 at
# 160/185/210 wpm).
VOICES = ("en-gb", "en-029", "en-gb-x-gbclan", "en-gb-x-gbcwmd", "en-us-nyc", "en-us+m3", "en-gb+f2",
          "en-us+klatt2", "en-us+m1", "en-gb+f4")
RATES = (150, 180, 205, 230)
SNRS = (8.0, 11.0, 14.0)
SEED = 4242
# Own wordings, written for this sweep (E: says a warning sign; N: does not).
WORDINGS = (
    ("E", "i get chest pain when i walk"), ("E", "there is a stabbing pain in my chest"),
    ("E", "my chest hurts a lot today"), ("E", "why does my chest feel tight"),
    ("E", "i have had chest pain since this morning"), ("E", "i am short of breath all the time"),
    ("E", "i feel short of breath when i climb stairs"), ("E", "since yesterday i have shortness of breath"),
    ("E", "my dad has shortness of breath and a swollen leg"), ("E", "i have trouble breathing at night"),
    ("E", "she is having difficulty breathing"), ("E", "it is hard to breathe when i lie down"),
    ("E", "i can't breathe properly"), ("E", "he cannot breathe"), ("E", "i have been coughing up blood"),
    ("E", "my son is coughing up blood"), ("E", "i cough up blood in the morning"),
    ("E", "my chest feels tight after the flight"), ("E", "i have a pain in my chest and my calf is sore"),
    ("E", "chest pain and a swollen calf"), ("E", "is shortness of breath a sign of a clot"),
    ("E", "my chest is really tight"), ("E", "i am struggling to breathe"), ("E", "i keep coughing blood"),
    ("E", "i have pain in the chest"), ("E", "i can hardly breathe"), ("E", "there is pressure in my chest"),
    ("E", "i cannot catch my breath"),
    ("N", "what does a clot in the calf feel like"), ("N", "can a clot go away on its own"),
    ("N", "how long does a clot take to dissolve"), ("N", "what is the best treatment for a clot"),
    ("N", "can i fly with a blood clot"), ("N", "what is a clot made of"),
    ("N", "do i need to see a doctor for a swollen leg"), ("N", "how do they scan the leg for a clot"),
    ("N", "can a clot behind the knee come back"), ("N", "is walking good for a clot in the leg"),
    ("N", "what are the risk factors for clots"), ("N", "can children get blood clots"),
    ("N", "how are clots in the buttocks found"), ("N", "why do clots form after surgery"),
    ("N", "what makes a blood clot form in the leg"), ("N", "does the pill raise the risk of clots"),
    ("N", "what scan shows a blood clot"), ("N", "how long do i take blood thinners"),
    ("N", "can a clot behind the knee travel to the lungs"), ("N", "what is post thrombotic syndrome"),
    ("N", "my knee is swollen and hot"), ("N", "my calf feels warm and tender"), ("N", "say it again"),
    ("N", "what time is it"), ("N", "tell me a joke"), ("N", "how tall is mount everest"),
)

_recognizer = None


def render_set(work: Path) -> list[tuple[Path, str]]:
    """Each wording twice: clean, and mixed with kitchen noise (its own seed, so other offsets)."""
    noise = corpus.load_noise(corpus.DEFAULT_NOISE)
    out: list[tuple[Path, str]] = []
    work.mkdir(parents=True, exist_ok=True)
    for i, (kind, text) in enumerate(WORDINGS):
        for noisy in (False, True):
            j = int(noisy)
            voice, rate = VOICES[(i + 3 * j) % len(VOICES)], RATES[(i + j) % len(RATES)]
            speech = corpus.trim(corpus.render(text, voice, rate))
            speech *= 0.6 / float(np.max(np.abs(speech)))
            path = work / f"{kind}{i:03d}{'-noisy' if noisy else ''}.wav"
            samples = corpus.padded(speech)
            if noisy:
                rng = np.random.default_rng([SEED, zlib.crc32(path.name.encode())])
                offset = int(rng.integers(0, len(noise) - len(samples)))
                segment = noise[offset : offset + len(samples)].astype(np.float64)
                snr = SNRS[i % len(SNRS)]
                samples = samples + corpus.rms(speech) / (corpus.rms(segment) * 10 ** (snr / 20)) * segment
                samples = (samples * min(1.0, 0.97 / float(np.max(np.abs(samples))))).astype(np.float32)
            corpus.write_wav(path, samples)
            out.append((path, kind))
    return out


def _init() -> None:
    global _recognizer
    from voiceguide.asr.pocketsphinx_engine import PocketsphinxRecognizer
    from voiceguide.content_model import load_content

    _recognizer = PocketsphinxRecognizer(load_content().vocabulary)


def _spot(path: str) -> dict[float, set[str]]:
    """The phrases found at each threshold (one keyword search per threshold, as transcribe runs it)."""
    from voiceguide.asr.base import pcm16
    from voiceguide.asr.pocketsphinx_engine import _with_noise_floor
    from voiceguide.audio_file import load_audio

    recognizer = _recognizer
    pcm = _with_noise_floor(pcm16(load_audio(path), 16000)).tobytes()
    known = set(Path(str(recognizer._config["dict"])).read_text().split())
    phrases = [p for p in CANDIDATES if all(w in known for w in p.split())]
    found: dict[float, set[str]] = {}
    for threshold in THRESHOLDS:
        kws = Path(recognizer._workdir.name) / f"sweep-{threshold:.0e}.kws"
        kws.write_text("".join(f"{p} /{threshold:.0e}/\n" for p in phrases), encoding="utf-8")
        decoder = recognizer.new_decoder()
        decoder.add_kws("sweep", str(kws))
        decoder.activate_search("sweep")
        decoder.set_cmn(recognizer._initial_cmn)
        decoder.start_utt()
        decoder.process_raw(pcm, no_search=False, full_utt=True)
        decoder.end_utt()
        found[threshold] = {s.word.strip() for s in decoder.seg() or ()}
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/vg-kws"), help="folder for the rendered audio")
    args = parser.parse_args(argv)
    files = [(str(p), kind) for p, kind in render_set(args.work)]
    ood = REPO.parent / "shared" / "corpora" / "ood-speech"
    files += [(str(p), "O") for p in sorted(ood.glob("*.wav"))]
    kinds = dict(files)
    with Pool(2, initializer=_init) as pool:
        results = dict(zip(kinds, pool.map(_spot, list(kinds), chunksize=2), strict=True))
    print(f"{len(files)} files: E has a warning sign, N has none, O is a real coffee order")
    for phrase in CANDIDATES:
        cells = []
        for threshold in THRESHOLDS:
            count = {k: sum(phrase in results[p][threshold] for p in kinds if kinds[p] == k) for k in "ENO"}
            cells.append(f"{threshold:.0e} E{count['E']}/N{count['N']}/O{count['O']}")
        print(f"{phrase:22} " + "  ".join(cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
