"""Text to speech audio: pyttsx3 (espeak-ng here) rendered sentence by sentence into `Audio`.

Why it is built this way:
- pyttsx3 engines are not thread-safe and espeak-ng can only be initialised once per process, so one engine
  lives on one dedicated thread for the whole process and every render is a job queued to it.
- Rendering goes through pyttsx3's save_to_file into a private temporary directory (mode 0700) that is removed
  as soon as the samples are read: nothing spoken lingers on disk.
- pyttsx3 2.99 prints "Audio saved to ..." on stdout, which would corrupt `--json` output. Redirecting the
  stdout file descriptor would also swallow captions printed by other threads while a sentence renders in the
  background, so instead the driver module's own `print` is rebound to a debug logger (tests check at the
  file-descriptor level that nothing reaches stdout).
- Sentences, the speakable-text step, settings and lookahead are shared with the other engines
  (voiceguide.speech.tts_base); this module only renders one sentence with espeak-ng and names its voices.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import soundfile as sf

from voiceguide.speech import espeak_bounds
from voiceguide.speech.audio import Audio
from voiceguide.speech.settings import SpeechSettings
from voiceguide.speech.tts_base import (
    OUTPUT_RATE,
    SentenceRenderer,
    SpeechEngineError,
    SpokenSentence,
    TtsEngine,
    VoiceInfo,
    VoiceNotFoundError,
    VoiceWarning,
    resampled,
    spoken_sentences,
)

__all__ = [
    "OUTPUT_RATE", "Renderer", "SpeechEngineError", "SpokenSentence", "VoiceInfo", "VoiceNotFoundError",
    "VoiceWarning", "list_voices", "resolve_voice", "spoken_sentences",
]

log = logging.getLogger(__name__)

_T = TypeVar("_T")
_IDLE_TIMEOUT = 10.0  # seconds espeak-ng may take to finish queued commands before we go on regardless


# ---------------------------------------------------------------------------------------------- engine thread


def _driver_print(*args: Any, **_kwargs: Any) -> None:
    log.debug("pyttsx3: %s", " ".join(str(a) for a in args))


@contextlib.contextmanager
def _no_sound_server() -> Iterator[None]:
    """Keeps espeak-ng from touching the sound system while it initialises; we never let it play.

    pyttsx3 initialises espeak-ng with AUDIO_OUTPUT_RETRIEVAL (samples come back to us), yet espeak-ng 1.51
    (Debian 12) opens an audio device anyway: espeak_Initialize -> espeak_ng_InitializeOutput ->
    pcaudiolib's create_audio_device_object -> pa_simple_new -> pa_context_connect, and with no
    XDG_RUNTIME_DIR the PulseAudio client then creates ~/.config/pulse, $TMPDIR/pulse-XXXXXXXX and a
    "<machine-id>-runtime" symlink between them (seen with strace -k), empty but left behind on every
    machine that renders. (espeak-ng 1.52 only opens audio for playback modes.) An empty PULSE_SERVER makes
    libpulse give up before it resolves any path or opens any socket, so nothing is created; pcaudiolib's
    ALSA fallback only opens a device when asked to play, which espeak-ng never is here.

    The variable is set only for the duration of the one espeak_Initialize call and then restored, because
    the process's real speaker (PortAudio, possibly through ALSA's PulseAudio plugin) must still find the
    sound server. The engine is initialised once, on the engine thread, before any device is opened.
    """
    saved = os.environ.get("PULSE_SERVER")
    os.environ["PULSE_SERVER"] = ""
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("PULSE_SERVER", None)
        else:
            os.environ["PULSE_SERVER"] = saved


class _EngineThread:
    """The single thread that owns the pyttsx3 engine; all engine calls are jobs run there, in order."""

    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="voiceguide-tts")
        self._engine: Any = None
        self._synth_callback: Any = None  # the ctypes thunk espeak-ng calls: must outlive every render
        self._lock = threading.Lock()
        self.utterance_done = threading.Event()

    def _get_engine(self) -> Any:  # only ever called on the engine thread
        if self._engine is None:
            try:
                import pyttsx3
                import pyttsx3.drivers.espeak as espeak_driver
            except Exception as exc:  # the shared library is loaded at import time
                raise SpeechEngineError(
                    f"The speech engine could not be loaded ({exc}). Install espeak-ng "
                    "(sudo apt-get install espeak-ng) and the pyttsx3 package."
                ) from exc
            espeak_driver.print = _driver_print  # type: ignore[attr-defined]
            espeak_bounds.install(espeak_driver._espeak)
            try:
                with _no_sound_server():
                    engine = pyttsx3.init("espeak")
            except Exception as exc:
                raise SpeechEngineError(
                    f"The speech engine (espeak-ng) could not start ({exc}). "
                    "Install espeak-ng: sudo apt-get install espeak-ng"
                ) from exc
            # espeak-ng delivers audio from its own thread and pyttsx3 2.99's runAndWait can return before the
            # WAV is written; the driver's "finished-utterance" notification is the reliable end signal.
            engine.connect("finished-utterance", lambda **_kw: self.utterance_done.set())
            self._synth_callback = espeak_bounds.synth_callback(espeak_driver._espeak)
            self._engine = engine
        return self._engine

    def submit(self, job: Callable[[Any], _T]) -> Future[_T]:
        with self._lock:
            return self._executor.submit(lambda: job(self._get_engine()))

    def run(self, job: Callable[[Any], _T]) -> _T:
        return self.submit(job).result()


_ENGINE = _EngineThread()


# ---------------------------------------------------------------------------------------------- voices

_voice_cache: tuple[list[VoiceInfo], list[str]] | None = None


def _query_voices(engine: Any) -> tuple[list[VoiceInfo], list[str]]:
    voices = [
        VoiceInfo(id=v.id, name=v.name, languages=tuple(v.languages or ()), gender=v.gender)
        for v in engine.getProperty("voices")
    ]
    variants: list[str] = []
    with contextlib.suppress(Exception):  # variants are optional; an older driver may not expose them
        from pyttsx3.drivers import _espeak

        spec = _espeak.VOICE()
        spec.languages = b"variant"
        variants = [v.identifier.decode("utf-8").split("/", 1)[-1] for v in _espeak.ListVoices(spec)]
    return voices, variants


def _voices_and_variants() -> tuple[list[VoiceInfo], list[str]]:
    global _voice_cache
    if _voice_cache is None:
        _voice_cache = _ENGINE.run(_query_voices)
    return _voice_cache


def list_voices() -> list[VoiceInfo]:
    return list(_voices_and_variants()[0])


def _suggestions(voices: list[VoiceInfo], wanted: str) -> str:
    english = [v for v in voices if any(lang.startswith("en") for lang in v.languages)]
    close = [v for v in voices if wanted.lower()[:2] and v.id.split("/")[-1].startswith(wanted.lower()[:2])]
    picks = list(dict.fromkeys([*close, *english, *voices]))[:6]
    return ", ".join(f"{v.id} ({v.name})" for v in picks)


def resolve_voice(voice: str) -> str:
    """The engine voice id for what a person typed: an id ("gmw/en-us"), a language ("en-us"), a name
    ("English (America)"), optionally with an espeak-ng variant ("en-us+f3"). Raises VoiceNotFoundError."""
    voices, variants = _voices_and_variants()
    base, _, variant = voice.strip().partition("+")
    key = base.strip().lower()
    match = next(
        (v for v in voices
         if key in (v.id.lower(), v.id.lower().split("/")[-1], v.name.lower())
         or key in (lang.lower() for lang in v.languages)),
        None,
    )
    if match is None:
        raise VoiceNotFoundError(
            f"There is no voice called {voice!r}. Some available voices: {_suggestions(voices, key)}. "
            "See them all with: voiceguide voices"
        )
    if variant:
        known = {name.lower(): name for name in variants}
        if variants and variant.strip().lower() not in known:
            shown = ", ".join(sorted(variants, key=str.lower)[:10])
            raise VoiceNotFoundError(f"There is no voice variant {variant!r}. Some variants: {shown}.")
        return f"{match.id}+{known.get(variant.strip().lower(), variant.strip())}"
    return match.id


# ---------------------------------------------------------------------------------------------- rendering


def _apply_properties(engine: Any, voice: str | None, rate: int, volume: float) -> None:
    """Sets voice, rate and volume so that they really apply to the next utterance.

    Through engine.setProperty they are queued, and pyttsx3 2.99's runAndWait then calls the driver's stop(),
    which cancels espeak-ng's command queue while those parameter changes are still in it: the rate change is
    silently lost (seen here: rate 250 rendered at the previous rate). So they go straight to the driver, and
    espeak-ng must be idle before (the voice is swapped at once, under the feet of a render still running on
    espeak-ng's own thread) and after (rate and volume are queued commands) they change.
    """
    from pyttsx3.drivers import _espeak

    driver = getattr(getattr(engine, "proxy", None), "_driver", None)
    target = driver if driver is not None else engine  # an unknown layout: queued properties are the best
    espeak_bounds.wait_until_idle(_espeak, _IDLE_TIMEOUT)
    if voice is not None:
        target.setProperty("voice", voice)
    target.setProperty("rate", int(rate))
    target.setProperty("volume", float(volume))
    if driver is not None:
        espeak_bounds.wait_until_idle(_espeak, _IDLE_TIMEOUT)


def _render_job(
    text: str, voice: str | None, rate: int, volume: float, output_rate: int
) -> Callable[..., Audio]:
    def job(engine: Any) -> Audio:
        from pyttsx3.drivers import _espeak

        with tempfile.TemporaryDirectory(prefix="voiceguide-tts-") as private_dir:
            wav = Path(private_dir) / "sentence.wav"
            _apply_properties(engine, voice, rate, volume)
            _ENGINE.utterance_done.clear()
            engine.save_to_file(text, str(wav))
            engine.runAndWait()
            finished = _ENGINE.utterance_done.wait(timeout=10.0 + len(text) / 10.0)
            if not finished:  # stopped here, so that it cannot run on into the next render
                espeak_bounds.cancel(_espeak)
            # the callback that announced the end still runs on espeak-ng's thread: let it return first
            espeak_bounds.wait_until_idle(_espeak, _IDLE_TIMEOUT)
            if not finished or not wav.exists():
                raise SpeechEngineError(f"The speech engine produced no audio for: {text[:60]!r}")
            samples, rate_in = sf.read(str(wav), dtype="float32", always_2d=True)
        mono = samples.mean(axis=1) if samples.shape[1] > 1 else samples[:, 0]
        return resampled(mono, rate_in, output_rate)

    return job


class Renderer(SentenceRenderer):
    """pyttsx3 (espeak-ng). Cheap to create; all instances share the one engine thread."""

    engine = TtsEngine.PYTTSX3

    def _resolve_voice(self, voice: str) -> str:
        return resolve_voice(voice)

    def _default_voice(self) -> str | None:
        return _default_voice_id()

    def _submit(
        self, text: str, voice_id: str | None, settings: SpeechSettings
    ) -> Future[tuple[Audio, float]]:
        job = _render_job(text, voice_id, settings.rate, settings.volume, self.output_rate)
        return _ENGINE.submit(lambda engine: (job(engine), time.perf_counter()))


_default_voice: str | None = None


def _default_voice_id() -> str | None:
    """The voice the engine starts with, remembered so a stream with voice=None resets a previous voice."""
    global _default_voice
    if _default_voice is None:
        def query(engine: Any) -> str | None:
            from pyttsx3.drivers.espeak import EspeakDriver

            return getattr(EspeakDriver, "_defaultVoice", None) or engine.getProperty("voice")

        _default_voice = _ENGINE.run(query)
    return _default_voice
