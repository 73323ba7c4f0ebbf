"""The device boundary: where audio leaves for a speaker and arrives from a microphone.

Everything above this module (the live loop, endpointing, barge-in) sees only AudioOutput and AudioInput, so a
run with files instead of hardware changes nothing but the objects passed in:
- SoundDeviceOutput / MicrophoneInput talk to PortAudio through sounddevice. Output uses a callback stream fed
  from a queue, so stop() silences the speaker at the next audio block (a few ms), which barge-in needs.
- FileOutput / FileInput (voiceguide/speech/file_devices.py) move real audio through real WAV I/O instead, and
  share the playback queue logic here with the speaker.

Errors say in plain words what is wrong and what to do. "Never there" (NoAudioDeviceError: no PortAudio, no
devices, no device by that name) is told apart from "gone" (AudioDeviceLostError: a device that worked
stopped), so the loop can retry only what can come back.
"""

from __future__ import annotations

import collections
import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np

from voiceguide.speech.audio import Audio
from voiceguide.speech.playback_queue import QueuedOutput

INPUT_RATE = 16000  # what the recognizers and the voice activity detector take
INPUT_CHUNK_MS = 20
OUTPUT_RATE = 22050  # the speech renderer's rate: no resampling on the normal path

Kind = Literal["input", "output"]

TEXT_MODE_HINT = "or use text mode: voiceguide chat"


# ---------------------------------------------------------------------------------------------- errors


class AudioDeviceError(RuntimeError):
    """A sound device problem; the message is meant to be shown or spoken to the person as it is."""

    def __init__(self, message: str, kind: Kind | None = None) -> None:
        super().__init__(message)
        self.kind = kind


class NoAudioDeviceError(AudioDeviceError):
    """Never there: no sound system, no device of that kind, or no device by that name. Retrying won't help
    until someone plugs something in."""


class PortAudioMissingError(NoAudioDeviceError):
    """The PortAudio library itself is not installed."""


class DeviceNotFoundError(NoAudioDeviceError):
    """Devices exist, but none matches the name or number asked for."""


class AudioDeviceLostError(AudioDeviceError):
    """Gone: a device that was working stopped (unplugged, driver reset). Worth retrying."""


class AudioFileInputError(ValueError):
    """A recording given in place of the microphone cannot be used; the message names the file."""


def _no_device_message(kind: Kind) -> str:
    if kind == "input":
        return f"No microphone was found. Plug one in, {TEXT_MODE_HINT}."
    return f"No speaker or headphones were found. Connect some, {TEXT_MODE_HINT}."


# ---------------------------------------------------------------------------------------------- devices


@dataclass(frozen=True)
class AudioDevice:
    index: int
    name: str
    hostapi: str
    max_input_channels: int
    max_output_channels: int
    default_samplerate: float
    is_default_input: bool = False
    is_default_output: bool = False

    @property
    def is_input(self) -> bool:
        return self.max_input_channels > 0

    @property
    def is_output(self) -> bool:
        return self.max_output_channels > 0

    def describe(self) -> str:
        roles = [r for r, ok in (("microphone", self.is_input), ("speaker", self.is_output)) if ok]
        defaults = [d for d, ok in (("default input", self.is_default_input),
                                    ("default output", self.is_default_output)) if ok]
        extra = f", {', '.join(defaults)}" if defaults else ""
        return f"{self.index}: {self.name} ({' and '.join(roles) or 'no channels'}, {self.hostapi}{extra})"


_sd_module: ModuleType | None = None


def _sounddevice() -> ModuleType:
    """sounddevice, imported on first use: it loads PortAudio at import time, and a missing library must
    become a plain message rather than an ImportError traceback when the program starts."""
    global _sd_module
    if _sd_module is None:
        try:
            import sounddevice
        except (OSError, ImportError) as exc:
            raise PortAudioMissingError(
                f"The sound system library (PortAudio) is not installed, so VoiceGuide cannot use a "
                f"microphone or speaker ({exc}). Install it with: sudo apt-get install libportaudio2 - "
                f"{TEXT_MODE_HINT}."
            ) from exc
        except Exception as exc:  # PortAudio present but failing to initialise
            raise NoAudioDeviceError(
                f"The sound system could not start ({exc}). Check the sound settings, {TEXT_MODE_HINT}."
            ) from exc
        _sd_module = sounddevice
    return _sd_module


