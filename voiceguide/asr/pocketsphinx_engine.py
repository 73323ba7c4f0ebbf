"""The embedded recognizer: pocketsphinx with the English model in its PyPI wheel, so a fresh install
works offline with no download.

Biasing: a small trigram model of the content's phrases mixed with common English words
(see domain_lm.py), and a dictionary holding exactly the words of that model, medical words included
(see pronounce.py). Both are built in memory at start-up (well under a second) and written to a private
temporary folder only because pocketsphinx reads them from files.
"""

from __future__ import annotations

import logging
import re
import tempfile
import threading
import time
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from voiceguide.asr.background_words import BACKGROUND_WORDS
from voiceguide.asr.base import RecognizerError, Transcript, Word, chunk_bytes, pcm16
from voiceguide.asr.domain_lm import build_arpa
from voiceguide.asr.pronounce import pronunciations, read_dictionary
from voiceguide.audio import Audio
from voiceguide.vocabulary import Vocabulary

log = logging.getLogger(__name__)

_FRAMES_PER_SECOND = 100
_NOT_WORDS = re.compile(r"^(<s>|</s>|<sil>|\[.*\]|\+\+.*\+\+)$")
_ALTERNATE = re.compile(r"\(\d+\)$")
_ENGLISH_WORD = re.compile(r"[a-z][a-z']*")
# Real microphones never deliver exact zeros; synthetic or gated audio does, and the acoustic model was
# never trained on it (measured: espeak-ng renders lose a third of their key words). A faint fixed noise
# floor, far below any room's own noise, puts such audio back in the range the model knows.
_NOISE_FLOOR_DBFS = -50.0
# Warning signs of a pulmonary embolism, listened for by a second (keyword-spotting) search over the same
# audio: the n-gram search loses short phrases to espeak-like or noisy speech, and a missed "chest pain" is
# the one error VoiceGuide cannot afford. Each phrase has its own threshold, set by a sweep (1e-10 to 1e-40)
# over renders that are not in tests/audio (other espeak-ng voices and rates, own wordings, kitchen noise at
# other offsets and SNRs: 55 with a warning sign, 93 without) and the 60 real coffee orders: the loosest
# threshold with no false alarm on any of the 153 files without a warning sign, then one step (1e5) stricter
# for margin. "my chest" is a phrase of its own: the n-gram search often keeps it when it garbles what
# follows ("sharp pain in my chest"), and triage treats a chest heard at all as a warning sign. Phrases
# that false-alarmed on real coffee orders at every useful threshold ("out of breath", "coughing blood",
# "breathless") are left to the n-gram search.
WARNING_PHRASES: dict[str, float] = {
    "chest pain": 1e-20,
    "chest hurts": 1e-35,
    "chest feels tight": 1e-35,
    "pain in my chest": 1e-35,
    "pain in the chest": 1e-35,
    "pressure in my chest": 1e-35,
    "my chest": 1e-15,
    "short of breath": 1e-35,
    "shortness of breath": 1e-35,
    "trouble breathing": 1e-35,
    "difficulty breathing": 1e-35,
    "hard to breathe": 1e-35,
    "struggling to breathe": 1e-35,
    "can't breathe": 1e-15,
    "cannot breathe": 1e-25,
    "coughing up blood": 1e-20,
    "cough up blood": 1e-25,
}
_WARNINGS_SEARCH = "warning-signs"


def _dictionary_keys(domain_words: list[str], background: dict[str, float]) -> set[str]:
    """Every dictionary entry pronunciation fallbacks might use: the words, their stems, their pieces."""
    keys = set(background)
    for word in domain_words:
        keys.update(word[i:j] for i in range(len(word)) for j in range(i + 1, len(word) + 1))
    return keys


