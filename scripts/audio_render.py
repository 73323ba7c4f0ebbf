"""Speech rendering, room and noise simulation shared by the recorded-question generators.

Why one module: the test corpus (make_test_audio.py, into tests/audio) and the tuning set
(make_tuning_audio.py, into out/tuning) must be made the same way, so that what is tuned on one carries over
to the other. Only what is deliberately different differs: the wordings, the voices and rates, the seeds (so
noise offsets and rooms differ) and the SNRs.

Why it is built this way:
- Speech is real synthesis: espeak-ng through voiceguide.speech.tts (the renderer the assistant speaks with),
  and flite's voices (`flite:awb`, `flite:kal`, ...) run as the `flite` program, for speakers espeak-ng does
  not have. flite has no words-per-minute setting, so its rate is nominal: duration_stretch =
  FLITE_NATURAL_WPM / rate, where FLITE_NATURAL_WPM is about flite's own pace on espeak-ng's scale (measured
  on 40 questions of tests/questions_blind.yaml: awb and slt speak them as fast as espeak-ng at about 175
  wpm).
- Everything is deterministic. Noise offsets and rooms come from a seed made from the generator's seed and the
  file name, so adding a recording moves nothing else, and the two generators never share an offset or a room.
  espeak-ng and flite render the same text the same way (espeak-ng only when the renders before it were the
  same, so a generator renders its items in a fixed order in one process).
- Far field: a person speaking from across a room reaches the microphone as the direct sound plus its
  reverberation. The room is a synthetic impulse response (a direct path, a few early reflections, and
  exponentially decaying noise with RT60 0.4-0.7 s below 1 kHz that dies away faster above, as furnished
  rooms do), with a direct-to-reverberant ratio of -3 to +3 dB: someone facing the device from about half a
  metre to a metre away. Synthetic rather than measured, because no measured room responses are available
  here, and an impulse response made from a seed is reproducible anywhere.
- Noise: a segment of a real kitchen recording, at an SNR measured as the RMS of the speech (trimmed, before
  padding; after the room, for far-field files) over the RMS of the segment. The noise also fills the pads, as
  a room would.
- Files are small and what recognizers are fed: silence trimmed to a short pad, 16 kHz mono 16-bit PCM.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf
import soxr
import yaml

REPO = Path(__file__).resolve().parents[1]
DEFAULT_NOISE = REPO.parent / "shared" / "corpora" / "kitchen-noise-16k.wav"

SAMPLE_RATE = 16000
LEAD_PAD_S = 0.15  # silence (or noise) kept before the speech: recognizers need a moment of lead-in
TAIL_PAD_S = 0.15  # and after it, so the end of the utterance is detected
TRIM_BELOW_DB = 40.0  # a 10 ms frame this far below the loudest frame counts as silence at the edges
SPEECH_PEAK = 0.7  # speech is peak-normalised here before mixing (about -3 dBFS)
MIX_PEAK = 0.97  # a mix louder than this is scaled down as a whole (SNR unchanged), never clipped

FLITE_PREFIX = "flite:"
FLITE_NATURAL_WPM = 175.0

RT60_RANGE_S = (0.4, 0.7)
DRR_RANGE_DB = (-3.0, 3.0)
EARLY_REFLECTIONS = 8
EARLY_WINDOW_S = (0.002, 0.04)
EARLY_SHARE = 0.3  # of the reverberant energy, carried by the early reflections; the rest by the late tail
# Late reverberation decays faster at high frequencies: band edges (Hz) and each band's RT60 relative to RT60.
DECAY_BANDS = ((0, 500, 1.1), (500, 1000, 1.0), (1000, 2000, 0.9), (2000, 4000, 0.75), (4000, 8001, 0.6))
ROOM_STREAM = 1  # the room's random stream is kept apart from the noise offset's, drawn from the same name

LABEL_FIELDS = ("file", "text", "voice", "rate", "noise", "far_field", "topic", "urgency", "command", "kind")
KINDS = ("domain", "emergency", "see-doctor", "command", "out-of-scope")


# ---------------------------------------------------------------------------------------------- speech


def render(text: str, voice: str, rate: int, program: str = "audio_render") -> np.ndarray:
    """Speech as 16 kHz mono float32, from espeak-ng or, for a `flite:` voice, from flite."""
    if voice.startswith(FLITE_PREFIX):
        samples = _render_flite(text, voice[len(FLITE_PREFIX):], rate, program)
    else:
        samples = _render_espeak(text, voice, rate)
    if not len(samples) or not np.any(samples):
        raise SystemExit(f"{program}: {voice} produced no audio for {text!r} ({rate} wpm)")
    return samples


def _render_espeak(text: str, voice: str, rate: int) -> np.ndarray:
    from voiceguide.speech.settings import SpeechSettings
    from voiceguide.speech.tts import OUTPUT_RATE, Renderer

    audio = Renderer(SpeechSettings(voice=voice, rate=rate, volume=1.0), output_rate=OUTPUT_RATE).render(text)
    return _to_16k(audio.samples, audio.sample_rate)


def _render_flite(text: str, voice: str, rate: int, program: str) -> np.ndarray:
    if not flite_available():
        raise SystemExit(f"{program}: the flite voices need the flite program: apt-get install -y flite")
    stretch = FLITE_NATURAL_WPM / rate
    with tempfile.TemporaryDirectory(prefix="vg-flite-") as tmp:
        out = Path(tmp) / "speech.wav"
        subprocess.run(["flite", "-voice", voice, "--setf", f"duration_stretch={stretch:.4f}", "-t", text,
                        "-o", str(out)], check=True, capture_output=True)
        samples, sample_rate = sf.read(str(out), dtype="float32", always_2d=True)
    return _to_16k(samples.mean(axis=1), sample_rate)


def _to_16k(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    samples = samples.astype(np.float32)
    if sample_rate != SAMPLE_RATE:
        samples = soxr.resample(samples, sample_rate, SAMPLE_RATE, quality="HQ").astype(np.float32)
    return samples


def flite_available() -> bool:
    return shutil.which("flite") is not None


def needs_flite(voices: list[str] | tuple[str, ...]) -> bool:
    return any(voice.startswith(FLITE_PREFIX) for voice in voices)


def trim(samples: np.ndarray) -> np.ndarray:
    """The speech only: leading and trailing frames far below the loudest frame are cut."""
    frame = SAMPLE_RATE // 100
    usable = len(samples) // frame * frame
    rms_per_frame = np.sqrt(np.mean(samples[:usable].reshape(-1, frame) ** 2, axis=1))
    loud = np.flatnonzero(rms_per_frame > rms_per_frame.max() * 10 ** (-TRIM_BELOW_DB / 20))
    return samples[loud[0] * frame : min(len(samples), (loud[-1] + 1) * frame)]


def padded(speech: np.ndarray) -> np.ndarray:
    lead = np.zeros(int(LEAD_PAD_S * SAMPLE_RATE), dtype=np.float32)
    tail = np.zeros(int(TAIL_PAD_S * SAMPLE_RATE), dtype=np.float32)
    return np.concatenate([lead, speech, tail])


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))


# ---------------------------------------------------------------------------------------------- room


def _rng(seed: int, name: str, *stream: int) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(name.encode("utf-8")), *stream])


def room_impulse_response(name: str, seed: int) -> np.ndarray:
    """A room drawn from (seed, file name): direct path at sample 0, early reflections, decaying tail."""
    rng = _rng(seed, name, ROOM_STREAM)
    rt60 = float(rng.uniform(*RT60_RANGE_S))
    drr_db = float(rng.uniform(*DRR_RANGE_DB))
    # long enough for the slowest band to fade out
    length = int(rt60 * max(factor for _, _, factor in DECAY_BANDS) * SAMPLE_RATE)
    t = np.arange(length) / SAMPLE_RATE
    spectrum = np.fft.rfft(rng.standard_normal(length))
    freqs = np.fft.rfftfreq(length, 1 / SAMPLE_RATE)
    late = np.zeros(length)
    for low, high, factor in DECAY_BANDS:
        band = np.fft.irfft(np.where((freqs >= low) & (freqs < high), spectrum, 0), n=length)
        late += band * np.exp(-6.908 * t / (rt60 * factor))  # 60 dB of amplitude decay over the band's RT60
    late *= 1 - np.exp(-t / 0.005)  # the diffuse field builds up over the first milliseconds
    early = np.zeros(length)
    times = rng.uniform(*EARLY_WINDOW_S, size=EARLY_REFLECTIONS)
    gains = rng.uniform(0.3, 0.8, size=EARLY_REFLECTIONS) * rng.choice((-1.0, 1.0), size=EARLY_REFLECTIONS)
    np.add.at(early, (times * SAMPLE_RATE).astype(int), gains * np.exp(-6.908 * times / rt60))
    reverberant = (np.sqrt(EARLY_SHARE) * early / np.sqrt(np.sum(early**2))
                   + np.sqrt(1 - EARLY_SHARE) * late / np.sqrt(np.sum(late**2)))
    reverberant /= np.sqrt(np.sum(reverberant**2) * 10 ** (drr_db / 10))
    reverberant[0] += 1.0  # the direct path: unit energy, so energy(direct) / energy(the rest) = DRR
    return reverberant


def far_field(speech: np.ndarray, name: str, seed: int) -> np.ndarray:
    """Speech as heard across a room, its reverberant tail kept until it fades, peak-normalised again."""
    response = room_impulse_response(name, seed)
    size = len(speech) + len(response) - 1
    n = 1 << (size - 1).bit_length()
    wet = np.fft.irfft(np.fft.rfft(speech.astype(np.float64), n) * np.fft.rfft(response, n), n)[:size]
    wet = trim(wet)
    return (wet * (SPEECH_PEAK / float(np.max(np.abs(wet))))).astype(np.float32)


# ---------------------------------------------------------------------------------------------- noise


def mix_with_noise(speech: np.ndarray, noise: np.ndarray, name: str, snr_db: float, seed: int) -> np.ndarray:
    """Speech (trimmed, unpadded) plus a noise segment at `snr_db`; the segment's offset comes from
    the seed."""
    clean = padded(speech)
    if len(noise) < len(clean):
        raise SystemExit(f"the noise recording is shorter than {name}")
    rng = _rng(seed, name)
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


def noise_missing_message(path: Path) -> str:
    return (
        f"the kitchen-noise recording is missing: {path}\n"
        "It lives in ../shared/corpora beside this checkout. Put it there (or pass --noise FILE), "
        "or run with --no-noise to make a set with no noisy recordings."
    )


# ---------------------------------------------------------------------------------------------- recordings


@dataclass(frozen=True)
class Condition:
    """How a recording is heard: kitchen noise at `noise` dB SNR (None: none), and/or across a room."""

    noise: float | None = None
    far: bool = False

    def suffix(self) -> str:
        """File-name ending: "-noisy" for 10 dB (the first corpus's only SNR), "-noisy-5db" for others,
        then "-far" for far field, so the condition shows in a listing."""
        parts = []
        if self.noise is not None:
            parts.append("-noisy" if self.noise == 10.0 else f"-noisy-{self.noise:g}db")
        if self.far:
            parts.append("-far")
        return "".join(parts)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40].rstrip("-")


def recording(text: str, voice: str, rate: int, condition: Condition, name: str, seed: int,
              noise: np.ndarray | None, program: str) -> np.ndarray:
    """One recording's samples: speech, then the room, then the noise (None: rendered without it)."""
    speech = trim(render(text, voice, rate, program))
    speech *= SPEECH_PEAK / float(np.max(np.abs(speech)))
    if condition.far:
        speech = far_field(speech, name, seed)
    if condition.noise is not None and noise is not None:
        return mix_with_noise(speech, noise, name, condition.noise, seed)
    return padded(speech)


def write_wav(path: Path, samples: np.ndarray) -> None:
    pcm = np.round(np.clip(samples, -1.0, 1.0) * 32767.0).astype(np.int16)
    sf.write(str(path), pcm, SAMPLE_RATE, subtype="PCM_16", format="WAV")


def write_labels(out_dir: Path, labels: list[dict[str, Any]], header: str) -> None:
    """labels.yaml, and no WAV left behind that has no label (a renamed or dropped recording)."""
    keep = {label["file"] for label in labels}
    for stale in out_dir.glob("*.wav"):
        if stale.name not in keep:
            stale.unlink()
    body = yaml.safe_dump(labels, sort_keys=False, default_flow_style=None, width=1000, allow_unicode=True)
    (out_dir / "labels.yaml").write_text(header + body, encoding="utf-8")


def label(file: str, text: str, voice: str, rate: int, condition: Condition, topic: Any, urgency: str,
          command: str | None, kind: str) -> dict[str, Any]:
    values = (file, text, voice, rate, condition.noise, condition.far, topic, urgency, command, kind)
    return dict(zip(LABEL_FIELDS, values, strict=True))