def list_devices() -> list[AudioDevice]:
    """Every device PortAudio knows (may be empty: that is not an error here, find_device decides)."""
    sd = _sounddevice()
    try:
        raw = sd.query_devices()
        hostapis = sd.query_hostapis()
    except Exception as exc:
        raise NoAudioDeviceError(f"The sound devices could not be listed ({exc}), {TEXT_MODE_HINT}.") from exc
    try:
        default_in, default_out = sd.default.device
    except Exception:
        default_in = default_out = -1
    devices = []
    for info in raw:
        index = int(info["index"])
        devices.append(AudioDevice(
            index=index,
            name=str(info["name"]),
            hostapi=str(hostapis[info["hostapi"]]["name"]) if hostapis else "",
            max_input_channels=int(info["max_input_channels"]),
            max_output_channels=int(info["max_output_channels"]),
            default_samplerate=float(info["default_samplerate"]),
            is_default_input=index == default_in,
            is_default_output=index == default_out,
        ))
    return devices


def refresh_devices() -> None:
    """Re-scans the hardware. PortAudio keeps the device list it saw at start-up, so a re-plugged device
    only appears after this. Call it only when no stream is open (the loop's retry does exactly that)."""
    sd = _sounddevice()
    try:
        sd._terminate()
        sd._initialize()
    except Exception as exc:
        raise NoAudioDeviceError(
            f"The sound system could not be restarted ({exc}), {TEXT_MODE_HINT}."
        ) from exc


def find_device(name_or_index: str | int | None = None, kind: Kind = "input") -> AudioDevice:
    """The device to use: None means the system default (or the first suitable one); a number is an index
    from `voiceguide devices`; a name matches exactly or as a case-insensitive part of the device name."""
    devices = [d for d in list_devices() if (d.is_input if kind == "input" else d.is_output)]
    if not devices:
        raise NoAudioDeviceError(_no_device_message(kind), kind)
    if name_or_index is None or (isinstance(name_or_index, str) and not name_or_index.strip()):
        default = next(
            (d for d in devices if (d.is_default_input if kind == "input" else d.is_default_output)), None
        )
        return default or devices[0]
    wanted = name_or_index
    if isinstance(wanted, str) and wanted.strip().isdigit():
        wanted = int(wanted.strip())
    if isinstance(wanted, int):
        match = next((d for d in devices if d.index == wanted), None)
    else:
        key = wanted.strip().lower()
        match = next((d for d in devices if d.name.lower() == key), None) or next(
            (d for d in devices if key in d.name.lower()), None)
    if match is None:
        what = "microphone" if kind == "input" else "speaker"
        available = "; ".join(d.describe() for d in devices)
        raise DeviceNotFoundError(
            f"There is no {what} called {name_or_index!r}. Available: {available}. "
            f"See them with: voiceguide devices",
            kind,
        )
    return match


# ---------------------------------------------------------------------------------------------- output


def _open_stream(open_at: Callable[[int], Any], rates: list[int], what: str, flag: str, kind: Kind) -> Any:
    """A PortAudio stream at the first rate the device takes: ours first (no resampling), then the device's
    own default, which is all some USB devices accept. A device that takes neither fails with words and a
    fix, the same for a speaker and a microphone."""
    sd = _sounddevice()
    error: Exception | None = None
    for rate in dict.fromkeys(rates):
        try:
            return open_at(rate)
        except sd.PortAudioError as exc:
            error = exc
    raise AudioDeviceError(
        f"The {what} could not be opened ({error}). Is another program using it? Try another "
        f"with {flag}, {TEXT_MODE_HINT}.",
        kind,
    )


def _close_stream(stream: Any) -> None:
    """Stops a PortAudio stream at once and releases the device; a device that has vanished must not raise
    on shutdown."""
    if stream is not None:
        with contextlib.suppress(Exception):
            stream.abort()
            stream.close()


