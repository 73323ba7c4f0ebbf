"""A real `voiceguide serve` process on 127.0.0.1 and the Wyoming package's own client talking to it: used by
tests/test_wyoming_server.py and the `wyoming` section of scripts/bench.py."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import wave
from dataclasses import dataclass
from pathlib import Path

from wyoming.asr import Transcribe, Transcript
from wyoming.audio import AudioStop, wav_to_chunks
from wyoming.client import AsyncTcpClient
from wyoming.error import Error
from wyoming.event import Event
from wyoming.handle import Handled
from wyoming.info import Describe, Info
from wyoming.tts import Synthesize, SynthesizeVoice

REPO = Path(__file__).resolve().parents[1]
READY = "serving Wyoming on"
READ_TIMEOUT = 120.0  # seconds for one event: a loaded two-core machine can queue four decodes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerProcess:
    """`python -m voiceguide serve --uri tcp://127.0.0.1:PORT ...`, its standard error kept in a file."""

    def __init__(self, log: Path, env: dict[str, str] | None = None, extra: tuple[str, ...] = ()) -> None:
        self.port = free_port()
        self.log = log
        env = dict(env if env is not None else os.environ)
        env["PYTHONPATH"] = str(REPO)
        env.setdefault("OMP_NUM_THREADS", "1")
        self._stderr = log.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "voiceguide", "serve", "--uri", f"tcp://127.0.0.1:{self.port}", *extra],
            stdout=subprocess.DEVNULL, stderr=self._stderr, env=env, cwd=REPO)

    def wait_ready(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while READY not in self.stderr:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the server did not start; it said:\n{self.stderr}")
            time.sleep(0.1)

    @property
    def stderr(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait(10)
        self._stderr.close()
        return code


@dataclass
class Spoken:
    rate: int
    width: int
    channels: int
    pcm: bytes
    chunks: int


class Session:
    """One connection, several requests on it (as a satellite or a test keeps it open)."""

    def __init__(self, port: int) -> None:
        self.client = AsyncTcpClient("127.0.0.1", port, read_timeout=READ_TIMEOUT)

    async def __aenter__(self) -> Session:
        await self.client.connect()
        return self

    async def __aexit__(self, *_exc) -> None:
        await self.client.disconnect()

    async def send(self, event: Event) -> None:
        await self.client.write_event(event)

    async def read(self) -> Event | None:
        return await self.client.read_event()

    async def describe(self) -> Info:
        await self.send(Describe().event())
        return Info.from_event(await self._expect("info"))

    async def stream(self, wav_path: Path, samples_per_chunk: int = 1024, *, stop: bool = True) -> None:
        await self.send(Transcribe(language="en").event())
        with wave.open(str(wav_path), "rb") as wav:
            for chunk in wav_to_chunks(wav, samples_per_chunk=samples_per_chunk, start_event=True):
                await self.send(chunk.event())
        if stop:
            await self.send(AudioStop().event())

    async def transcribe(self, wav_path: Path) -> str:
        await self.stream(wav_path)
        return Transcript.from_event(await self._expect("transcript")).text

    async def handle(self, text: str, conversation_id: str | None = None) -> Handled:
        context = {"conversation_id": conversation_id} if conversation_id else None
        await self.send(Transcript(text=text, context=context).event())
        return Handled.from_event(await self._expect("handled"))

    async def synthesize(self, text: str, voice: str | None = None) -> Spoken:
        await self.send(Synthesize(text=text, voice=SynthesizeVoice(name=voice) if voice else None).event())
        start = await self._expect("audio-start")
        pcm, chunks = bytearray(), 0
        while True:
            event = await self.read()
            assert event is not None, "the connection closed before AudioStop"
            if event.type == "audio-stop":
                break
            assert event.type == "audio-chunk", (event.type, event.data)
            assert (event.data["rate"], event.data["width"], event.data["channels"]) == \
                (start.data["rate"], start.data["width"], start.data["channels"])
            pcm += event.payload or b""
            chunks += 1
        return Spoken(start.data["rate"], start.data["width"], start.data["channels"], bytes(pcm), chunks)

    async def error(self) -> tuple[Error, bool]:
        """The Error event the server answered with, and whether it then closed the connection."""
        error = Error.from_event(await self._expect("error"))
        return error, await self.read() is None

    async def _expect(self, wanted: str) -> Event:
        event = await self.read()
        assert event is not None, f"the connection closed; expected {wanted}"
        if event.type == "error" and wanted != "error":
            raise AssertionError(f"expected {wanted}, got Error {event.data}")
        assert event.type == wanted, (wanted, event.type, event.data)
        return event


def run(coroutine):
    return asyncio.run(coroutine)
