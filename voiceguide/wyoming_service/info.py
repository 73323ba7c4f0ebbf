"""The answer to Describe: what this server offers, as Home Assistant's Wyoming integration reads it.

Three programs: asr (the chosen recognizer), handle (VoiceGuide's answers) and tts (the speech engine), all
English. Home Assistant takes the first installed program of each kind and names its entities after them.
"""

from __future__ import annotations

from wyoming.info import (
    AsrModel,
    AsrProgram,
    Attribution,
    HandleModel,
    HandleProgram,
    Info,
    TtsProgram,
    TtsVoice,
)

from voiceguide import __version__
from voiceguide.answer import messages
from voiceguide.wyoming_service.service import LANGUAGE, VOICE_NAME, Service

VOICEGUIDE = Attribution(name="VoiceGuide", url="")  # no public home page to point at
_ENGINES = {
    "whisper": Attribution(name="OpenAI Whisper, run by faster-whisper", url="https://github.com/SYSTRAN/faster-whisper"),
    "vosk": Attribution(name="Alpha Cephei Vosk", url="https://alphacephei.com/vosk/"),
}
ESPEAK = Attribution(name="eSpeak NG", url="https://github.com/espeak-ng/espeak-ng")


def describe(service: Service) -> Info:
    recognizer = service.recognizer
    engine = getattr(recognizer, "description", None) or recognizer.name
    subject = messages.subject_names(service.content)
    speech = service.speech
    return Info(
        asr=[AsrProgram(
            name="voiceguide-asr", attribution=VOICEGUIDE, installed=True, version=__version__,
            description=f"VoiceGuide speech recognition: {engine}, biased toward questions about {subject}",
            models=[AsrModel(name=recognizer.name, attribution=_ENGINES.get(recognizer.name, VOICEGUIDE),
                             installed=True, description=service.recognizer_reason, version=None,
                             languages=[LANGUAGE])],
        )],
        handle=[HandleProgram(
            name="voiceguide", attribution=VOICEGUIDE, installed=True, version=__version__,
            description=f"VoiceGuide: spoken answers about {subject} from its documents, urgent advice first",
            models=[HandleModel(name="voiceguide", attribution=VOICEGUIDE, installed=True,
                                version=__version__, description=f"answers about {subject}",
                                languages=[LANGUAGE])],
        )],
        tts=[TtsProgram(
            name="voiceguide-tts", attribution=VOICEGUIDE, installed=True, version=__version__,
            description="VoiceGuide speech: eSpeak NG, numbers to dial read digit by digit",
            voices=[TtsVoice(name=VOICE_NAME, attribution=ESPEAK, installed=True, version=None,
                             description=f"VoiceGuide ({speech.voice or 'default voice'}, "
                                         f"{speech.rate} words a minute)",
                             languages=[LANGUAGE])],
        )],
    )
