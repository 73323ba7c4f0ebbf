"""One client connection: its events in, VoiceGuide's events out.

- asr: [Transcribe] AudioStart AudioChunk... AudioStop -> Transcript (the recognizer's text);
- handle: Transcript -> Handled (the answer's text; context carries the conversation id and the answer's
  topic, urgency and sources);
- tts: Synthesize -> AudioStart AudioChunk... AudioStop (16-bit mono, a sentence at a time as it renders);
- Describe -> Info, Ping -> Pong. Other events are dropped, as the protocol asks.

Bad input is answered with one Error event (a plain sentence and a code) and the connection is closed: a
client waiting for a Transcript or AudioStop then sees the connection end instead of waiting forever, and the
server goes on serving everyone else. Nothing a person said is logged, unless --log-transcripts asked for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from enum import Enum
from typing import Any

from wyoming.asr import Transcribe, Transcript
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.error import Error
from wyoming.event import Event
from wyoming.handle import Handled
from wyoming.info import Describe
from wyoming.ping import Ping, Pong
from wyoming.server import AsyncEventHandler
from wyoming.tts import Synthesize

from voiceguide.answer.conversation import Conversation
from voiceguide.input_limits import question_problem
from voiceguide.speech.asr.base import RecognizerError
from voiceguide.speech.tts import SpeechEngineError, VoiceNotFoundError
from voiceguide.wyoming_service.audio_in import StreamError, StreamFormat, Utterance
from voiceguide.wyoming_service.conversations import conversation_id
from voiceguide.wyoming_service.events import EventError, read_event
from voiceguide.wyoming_service.info import describe
from voiceguide.wyoming_service.service import LANGUAGE, Service

log = logging.getLogger(__name__)

SAMPLES_PER_CHUNK = 1024  # what Wyoming's own servers send


class Code(str, Enum):
    BAD_EVENT = "bad-event"
    BAD_AUDIO = "bad-audio"
    BAD_TEXT = "bad-text"
    LANGUAGE = "unsupported-language"
    VOICE = "unknown-voice"
    BUSY = "busy"
    RECOGNIZER = "recognizer-failed"
    SPEECH = "speech-failed"
    INTERNAL = "internal-error"


class Refused(Exception):
    """A request this connection cannot serve: sent to the client as an Error event, then it is closed."""

    def __init__(self, code: Code, text: str) -> None:
        super().__init__(text)
        self.code = code
        self.text = text


class VoiceGuideHandler(AsyncEventHandler):
    def __init__(self, service: Service, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        super().__init__(reader, writer)
        self.service = service
        self._utterance: Utterance | None = None
        self._conversation: Conversation | None = None  # this connection's, when the client names none

    # -- the connection ---------------------------------------------------------------------------
    async def run(self) -> None:
        """The library's loop, with limits: bounded events, an idle timeout, a cap on clients, and every
        failure kept to this connection."""
        service = self.service
        service.clients += 1
        try:
            if service.clients > service.limits.max_clients:
                raise Refused(Code.BUSY, f"the server is busy ({service.limits.max_clients} clients "
                                         "connected); try again shortly")
            while True:
                event = await self._next_event()
                if event is None or not await self.handle_event(event):
                    break
        except Refused as refused:
            log.info("refused a client's request: %s", refused.text)
            with contextlib.suppress(ConnectionError, RuntimeError):
                await self.write_event(Error(text=refused.text, code=refused.code.value).event())
        except (ConnectionError, asyncio.IncompleteReadError):
            log.debug("a client went away mid-request")
        except Exception as exc:  # a bug must cost one connection, never the server; no user text in the log
            log.warning("internal error (%s); the client was told and disconnected", type(exc).__name__)
            log.debug("internal error", exc_info=True)
            with contextlib.suppress(ConnectionError, RuntimeError):
                await self.write_event(Error(text="VoiceGuide had an internal error with this request",
                                             code=Code.INTERNAL.value).event())
        finally:
            service.clients -= 1
            self._utterance = None
            self._conversation = None
            await self.disconnect()
            self.writer.close()

    async def _next_event(self) -> Event | None:
        limits = self.service.limits
        timeout = limits.stream_gap_seconds if self._utterance is not None else limits.idle_seconds
        try:
            return await asyncio.wait_for(read_event(self.reader), timeout)
        except asyncio.TimeoutError:
            log.info("closed a connection idle for %.0f s", timeout)
            return None
        except EventError as exc:
            raise Refused(Code.BAD_EVENT, str(exc)) from None

    async def handle_event(self, event: Event) -> bool:
        if Describe.is_type(event.type):
            await self.write_event(describe(self.service).event())
        elif Ping.is_type(event.type):
            await self.write_event(Pong(text=_get(event, "text", str, required=False)).event())
        elif Transcribe.is_type(event.type):
            self._transcribe(event)
        elif AudioStart.is_type(event.type):
            self._utterance = Utterance(self.service.recognizer.sample_rate)
            self._utterance.start(_format(event))
        elif AudioChunk.is_type(event.type):
            await self._chunk(event)
        elif AudioStop.is_type(event.type):
            await self._heard()
        elif Transcript.is_type(event.type):
            await self._answer(event)
        elif Synthesize.is_type(event.type):
            await self._speak(event)
        return True

    # -- asr --------------------------------------------------------------------------------------
    def _transcribe(self, event: Event) -> None:
        language = _get(event, "language", str, required=False)
        if language and language.lower().replace("_", "-").split("-")[0] != LANGUAGE:
            raise Refused(Code.LANGUAGE, f"VoiceGuide understands English only, not {language[:20]!r}")
        self._utterance = None

    async def _chunk(self, event: Event) -> None:
        if self._utterance is None:
            self._utterance = Utterance(self.service.recognizer.sample_rate)
        try:
            self._utterance.add(_format(event), event.payload or b"")
        except StreamError as exc:
            raise Refused(Code.BAD_AUDIO, str(exc)) from None

    async def _heard(self) -> None:
        utterance, self._utterance = self._utterance, None
        text = ""
        if utterance is not None:
            try:
                audio = utterance.finish()
            except StreamError as exc:
                raise Refused(Code.BAD_AUDIO, str(exc)) from None
            try:
                text = (await self.service.transcribe(audio)).text if audio.duration else ""
            except RecognizerError as exc:
                raise Refused(Code.RECOGNIZER, f"the recognizer failed: {exc}") from None
        if self.service.transcript_log is not None:
            self.service.transcript_log.write(text, None)
        await self.write_event(Transcript(text=text, language=LANGUAGE).event())

    # -- handle -----------------------------------------------------------------------------------
    async def _answer(self, event: Event) -> None:
        text = _get(event, "text", str)
        problem = question_problem(text)
        if problem:
            raise Refused(Code.BAD_TEXT, problem)
        named = conversation_id(event.data.get("context"))
        service = self.service
        if named is not None:
            conversation = service.conversations.named(named)
        else:
            conversation = self._conversation = self._conversation or service.new_conversation()
        reply = service.answer(conversation, text)
        if service.ends_conversation(reply):
            if named is not None:
                service.conversations.forget(named)
            else:
                self._conversation = None
        if service.transcript_log is not None:
            service.transcript_log.write(text, reply)
        context: dict[str, Any] = {"voiceguide": {"topic": reply.topic, "urgency": reply.urgency.value,
                                                  "sources": list(reply.sources)}}
        if named is not None:
            context["conversation_id"] = named
        await self.write_event(Handled(text=reply.answer, context=context).event())

    # -- tts --------------------------------------------------------------------------------------
    async def _speak(self, event: Event) -> None:
        text = _get(event, "text", str)
        limit = self.service.limits.max_speak_chars
        if len(text) > limit:
            raise Refused(Code.BAD_TEXT, f"the text to speak is too long ({len(text):,} characters; at most "
                                         f"{limit:,})")
        voice_data = event.data.get("voice")
        voice = voice_data.get("name") if isinstance(voice_data, dict) else None
        voice = voice if isinstance(voice, str) else None
        loop = asyncio.get_running_loop()
        try:
            renderer = await loop.run_in_executor(None, self.service.renderer, voice)
        except VoiceNotFoundError as exc:
            raise Refused(Code.VOICE, str(exc)) from None
        except SpeechEngineError as exc:
            raise Refused(Code.SPEECH, str(exc)) from None
        rate = renderer.output_rate
        await self.write_event(AudioStart(rate=rate, width=2, channels=1).event())
        sentences = renderer.render_sentences(text)
        try:
            while True:
                try:
                    sentence = await loop.run_in_executor(None, next, sentences, None)
                except SpeechEngineError as exc:
                    raise Refused(Code.SPEECH, str(exc)) from None
                if sentence is None:
                    break
                pcm = sentence.audio.to_int16().tobytes()
                step = SAMPLES_PER_CHUNK * 2
                for start in range(0, len(pcm), step):
                    await self.write_event(AudioChunk(rate=rate, width=2, channels=1,
                                                      audio=pcm[start : start + step]).event())
        finally:
            with contextlib.suppress(ValueError):  # still running on its thread when the server stops
                sentences.close()  # a client gone mid-answer: sentences not yet rendered are cancelled
        await self.write_event(AudioStop().event())


def _get(event: Event, key: str, kind: type, *, required: bool = True) -> Any:
    value = event.data.get(key) if isinstance(event.data, dict) else None
    if value is None and not required:
        return None
    if not isinstance(value, kind) or isinstance(value, bool):
        raise Refused(Code.BAD_EVENT, f"a {event.type} event needs {key!r} as {kind.__name__}")
    return value


def _format(event: Event) -> StreamFormat:
    data = event.data if isinstance(event.data, dict) else {}
    try:
        return StreamFormat.checked(data.get("rate"), data.get("width"), data.get("channels"))
    except StreamError as exc:
        raise Refused(Code.BAD_AUDIO, str(exc)) from None
