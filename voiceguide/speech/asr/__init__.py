"""Speech in: turn audio into a lower-case transcript, biased toward what VoiceGuide can answer."""

from voiceguide.speech.asr.base import Recognizer, RecognizerError, Transcript, Word

__all__ = ["Recognizer", "RecognizerError", "Transcript", "Word"]
