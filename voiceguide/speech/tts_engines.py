"""Which speech engine renders: the `--tts` choice, its voices, and speech written to a WAV file.

Kept apart from the engines themselves so that tts_base (what engines share) never imports an engine, and
each engine's libraries are imported only when that engine is chosen.
"""

from __future__ import annotations

from pathlib import Path

from voiceguide.speech.settings import SpeechSettings
from voiceguide.speech.tts_base import OUTPUT_RATE, SentenceRenderer, TtsEngine, VoiceInfo


def make_renderer(engine: TtsEngine | str = TtsEngine.PYTTSX3, settings: SpeechSettings | None = None,
                  output_rate: int = OUTPUT_RATE, *, strict: bool = True) -> SentenceRenderer:
    """The renderer for `--tts ENGINE`; each engine's libraries are imported only when it is chosen."""
    chosen = TtsEngine(engine)
    if chosen is TtsEngine.PIPER:
        from voiceguide.speech.tts_piper import PiperRenderer

        return PiperRenderer(settings, output_rate, strict=strict)
    from voiceguide.speech.tts import Renderer

    return Renderer(settings, output_rate, strict=strict)


def list_engine_voices(engine: TtsEngine | str = TtsEngine.PYTTSX3) -> list[VoiceInfo]:
    if TtsEngine(engine) is TtsEngine.PIPER:
        from voiceguide.speech.tts_piper import list_voices as piper_voices

        return piper_voices()
    from voiceguide.speech.tts import list_voices

    return list_voices()


def say_to_file(text: str, path: str | Path, settings: SpeechSettings | None = None,
                output_rate: int = OUTPUT_RATE, engine: TtsEngine | str = TtsEngine.PYTTSX3) -> Path:
    """Writes the spoken text as a 16-bit mono WAV (for `say --output` and `batch --out-dir`).

    Through safe_files: a reader never sees half a file, two writers never share a temporary name, and a
    device, pipe, link or folder at the path is refused before anything is rendered.
    """
    import soundfile as sf

    from voiceguide.safe_files import check_target, replacing

    if not any(c.isalnum() for c in text):
        raise ValueError("There is no text to speak.")
    target = Path(path)
    check_target(target)
    audio = make_renderer(engine, settings, output_rate, strict=True).render(text)
    with replacing(target) as temp:
        sf.write(str(temp), audio.to_int16(), audio.sample_rate, subtype="PCM_16", format="WAV")
    return target