def _noise_floor(length: int) -> np.ndarray:
    """Deterministic pink noise at _NOISE_FLOOR_DBFS (same input, same transcript)."""
    rng = np.random.default_rng(12345)
    spectrum = np.fft.rfft(rng.standard_normal(length))
    frequencies = np.arange(len(spectrum), dtype=np.float64)
    frequencies[0] = 1.0
    noise = np.fft.irfft(spectrum / np.sqrt(frequencies), length)
    rms = float(np.sqrt(np.mean(noise**2))) or 1.0
    return (noise / rms * 10 ** (_NOISE_FLOOR_DBFS / 20) * 32767.0).astype(np.float32)


def _with_noise_floor(pcm: np.ndarray) -> np.ndarray:
    if not len(pcm):
        return pcm
    mixed = pcm.astype(np.float32) + _noise_floor(len(pcm))
    return np.clip(np.round(mixed), -32768, 32767).astype(np.int16)


class PocketsphinxRecognizer:
    """Implements `Recognizer`. One decoder serves `transcribe`; each stream gets its own decoder (cheap:
    the acoustic model is memory-mapped), so a live stream and a file run never share state."""

    name = "pocketsphinx"
    sample_rate = 16000

    def __init__(
        self,
        vocabulary: Vocabulary,
        *,
        domain_weight: float = 0.3,
        background_words: int = 3000,
        model_dir: str | Path | None = None,
        decoder_options: dict[str, object] | None = None,
        warning_phrases: Mapping[str, float] | None = None,
    ) -> None:
        try:
            import pocketsphinx
        except ImportError as error:  # pragma: no cover - a dependency of the package
            raise RecognizerError(
                "The embedded recognizer (pocketsphinx) is not installed. Reinstall VoiceGuide, for example "
                "with `pip install pocketsphinx`."
            ) from error
        self._pocketsphinx = pocketsphinx
        started = time.perf_counter()
        base = Path(model_dir) if model_dir else Path(pocketsphinx.get_model_path()) / "en-us"
        acoustic = base / "en-us"
        cmudict = base / "cmudict-en-us.dict"
        if not acoustic.is_dir() or not cmudict.is_file():
            raise RecognizerError(
                f"The pocketsphinx English model is missing from {base}. Reinstall pocketsphinx "
                "(`pip install --force-reinstall pocketsphinx`)."
            )
        every_word = {*vocabulary.words, *(w for p in vocabulary.phrases for w in p.split())}
        domain_words = sorted(w for w in every_word if _ENGLISH_WORD.fullmatch(w))
        if len(domain_words) < len(every_word):
            log.warning(
                "The embedded model is English; %d words in other scripts are left out",
                len(every_word) - len(domain_words),
            )
        background = dict(BACKGROUND_WORDS[:background_words])
        dictionary = read_dictionary(cmudict, only=_dictionary_keys(domain_words, background))
        prons, self.unpronounceable = pronunciations(domain_words, dictionary)
        for word in background:
            if word not in prons and word in dictionary:
                prons[word] = dictionary[word]
        phrases = [p for p in vocabulary.phrases if all(w in prons for w in p.split())]
        dropped = len(vocabulary.phrases) - len(phrases)
        if dropped:
            log.info(
                "%d phrases use an unpronounceable word and were left out of the language model", dropped
            )
        if not phrases and not vocabulary.words:
            raise RecognizerError("The recognizer vocabulary is empty; run `voiceguide compile` first.")
        arpa = build_arpa(
            phrases,
            [w for w in vocabulary.words if w in prons],
            {w: p for w, p in background.items() if w in prons},
            domain_weight,
        )
        self._workdir = tempfile.TemporaryDirectory(prefix="voiceguide-ps-")
        lm_path = Path(self._workdir.name) / "domain.lm"
        dict_path = Path(self._workdir.name) / "domain.dict"
        lm_path.write_text(arpa, encoding="utf-8")
        dict_path.write_text(
            "".join(f"{word} {' '.join(phones)}\n" for word, phones in sorted(prons.items())),
            encoding="utf-8",
        )
        self._config: dict[str, object] = {
            "hmm": str(acoustic),
            "lm": str(lm_path),
            "dict": str(dict_path),
            "loglevel": "FATAL",
        }
        self._config.update(decoder_options or {})
        # Only phrases the vocabulary itself uses (a garden vocabulary listens for no chest pain).
        phrases_wanted = WARNING_PHRASES if warning_phrases is None else warning_phrases
        self.warning_phrases = {
            p: t for p, t in phrases_wanted.items() if all(w in prons and w in every_word for w in p.split())
        }
        self._decoder = self.new_decoder()
        self._lm_search = self._decoder.current_search()
        # Each file starts from the same cepstral mean, so a transcript never depends on the file before it
        # (the whole-utterance decode re-estimates the mean, but from this starting point).
        self._initial_cmn = self._decoder.get_cmn(False)
        self._kws_path: Path | None = None
        if self.warning_phrases:
            self._kws_path = Path(self._workdir.name) / "warnings.kws"
            self._kws_path.write_text(
                "".join(f"{p} /{t:.0e}/\n" for p, t in self.warning_phrases.items()), encoding="utf-8"
            )
            self._decoder.add_kws(_WARNINGS_SEARCH, str(self._kws_path))
        self._lock = threading.Lock()
        self.load_seconds = time.perf_counter() - started
        self.word_count = len(prons)

    def new_decoder(self):  # -> pocketsphinx.Decoder
        try:
            return self._pocketsphinx.Decoder(**self._config)
        except (RuntimeError, ValueError) as error:
            raise RecognizerError(
                f"pocketsphinx could not load its model ({error}). Reinstall pocketsphinx "
                "(`pip install --force-reinstall pocketsphinx`)."
            ) from error

    def _file_decoder(self):
        """A decoder in its initial state. Resetting the cepstral mean was not enough: a reused decoder
        still carried something from one file to the next (measured: 5 of 64 corpus transcripts changed with
        the order of the files), and a recording must always give the same transcript. A new decoder costs
        about 40 ms, the price of that guarantee."""
        decoder = self.new_decoder()
        if self._kws_path is not None:
            decoder.add_kws(_WARNINGS_SEARCH, str(self._kws_path))
        return decoder

    def transcribe(self, audio: Audio) -> Transcript:
        pcm = _with_noise_floor(pcm16(audio, self.sample_rate))
        with self._lock:
            decoder = self._decoder = self._file_decoder()
            decoder.set_cmn(self._initial_cmn)
            decoder.start_utt()
            decoder.process_raw(pcm.tobytes(), no_search=False, full_utt=True)
            decoder.end_utt()
            transcript = transcript_of(decoder, self.name)
            if not self.warning_phrases:
                return transcript
            decoder.activate_search(_WARNINGS_SEARCH)
            try:
                decoder.set_cmn(self._initial_cmn)
                decoder.start_utt()
                decoder.process_raw(pcm.tobytes(), no_search=False, full_utt=True)
                decoder.end_utt()
                spotted = [
                    Word(
                        s.word.strip(),
                        s.start_frame / _FRAMES_PER_SECOND,
                        (s.end_frame + 1) / _FRAMES_PER_SECOND,
                        round(min(1.0, max(0.0, float(s.prob))), 4),
                    )
                    for s in decoder.seg() or ()
                ]
            finally:
                decoder.activate_search(self._lm_search)
            return with_spotted_phrases(transcript, spotted)

    def open_stream(self) -> PocketsphinxStream:
        return PocketsphinxStream(self.new_decoder(), self.sample_rate, self._pocketsphinx, self.name)


