"""`voiceguide serve`: a real server process on 127.0.0.1, the Wyoming package's own client, the embedded
Whisper on recorded questions from tests/audio, and the real speech engine."""

from __future__ import annotations

import asyncio
import json
import wave
from pathlib import Path

import numpy as np
import pytest
import yaml
from wyoming.asr import Transcribe, Transcript
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.event import Event
from wyoming.tts import Synthesize

from tests.sessions import private_env
from tests.wyoming_client import ServerProcess, Session

AUDIO = Path(__file__).parent / "audio"
LABELS = {item["file"]: item for item in yaml.safe_load((AUDIO / "labels.yaml").read_text())}
KNEE = "001-what-are-the-symptoms-of-a-blood-clot-be.wav"
EMERGENCY = "030-my-leg-is-swollen-and-now-i-have-chest-p.wav"
CONCURRENT = [KNEE, EMERGENCY, "014-what-is-deep-vein-thrombosis.wav",
              "027-how-do-you-prevent-blood-clots.wav"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("wyoming")
    process = ServerProcess(root / "server.log", env=private_env(root))
    process.wait_ready()
    process.root = root
    yield process
    code = process.stop()
    assert code == 0, process.stderr
    assert "Traceback" not in process.stderr, process.stderr


@pytest.fixture(scope="module")
def in_process():
    """The same question through `voiceguide ask --audio`'s path in this process:
    what the server must match."""
    from voiceguide.content.content_model import load_content
    from voiceguide.speech.asr.models import choose_recognizer
    from voiceguide.speech.audio_file import load_audio

    content = load_content()
    recognizer, _ = choose_recognizer(content, models_dir=Path("/nonexistent"))
    return {name: recognizer.transcribe(load_audio(AUDIO / name)).text for name in CONCURRENT}


def run(coroutine):
    return asyncio.run(coroutine)


def test_describe_offers_asr_handle_and_tts(server):
    async def session():
        async with Session(server.port) as s:
            return await s.describe()

    info = run(session())
    for programs in (info.asr, info.handle, info.tts):
        assert len(programs) == 1 and programs[0].installed
    assert info.asr[0].models[0].languages == ["en"] and info.asr[0].models[0].name == "whisper"
    assert info.handle[0].models[0].languages == ["en"]
    assert info.tts[0].voices[0].languages == ["en"] and info.tts[0].voices[0].installed
    assert "blood clots" in info.handle[0].description


def test_asr_handle_tts_on_a_recorded_question(server, in_process, content):
    from voiceguide.answer.conversation import Conversation
    from voiceguide.speech.settings import SpeechSettings
    from voiceguide.speech.tts import Renderer

    label = LABELS[EMERGENCY]

    async def session():
        async with Session(server.port) as s:
            heard = await s.transcribe(AUDIO / EMERGENCY)
            handled = await s.handle(heard)
            spoken = await s.synthesize(handled.text)
            return heard, handled, spoken

    heard, handled, spoken = run(session())
    assert heard == in_process[EMERGENCY]  # the same words `ask --audio` hears in the same recording
    reply = Conversation(content).handle(heard)
    assert handled.text == reply.answer
    facts = handled.context["voiceguide"]
    # The urgency the recording is labelled with; the topic is the in-process one (Whisper hears "swollen" as
    # "wet", there as here).
    assert facts["urgency"] == label["urgency"] == reply.urgency.value == "emergency"
    assert facts["topic"] == reply.topic and facts["sources"] == list(reply.sources)
    assert handled.text.startswith("This could be an emergency. Call")
    # 16-bit mono PCM, the renderer's own output for the text: the emergency number went through the
    # speakable step (read digit by digit) exactly as the live assistant says it.
    assert (spoken.rate, spoken.width, spoken.channels) == (22050, 2, 1) and spoken.chunks > 1
    pcm = np.frombuffer(spoken.pcm, dtype="<i2")
    assert len(pcm) > spoken.rate * 3 and np.abs(pcm).max() > 3000
    expected = Renderer(SpeechSettings()).render(handled.text).to_int16()
    # espeak-ng carries a little state from one utterance into the next (the first sentence after a different
    # one comes out some 30 ms longer), and this process has rendered other things than the server has: the
    # same speech to within 0.5% of its length (the number said as a quantity, "nine hundred eleven", is half
    # a second, 4%, shorter), not sample for sample.
    assert abs(len(pcm) - len(expected)) <= 0.005 * len(expected), (len(pcm), len(expected))


def test_handle_keeps_the_conversation_per_connection_and_per_conversation_id(server, content):
    from voiceguide.answer.conversation import Conversation

    question = "what are the symptoms of a blood clot behind the knee"
    local = Conversation(content)
    first, more = local.handle(question).answer, local.handle("tell me more").answer
    fresh_more = Conversation(content).handle("tell me more").answer
    assert more != fresh_more

    async def one_connection():
        async with Session(server.port) as s:
            return (await s.handle(question)).text, (await s.handle("tell me more")).text

    async def connection_per_sentence(conversation_id):  # as Home Assistant does
        async with Session(server.port) as s:
            a = await s.handle(question, conversation_id)
        async with Session(server.port) as s:
            b = await s.handle("tell me more", conversation_id)
        async with Session(server.port) as s:
            c = await s.handle("tell me more", "someone-else")
        return a, b, c

    assert run(one_connection()) == (first, more)
    a, b, c = run(connection_per_sentence("kitchen-01"))
    assert (a.text, b.text) == (first, more) and b.context["conversation_id"] == "kitchen-01"
    assert c.text == fresh_more  # another person's conversation is not continued


def test_four_concurrent_clients(server, in_process):
    async def client(name):
        async with Session(server.port) as s:
            heard = await s.transcribe(AUDIO / name)
            handled = await s.handle(heard)
            spoken = await s.synthesize(handled.text.split(". ")[0] + ".")
            return heard, handled, spoken

    async def all_four():
        return await asyncio.gather(*(client(name) for name in CONCURRENT))

    results = run(all_four())
    for name, (heard, handled, spoken) in zip(CONCURRENT, results, strict=True):
        assert heard == in_process[name], name
        assert handled.text, name
        assert len(spoken.pcm) > 2 * spoken.rate // 2, name  # at least half a second of speech


def test_clients_dropping_mid_stream_leave_the_server_healthy(server, in_process):
    async def drop_mid_audio():
        session = Session(server.port)
        await session.client.connect()
        await session.send(Transcribe(language="en").event())
        with wave.open(str(AUDIO / KNEE), "rb") as wav:
            await session.send(AudioStart(rate=16000, width=2, channels=1).event())
            await session.send(AudioChunk(rate=16000, width=2, channels=1,
                                          audio=wav.readframes(8000)).event())
        session.client._writer.transport.abort()  # gone without a word: no AudioStop, no FIN handshake

    async def drop_after_audio_stop():
        session = Session(server.port)
        await session.client.connect()
        await session.stream(AUDIO / EMERGENCY)
        session.client._writer.transport.abort()  # gone while its question is being decoded

    async def drop_mid_speech():
        session = Session(server.port)
        await session.client.connect()
        await session.send(Synthesize(text="One sentence. " * 12).event())
        assert (await session.read()).type == "audio-start"
        session.client._writer.transport.abort()

    async def then_a_new_client():
        async with Session(server.port) as s:
            return await s.transcribe(AUDIO / KNEE), (await s.synthesize("Still here.")).pcm

    run(drop_mid_audio())
    run(drop_after_audio_stop())
    run(drop_mid_speech())
    heard, pcm = run(then_a_new_client())
    assert heard == in_process[KNEE]
    assert len(pcm) > 0
    assert server.proc.poll() is None


def _chunk(rate=16000, width=2, channels=1, audio=b"\0\0" * 512):
    return AudioChunk(rate=rate, width=width, channels=channels, audio=audio).event()


# Events as a client might send them (bytes: written straight onto the socket, as no Wyoming client would).
BAD_INPUT = {
    "24-bit samples": ([AudioStart(rate=16000, width=3, channels=1).event()], "bad-audio",
                       "sample width of 3"),
    "no channels": ([_chunk(channels=0)], "bad-audio", "0 channels"),
    "rate too low": ([_chunk(rate=100)], "bad-audio", "100 Hz"),
    "half a sample": ([_chunk(audio=b"\0\0\0")], "bad-audio", "not a whole number"),
    "format changes mid-stream": ([_chunk(), _chunk(rate=48000)], "bad-audio", "changed in the middle"),
    "a rate that is text": ([_chunk(rate="16000")], "bad-audio", "whole numbers"),
    "not English": ([Transcribe(language="de").event()], "unsupported-language", "English only"),
    "a question too long": ([Transcript(text="clot " * 600).event()], "bad-text", "too long"),
    "a transcript whose text is a number": ([Event("transcript", {"text": 5})], "bad-event", "'text'"),
    "a text too long to speak": ([Synthesize(text="a" * 20_001).event()], "bad-text", "too long"),
    "an unknown voice": ([Event("synthesize", {"text": "hello", "voice": {"name": "no-such-voice"}})],
                         "unknown-voice", "no voice"),
    "a huge chunk": ([b'{"type": "audio-chunk", "data": {"rate": 16000, "width": 2, "channels": 1}, '
                      b'"payload_length": 10000000000}\n'], "bad-event", "too large"),
    "a header that is not JSON": ([b"hello there\n"], "bad-event", "not JSON"),
    "a header line with no end": ([b"{" + b" " * 70_000], "bad-event", "too large"),
}


@pytest.mark.parametrize("name", list(BAD_INPUT))
def test_bad_input_gets_an_error_event_and_the_server_goes_on(server, name):
    events, code, words = BAD_INPUT[name]

    async def session():
        async with Session(server.port) as s:
            for event in events:
                if isinstance(event, bytes):
                    s.client._writer.write(event)
                    await s.client._writer.drain()
                else:
                    await s.send(event)
            error, closed = await s.error()
        async with Session(server.port) as s:
            info = await s.describe()
        return error, closed, info

    error, closed, info = run(session())
    assert error.code == code and words in error.text, error
    assert closed  # the client is not left waiting for a Transcript that will never come
    assert info.handle
    assert "Traceback" not in server.stderr


def test_more_than_a_minute_of_audio_is_refused(server):
    second = AudioChunk(rate=16000, width=2, channels=1, audio=b"\1\0" * 16000).event()

    async def session():
        async with Session(server.port) as s:
            await s.send(AudioStart(rate=16000, width=2, channels=1).event())
            for _ in range(61):
                await s.send(second)
            await s.send(AudioStop().event())
            return await s.error()

    error, closed = run(session())
    assert error.code == "bad-audio" and "60 s" in error.text and closed


def test_other_formats_are_converted(server, in_process, tmp_path):
    """A 44.1 kHz stereo stream of the question is heard as the 16 kHz mono recording is."""
    import soxr

    with wave.open(str(AUDIO / KNEE), "rb") as wav:
        speech = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2").astype(np.float32) / 32768
    stereo = soxr.resample(np.stack([speech, speech], axis=1), 16000, 44100)
    path = tmp_path / "stereo.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(44100)
        out.writeframes((np.clip(stereo, -1, 1) * 32767).astype("<i2").tobytes())

    async def session():
        async with Session(server.port) as s:
            return await s.transcribe(path)

    heard = run(session())
    assert "symptoms" in heard and "blood clot" in heard and "knee" in heard


def test_nothing_said_is_logged_or_written(server):
    """Run last in this module: after every question above, the server's output and its private HOME, TMPDIR
    and settings folder hold none of them."""
    said = ["symptoms", "blood clot", "chest", "swollen", "thrombosis", "tell me more"]
    log = server.stderr.lower()
    assert not [w for w in said if w in log], log
    written = [p for p in server.root.rglob("*") if p.is_file() and p != server.log]
    assert written == [], written


def test_log_transcripts_only_when_asked(tmp_path):
    root = tmp_path
    log = root / "heard.jsonl"
    process = ServerProcess(root / "server.log", env=private_env(root), extra=("--log-transcripts", str(log)))
    try:
        process.wait_ready()

        async def session():
            async with Session(process.port) as s:
                return await s.handle("how do you prevent blood clots")

        handled = run(session())
    finally:
        assert process.stop() == 0
    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert records[-1]["heard"] == "how do you prevent blood clots" and records[-1]["answer"] == handled.text


@pytest.mark.parametrize(("given", "served"), [
    ("tcp://127.0.0.1:10700", "tcp://127.0.0.1:10700"),
    ("tcp://:10700", "tcp://127.0.0.1:10700"),  # no host: this computer only
    ("tcp://0.0.0.0:10700", "tcp://0.0.0.0:10700"),
    ("unix:///run/vg.sock", "unix:///run/vg.sock"),
])
def test_the_host_is_127_0_0_1_unless_given(given, served):
    from voiceguide.wyoming_service.server import network_note, normalized_uri

    assert normalized_uri(given) == served
    assert (network_note(served) is not None) == ("0.0.0.0" in served)


def test_unusable_uris_and_busy_ports_are_one_line_errors(tmp_path):
    import socket
    import subprocess
    import sys

    from tests.wyoming_client import REPO

    def serve(uri):
        return subprocess.run([sys.executable, "-m", "voiceguide", "serve", "--uri", uri],
                              capture_output=True, text=True, timeout=120, cwd=REPO,
                              env={**private_env(tmp_path), "PYTHONPATH": str(REPO)})

    for uri, words in (("http://127.0.0.1:10700", "not a tcp:// or unix://"),
                       ("tcp://127.0.0.1", "needs a port")):
        done = serve(uri)
        assert done.returncode == 2 and words in done.stderr and len(done.stderr.strip().splitlines()) == 1
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        done = serve(f"tcp://127.0.0.1:{taken.getsockname()[1]}")
    assert done.returncode == 1 and "cannot listen on" in done.stderr and "Traceback" not in done.stderr


def test_named_conversations_are_forgotten_when_idle_and_bounded_in_number(content):
    from voiceguide.answer.conversation import Conversation
    from voiceguide.wyoming_service.conversations import Conversations

    now = [0.0]
    kept = Conversations(lambda: Conversation(content), idle_seconds=300, max_kept=3, clock=lambda: now[0])
    first = kept.named("a")
    assert kept.named("a") is first
    now[0] = 301.0
    assert kept.named("a") is not first  # idle too long: a new conversation
    for name in "bcd":
        kept.named(name)
    assert len(kept) == 3 and kept.named("b") is not None
    kept.forget("b")
    assert len(kept) == 2