class SoundDeviceOutput(QueuedOutput):
    """The speaker. The stream stays open and plays silence between clips, so a new answer starts with no
    device start-up delay and stop() takes effect at the next callback block."""

    def __init__(self, device: str | int | None = None, sample_rate: int = OUTPUT_RATE,
                 blocksize: int = 512) -> None:
        sd = _sounddevice()
        self.device = find_device(device, "output")
        self._closed = False
        self._lost = False
        self._stream: Any = None
        stream = _open_stream(
            lambda rate: sd.OutputStream(
                samplerate=rate, channels=1, dtype="float32", device=self.device.index,
                blocksize=blocksize, latency="low", callback=self._callback,
                finished_callback=self._on_finished,
            ),
            [sample_rate, int(self.device.default_samplerate)], f"speaker {self.device.name!r}",
            "--output-device", "output")
        super().__init__(int(stream.samplerate))
        self._stream = stream
        stream.start()

    def _callback(self, outdata: np.ndarray, frames: int, _time: Any, _status: Any) -> None:
        outdata[:, 0] = self._pull(frames, pad=True)
        self._mark_idle_if_drained()

    def _on_finished(self) -> None:
        if not self._closed:
            self._lost = True  # PortAudio stopped the stream on its own: the device went away
            self._idle.set()

    def _check_usable(self) -> None:
        if self._closed:
            raise AudioDeviceError("The speaker output is closed.", "output")
        if self._lost or (self._stream is not None and not self._stream.active):
            raise AudioDeviceLostError(
                f"The speaker {self.device.name!r} stopped working (unplugged?). Plug it back in.", "output")

    def close(self) -> None:
        self._closed = True
        self.stop()
        _close_stream(self._stream)

    def __enter__(self) -> SoundDeviceOutput:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


# ---------------------------------------------------------------------------------------------- input


@runtime_checkable
class AudioInput(Protocol):
    sample_rate: int  # always INPUT_RATE
    chunk_samples: int

    def chunks(self) -> Iterator[np.ndarray]:
        """int16 mono chunks of chunk_samples each, as they arrive; ends when the input ends."""

    def close(self) -> None: ...


class MicrophoneInput:
    """The microphone through a sounddevice callback and a queue. If the device cannot record at 16 kHz it
    records at its own rate and soxr converts as chunks arrive. When the queue fills (the caller is busy),
    the oldest audio is dropped and counted, never the newest: what matters is what is being said now."""

    def __init__(self, device: str | int | None = None, *, chunk_ms: int = INPUT_CHUNK_MS,
                 max_queue_seconds: float = 10.0, lost_after: float = 2.0) -> None:
        sd = _sounddevice()
        self.device = find_device(device, "input")
        self.sample_rate = INPUT_RATE
        self.chunk_samples = INPUT_RATE * chunk_ms // 1000
        self.dropped_chunks = 0
        self.lost_after = lost_after
        self._queue: collections.deque[np.ndarray] = collections.deque(
            maxlen=max(1, int(max_queue_seconds * 1000 / chunk_ms)))
        self._ready = threading.Condition()
        self._closed = False
        self._resampler: Any = None
        self._pending = np.zeros(0, dtype=np.int16)
        self._stream: Any = None
        stream = _open_stream(
            lambda rate: sd.InputStream(
                samplerate=rate, channels=1, dtype="float32", device=self.device.index,
                blocksize=rate * chunk_ms // 1000, callback=self._callback,
            ),
            [INPUT_RATE, int(self.device.default_samplerate)], f"microphone {self.device.name!r}",
            "--input-device", "input")
        if int(stream.samplerate) != INPUT_RATE:
            import soxr

            self._resampler = soxr.ResampleStream(stream.samplerate, INPUT_RATE, 1, dtype="float32")
        self._stream = stream
        stream.start()

    def _callback(self, indata: np.ndarray, _frames: int, _time: Any, _status: Any) -> None:
        samples = indata[:, 0]
        if self._resampler is not None:
            samples = self._resampler.resample_chunk(samples)
        pcm = Audio(np.ascontiguousarray(samples, dtype=np.float32), INPUT_RATE).to_int16()
        with self._ready:
            self._pending = np.concatenate([self._pending, pcm])
            n = self.chunk_samples
            while len(self._pending) >= n:
                if len(self._queue) == self._queue.maxlen:
                    self.dropped_chunks += 1
                self._queue.append(self._pending[:n])
                self._pending = self._pending[n:]
            self._ready.notify_all()

    def chunks(self) -> Iterator[np.ndarray]:
        silent_since = time.monotonic()
        while not self._closed:
            with self._ready:
                if not self._queue:
                    self._ready.wait(timeout=0.1)
                chunk = self._queue.popleft() if self._queue else None
            if chunk is not None:
                silent_since = time.monotonic()
                yield chunk
                continue
            if self._closed:
                return
            if not self._stream.active or time.monotonic() - silent_since > self.lost_after:
                raise AudioDeviceLostError(
                    f"The microphone {self.device.name!r} stopped sending sound (unplugged?). "
                    "Plug it back in.",
                    "input",
                )

    def close(self) -> None:
        self._closed = True
        with self._ready:
            self._ready.notify_all()
        _close_stream(self._stream)

    def __enter__(self) -> MicrophoneInput:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