def transcript_of(decoder, engine: str, offset_frames: int = 0) -> Transcript:
    if decoder.hyp() is None:
        return Transcript.empty(engine)
    words = []
    for segment in decoder.seg():
        if _NOT_WORDS.match(segment.word):
            continue
        words.append(
            Word(
                _ALTERNATE.sub("", segment.word),
                (segment.start_frame - offset_frames) / _FRAMES_PER_SECOND,
                (segment.end_frame + 1 - offset_frames) / _FRAMES_PER_SECOND,
                round(min(1.0, max(0.0, float(segment.prob))), 4),
            )
        )
    return Transcript.from_words(tuple(words), engine)


def with_spotted_phrases(transcript: Transcript, spotted: list[Word]) -> Transcript:
    """The n-gram transcript with each spotted warning phrase put where it was heard, in place of the words
    the n-gram search made of that stretch. In place, not appended, so what was said around it still counts:
    "i do not have chest pain" stays negated for triage. A phrase the transcript already has is left alone."""
    words = list(transcript.words)
    for phrase in spotted:
        if f" {phrase.text} " in f" {' '.join(w.text for w in words)} ":
            continue
        overlapping = [i for i, w in enumerate(words) if w.start < phrase.end and w.end > phrase.start]
        if overlapping:
            at, words = overlapping[0], [w for i, w in enumerate(words) if i not in overlapping]
        else:
            at = sum(w.end <= phrase.start for w in words)
        parts = phrase.text.split()
        step = (phrase.end - phrase.start) / len(parts)
        pieces = [
            Word(part, phrase.start + k * step, phrase.start + (k + 1) * step, phrase.confidence)
            for k, part in enumerate(parts)
        ]
        words[at:at] = pieces
    return Transcript.from_words(tuple(words), transcript.engine) if spotted else transcript


