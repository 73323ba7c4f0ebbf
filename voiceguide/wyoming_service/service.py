"""What every connection shares: the recognizer, the speech settings, the conversations and the description.

The recognizer is loaded once, at start-up, and decodes one utterance at a time on its own thread (decoders
are not safe to share between threads, and two decodes would only split the same cores); clients queue for
it. Speech goes to the renderer, whose one engine thread already takes jobs in order
(voiceguide/speech/tts.py). Answers are computed on the event loop itself: a turn takes about a millisecond,
and one thread means no two turns of a conversation can interleave.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from voiceguide.answer.commands import Command
from voiceguide.answer.conversation import Conversation
from voiceguide.answer.reply import Reply
from voiceguide.content.content_model import Content
from voiceguide.live.transcript_log import TranscriptLog
from voiceguide.speech.asr.base import Recognizer
from voiceguide.speech.asr.base import Transcript as Heard
from voiceguide.speech.audio import Audio
from voiceguide.speech.settings import ADJUSTMENTS, SpeechSettings, adjust, adjustment_feedback
from voiceguide.speech.tts import Renderer, resolve_voice
from voiceguide.wyoming_service.conversations import Conversations

LANGUAGE = "en"
VOICE_NAME = "voiceguide"  # the one voice described: the server's own (saved settings, then "slower" etc.)


@dataclass(frozen=True)
class Limits:
    max_clients: int = 32  # connections at once; more are told the server is busy
    idle_seconds: float = 600.0  # a connection with no event for this long is closed
    stream_gap_seconds: float = 30.0  # ... or for this long in the middle of an utterance
    max_speak_chars: int = 20_000  # one Synthesize: the longest answer with all its "more" is far shorter


class Service:
    def __init__(self, content: Content, recognizer: Recognizer, recognizer_reason: str, *,
                 emergency_number: str, speech: SpeechSettings, limits: Limits = Limits(),
                 transcript_log: TranscriptLog | None = None) -> None:
        self.content = content
        self.recognizer = recognizer
        self.recognizer_reason = recognizer_reason
        self.emergency_number = emergency_number
        self.limits = limits
        self.transcript_log = transcript_log
        self.conversations = Conversations(self.new_conversation)
        self.clients = 0
        self._speech = speech
        self._speech_lock = threading.Lock()
        self._decoder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="voiceguide-asr")

    # -- speech to text --------------------------------------------------------------------------
    async def transcribe(self, audio: Audio) -> Heard:
        return await asyncio.get_running_loop().run_in_executor(self._decoder, self.recognizer.transcribe,
                                                                audio)

    # -- answers ---------------------------------------------------------------------------------
    def new_conversation(self) -> Conversation:
        return Conversation(self.content, emergency_number=self.emergency_number)

    def answer(self, conversation: Conversation, text: str) -> Reply:
        """One turn. Over Wyoming, "slower", "louder" and the like change this server's voice (in memory,
        for every client: it is one voice), and the reply says whether a limit was reached."""
        reply = conversation.handle(text)
        if reply.command is not None and reply.command.value in ADJUSTMENTS:
            with self._speech_lock:
                before = self._speech
                self._speech = adjust(before, reply.command.value)
            from dataclasses import replace

            reply = replace(reply, answer=adjustment_feedback(before, self._speech, reply.command.value))
        return reply

    @staticmethod
    def ends_conversation(reply: Reply) -> bool:
        """After goodbye the person is gone: nothing of what they asked is kept."""
        return reply.command is Command.GOODBYE

    # -- text to speech --------------------------------------------------------------------------
    @property
    def speech(self) -> SpeechSettings:
        with self._speech_lock:
            return self._speech

    def renderer(self, voice: str | None = None) -> Renderer:
        """A renderer with the server's settings, or with the voice a client asked for (VoiceNotFoundError
        when there is no such voice). Blocks on the speech engine: call it off the event loop."""
        settings = self.speech
        if voice and voice != VOICE_NAME:
            from dataclasses import replace

            resolve_voice(voice)
            settings = replace(settings, voice=voice)
        return Renderer(settings, strict=True)

    def close(self) -> None:
        self._decoder.shutdown(wait=False, cancel_futures=True)
