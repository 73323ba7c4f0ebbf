"""Decoding an utterance while the loop is still deciding whether it has ended.

Whole-utterance decoding is what makes a live session hear as well as a recorded-audio run (the recognizer
normalises the utterance as a whole), but it can only start once the audio is complete, and it takes about a
quarter of the utterance's length. Waiting for the end-of-utterance silence *and then* decoding puts both
delays between the end of speech and the answer. So the loop starts the decode as soon as the speaker pauses,
on a worker thread, over everything captured so far. If the pause turns out to be the end of the utterance,
the transcript is ready (or nearly) when the endpoint is decided; if the speaker goes on, that decode is
discarded and a new one starts at the next pause. The audio decoded differs from a wait-then-decode run only
in how much trailing silence it carries, which a whole-utterance decode ignores.

A recognizer that decodes incrementally anyway, with the same result (Vosk: `open_utterance()`), is instead
fed every captured chunk as it arrives, on the same worker thread, so that at the end only the last fraction
of a second is left to decode.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from voiceguide.speech.audio import Audio

log = logging.getLogger(__name__)

# Words a finished question does not end with: a transcript ending in one of them is someone pausing
# mid-sentence ("what causes a clot in my ..."), so the loop waits the full end-of-utterance silence for more.
CONTINUATION_WORDS = frozenset(
    "a an the my your his her its our their this that these those of in on at to for from with by about "
    "behind under over near into than and or but if because so when while what which who how why where "
    "is are was were be been do does did can could should would will have has had i me it there very "
    "more most some any no not".split()
)


def sounds_finished(text: str) -> bool:
    """True when a transcript reads like a whole question or command, so a short pause may end it."""
    words = text.split()
    return bool(words) and words[-1] not in CONTINUATION_WORDS


def _joined(chunks: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(chunks) if chunks else np.zeros(0, np.int16)


@dataclass
class _Decode:
    covers: int  # samples of the utterance this decode was given
    future: Future[Any]


class EarlyDecoder:
    """One worker thread does all decoding, so the loop's thread only ever hands work over (and, at a pause
    it must judge, waits). Whole-utterance mode: at most one decode runs, and a newer pause replaces a stale
    queued one. Incremental mode: chunks are decoded in the order they came."""

    def __init__(self, recognizer: Any, sample_rate: int) -> None:
        self.recognizer = recognizer
        self.sample_rate = sample_rate
        self.incremental = bool(getattr(recognizer, "supports_streaming", False))
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="voiceguide-decode")
        self._latest: _Decode | None = None
        self._utterance: Any = None
        self.early_hits = 0  # endpoints whose transcript came from an early decode (for figures/tests)

    def begin(self) -> None:
        """A new utterance starts (what came before it is forgotten). It is opened on the worker thread,
        after whatever it was still doing for the last one (a recognizer reuses its decoder)."""
        self.discard()
        if self.incremental:
            self._utterance = self._pool.submit(self.recognizer.open_utterance)

    def feed(self, chunk: np.ndarray) -> None:
        """Every captured chunk, in order, the pre-roll included."""
        if self._utterance is not None:
            opened = self._utterance
            self._pool.submit(lambda: opened.result().accept(chunk))

    def pause(self, chunks: list[np.ndarray]) -> None:
        """The speaker paused: decode everything captured so far (whole-utterance mode)."""
        if self.incremental:
            return
        pcm = _joined(chunks)
        if self._latest is not None and self._latest.covers == len(pcm):
            return
        if self._latest is not None:
            self._latest.future.cancel()  # only succeeds if it has not started; a running one is let finish
        audio = Audio.from_int16(pcm, self.sample_rate)
        self._latest = _Decode(len(pcm), self._pool.submit(self.recognizer.transcribe, audio))

    def heard_so_far(self, voiced_until: int) -> str | None:
        """The words of everything voiced so far, waiting for the decode if it is still running; None when no
        decode covers all the voiced audio. Waiting (instead of "not ready yet, ask again later") keeps the
        loop's decisions a function of the audio alone, so a recording fed at any speed ends its utterances
        at the same places."""
        if self._utterance is not None:
            opened = self._utterance
            return str(self._pool.submit(lambda: opened.result().text_so_far()).result())
        latest = self._latest
        if latest is None or latest.covers < voiced_until:
            return None
        try:
            return str(latest.future.result().text)
        except Exception:  # cancelled or failed: finish() decodes again and reports any error
            return None

    def finish(self, chunks: list[np.ndarray], voiced_until: int) -> Any:
        """The transcript of the utterance that just ended. An early decode is used when it was given all the
        voiced audio (`voiced_until` samples); otherwise the whole capture is decoded now."""
        if self._utterance is not None:
            opened, self._utterance = self._utterance, None
            self.early_hits += 1
            return self._pool.submit(lambda: opened.result().result()).result()
        latest, self._latest = self._latest, None
        if latest is not None and latest.covers >= voiced_until and not latest.future.cancelled():
            try:
                transcript = latest.future.result()
            except Exception:  # the same error will surface from the decode below, on the loop's thread
                log.debug("early decode failed; decoding again", exc_info=True)
            else:
                self.early_hits += 1
                return transcript
        elif latest is not None:
            latest.future.cancel()
        return self.recognizer.transcribe(Audio.from_int16(_joined(chunks), self.sample_rate))

    def discard(self) -> None:
        """The capture was abandoned (barge-in restarted it, or the loop is ending)."""
        self._utterance = None
        if self._latest is not None:
            self._latest.future.cancel()
            self._latest = None

    def close(self) -> None:
        self.discard()
        self._pool.shutdown(wait=True, cancel_futures=True)