class PocketsphinxStream:
    """Live recognition with endpointing by pocketsphinx's own voice-activity Endpointer.

    Audio before speech starts is not decoded (saves CPU on an idle kiosk); when the endpointer says
    speech has ended, the utterance is closed and `accept` returns True.
    """

    def __init__(self, decoder, sample_rate: int, pocketsphinx_module, engine: str) -> None:
        self._decoder = decoder
        self._module = pocketsphinx_module
        self._engine = engine
        self._sample_rate = sample_rate
        self._endpointer = pocketsphinx_module.Endpointer(sample_rate=sample_rate)
        self._pending = b""
        self._in_utterance = False
        self._result: Transcript | None = None
        self._frames = 0

    def accept(self, pcm: bytes | np.ndarray) -> bool:
        self._pending += chunk_bytes(pcm)
        size = self._endpointer.frame_bytes
        ended = False
        while len(self._pending) >= size:
            frame, self._pending = self._pending[:size], self._pending[size:]
            floored = _with_noise_floor(np.frombuffer(frame, dtype=np.int16)).tobytes()
            speech = self._endpointer.process(floored)
            ended = self._handle(speech) or ended
        return ended

    def _handle(self, speech: bytes | None) -> bool:
        if speech is None:
            return False
        if not self._in_utterance:
            self._decoder.start_utt()
            self._in_utterance = True
            self._result = None
        self._decoder.process_raw(speech, no_search=False, full_utt=False)
        if not self._endpointer.in_speech:
            self._close()
            return True
        return False

    def _close(self) -> None:
        self._decoder.end_utt()
        self._in_utterance = False
        self._result = transcript_of(self._decoder, self._engine)

    def partial(self) -> str:
        if not self._in_utterance:
            return ""
        hyp = self._decoder.hyp()
        return " ".join(_ALTERNATE.sub("", w) for w in hyp.hypstr.split()) if hyp else ""

    def result(self) -> Transcript:
        """The last finished utterance; if speech is still going on, closes it and returns it."""
        if self._in_utterance:
            tail = self._endpointer.end_stream(self._pending) if self._pending else None
            self._pending = b""
            if tail:
                self._decoder.process_raw(tail, no_search=False, full_utt=False)
            self._close()
        return self._result or Transcript.empty(self._engine)

    def reset(self) -> None:
        if self._in_utterance:
            self._decoder.end_utt()
        self._in_utterance = False
        self._result = None
        self._pending = b""
        self._endpointer = self._module.Endpointer(sample_rate=self._sample_rate)
