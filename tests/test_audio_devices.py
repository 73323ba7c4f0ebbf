"""The device boundary with real PortAudio (which has no devices on this machine and in CI) and real WAV I/O.

Where a sound card cannot exist, a file-backed output and input move real audio instead of a mock.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from voiceguide.speech import audio_devices as ad
from voiceguide.speech import file_devices as fd
from voiceguide.speech import playback_queue
from voiceguide.speech.audio import Audio
from voiceguide.speech.settings import SpeechSettings
from voiceguide.speech.tts import Renderer

ROOT = Path(__file__).resolve().parents[1]


def _tone(hz: float, seconds: float, rate: int = ad.OUTPUT_RATE, level: float = 0.5) -> Audio:
    t = np.arange(int(seconds * rate)) / rate
    return Audio((level * np.sin(2 * np.pi * hz * t)).astype(np.float32), rate)


def _dominant_hz(samples: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float64)))
    return float(np.fft.rfftfreq(len(samples), 1 / rate)[int(np.argmax(spectrum))])


def _run_python(code: str, env_extra: dict[str, str] | None = None) -> dict:
    env = {**os.environ, **(env_extra or {})}
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------------- no hardware


@pytest.fixture
def no_devices() -> None:
    if ad.list_devices():
        pytest.skip("this machine has sound devices; the no-device behaviour is checked where there are none")


def test_no_microphone_or_speaker_is_explained(no_devices: None) -> None:
    with pytest.raises(ad.NoAudioDeviceError) as raised:
        ad.find_device(kind="input")
    assert str(raised.value) == "No microphone was found. Plug one in, or use text mode: voiceguide chat."
    assert raised.value.kind == "input"
    with pytest.raises(ad.NoAudioDeviceError, match=r"No speaker or headphones were found.*voiceguide chat"):
        ad.find_device("USB", kind="output")
    with pytest.raises(ad.NoAudioDeviceError, match="No microphone"):
        ad.MicrophoneInput()
    with pytest.raises(ad.NoAudioDeviceError, match="No speaker"):
        ad.SoundDeviceOutput()


def test_gone_is_told_apart_from_never_there() -> None:
    assert not issubclass(ad.AudioDeviceLostError, ad.NoAudioDeviceError)
    assert issubclass(ad.PortAudioMissingError, ad.NoAudioDeviceError)
    assert issubclass(ad.DeviceNotFoundError, ad.NoAudioDeviceError)
    assert issubclass(ad.NoAudioDeviceError, ad.AudioDeviceError)


def test_missing_portaudio_library_gives_a_plain_message() -> None:
    # The OS library lookup is the one thing changed: the real sounddevice import then fails as it would
    # on a machine without libportaudio2.
    result = _run_python("""
        import ctypes.util, json
        real = ctypes.util.find_library
        ctypes.util.find_library = lambda name: None if "portaudio" in name else real(name)
        from voiceguide.speech import audio_devices as ad
        try:
            ad.find_device(kind="input")
        except ad.NoAudioDeviceError as exc:
            print(json.dumps({"type": type(exc).__name__, "message": str(exc)}))
    """)
    assert result["type"] == "PortAudioMissingError"
    assert "apt-get install libportaudio2" in result["message"]
    assert "voiceguide chat" in result["message"]


ALSA_CONF = Path("/usr/share/alsa/alsa.conf")


@pytest.mark.skipif(not ALSA_CONF.exists(), reason="ALSA configuration not installed, no null device to use")
def test_real_portaudio_streams_on_an_alsa_null_device(tmp_path: Path) -> None:
    """A real PortAudio callback stream on ALSA's null device: no sound card, but the same code path as a
    speaker and a microphone (the null device does not keep real time, so timing is checked on FileOutput)."""
    conf = tmp_path / "asound.conf"
    conf.write_text(f"<{ALSA_CONF}>\npcm.vgnull {{ type null }}\n")
    result = _run_python("""
        import json, numpy as np
        from voiceguide.speech import audio_devices as ad
        from voiceguide.speech.audio import Audio
        dev = ad.find_device("VGNULL", kind="output")
        try:
            ad.find_device("no such thing", kind="input")
        except ad.DeviceNotFoundError as exc:
            not_found = str(exc)
        with ad.SoundDeviceOutput(dev.index) as out:
            out.play(Audio(np.full(4410, 0.1, dtype=np.float32), 22050), "a")
            out.play(Audio(np.full(8000, 0.1, dtype=np.float32), 16000), "b")
            finished = out.wait(5)
            labels = [(c.label, round(c.duration, 3), c.stopped) for c in out.timeline]
        with ad.MicrophoneInput("vgnull") as mic:
            chunks = []
            for chunk in mic.chunks():
                chunks.append((str(chunk.dtype), len(chunk)))
                if len(chunks) == 10:
                    break
        print(json.dumps({"finished": finished, "labels": labels, "chunks": chunks, "not_found": not_found,
                          "name": dev.name}))
    """, {"ALSA_CONFIG_PATH": str(conf)})
    assert result["name"] == "vgnull"
    assert "no such thing" in result["not_found"] and "vgnull" in result["not_found"]
    assert result["finished"] is True
    assert result["labels"] == [["a", 0.2, False], ["b", 0.5, False]]
    assert result["chunks"] == [["int16", 320]] * 10


@pytest.mark.skipif(not ALSA_CONF.exists(), reason="ALSA configuration not installed, no null device to use")
def test_streams_fall_back_to_the_device_rate_and_fail_in_words(tmp_path: Path) -> None:
    """The one stream opener of the speaker and the microphone, on real PortAudio: a rate the device refuses
    (here: a stream it cannot open at all at that rate, too many channels) falls through to the device's own
    rate, each rate is tried once, and when nothing opens the error names the device and the fix."""
    conf = tmp_path / "asound.conf"
    conf.write_text(f"<{ALSA_CONF}>\npcm.vgnull {{ type null }}\n")
    result = _run_python("""
        import json
        from voiceguide.speech import audio_devices as ad
        sd = ad._sounddevice()
        dev = ad.find_device("vgnull", kind="output")
        tried = []
        def open_at(rate, refused=(22050,)):
            tried.append(rate)
            return sd.OutputStream(samplerate=rate, channels=999 if rate in refused else 1, device=dev.index)
        stream = ad._open_stream(
            open_at, [22050, 22050, 44100], "speaker 'vgnull'", "--output-device", "output"
        )
        opened = [list(tried), stream.samplerate]
        ad._close_stream(stream)
        ad._close_stream(stream)  # closing twice, or a stream never opened, is harmless on shutdown
        ad._close_stream(None)
        tried.clear()
        try:
            ad._open_stream(lambda rate: open_at(rate, (16000, 44100)), [16000, 44100], "microphone 'vgnull'",
                            "--input-device", "input")
        except ad.AudioDeviceError as exc:
            failed = [list(tried), str(exc), exc.kind]
        print(json.dumps({"opened": opened, "failed": failed}))
    """, {"ALSA_CONFIG_PATH": str(conf)})
    assert result["opened"] == [[22050, 44100], 44100.0]
    tried, message, kind = result["failed"]
    assert tried == [16000, 44100] and kind == "input"
    assert "microphone 'vgnull' could not be opened" in message and "--input-device" in message
    assert "voiceguide chat" in message


# ---------------------------------------------------------------------------------------------- FileOutput


def test_file_output_instant_writes_clips_back_to_back(tmp_path: Path) -> None:
    speech = Renderer(SpeechSettings(voice="en-us")).render("Call your local emergency number.")
    clips = [("speech", speech), ("beep", _tone(880, 0.2)), ("low", _tone(300, 0.1, rate=16000))]
    out = fd.FileOutput(tmp_path / "out.wav", realtime=False)
    assert isinstance(out, playback_queue.AudioOutput)
    for label, clip in clips:
        out.play(clip, label)
    assert out.wait(timeout=5)
    assert not out.is_playing
    out.close()
    written, rate = sf.read(str(tmp_path / "out.wav"), dtype="int16")
    assert rate == ad.OUTPUT_RATE and sf.info(str(tmp_path / "out.wav")).subtype == "PCM_16"
    assert [c.label for c in out.timeline] == ["speech", "beep", "low"]
    assert not any(c.stopped for c in out.timeline)
    first = len(speech.samples)
    np.testing.assert_allclose(written[:first], speech.to_int16(), atol=1)  # 32767 vs 32768 scaling
    assert out.timeline[1].start == pytest.approx(speech.duration)
    assert out.timeline[2].duration == pytest.approx(0.1, abs=1e-3)  # resampled from 16 kHz, same length
    assert len(written) / rate == pytest.approx(speech.duration + 0.3, abs=2e-3)
    assert _dominant_hz(written[-int(0.1 * rate) :], rate) == pytest.approx(300, abs=15)


def test_file_output_realtime_stop_cuts_the_answer_where_a_speaker_would(tmp_path: Path) -> None:
    answer = _tone(440, 2.0)
    path = tmp_path / "barge-in.wav"
    with fd.FileOutput(path, realtime=True) as out:
        out.play(_tone(880, 0.15), "got_it")
        out.play(answer, "answer")
        assert out.is_playing
        time.sleep(0.6)
        out.stop()  # the person starts talking
        stopped_at = time.monotonic()
        assert not out.is_playing
        out.play(_tone(660, 0.1), "listening")
        assert out.wait(timeout=2)
    got_it, cut, listening = out.timeline
    assert (got_it.label, cut.label, listening.label) == ("got_it", "answer", "listening")
    assert not got_it.stopped and got_it.played == pytest.approx(0.15, abs=0.01)
    assert cut.stopped and 0.2 < cut.played < 0.6  # 0.6 s minus the 0.15 s tone, minus scheduling
    assert cut.wall_end == pytest.approx(stopped_at, abs=0.05)
    assert listening.start >= cut.end
    written, rate = sf.read(str(path), dtype="float32")
    # What is in the file is exactly the part that "played", then the next clip: nothing after the cut.
    start, end = round(cut.start * rate), round(cut.end * rate)
    np.testing.assert_allclose(written[start:end], answer.samples[: end - start], atol=1e-4)
    assert _dominant_hz(written[end:], rate) == pytest.approx(660, abs=15)
    assert len(written) / rate == pytest.approx(listening.end, abs=0.02)


def test_file_output_realtime_writes_silence_between_clips(tmp_path: Path) -> None:
    with fd.FileOutput(tmp_path / "gaps.wav", realtime=True, speed=4.0) as out:
        out.play(_tone(500, 0.2), "one")
        out.wait()
        time.sleep(0.1)  # 0.4 s of session time at 4x
        out.play(_tone(500, 0.2), "two")
    one, two = out.timeline
    assert 0.35 < two.start - one.end < 1.0  # 0.4 s plus however late the sleep wakes up
    written, rate = sf.read(str(tmp_path / "gaps.wav"), dtype="float32")
    gap = written[round(one.end * rate) + 10 : round(two.start * rate) - 10]
    assert len(gap) > 0.2 * rate and np.abs(gap).max() == 0.0


# ---------------------------------------------------------------------------------------------- FileInput


@pytest.mark.parametrize(
    ("fmt", "rate", "channels"), [("WAV", 44100, 2), ("FLAC", 8000, 1), ("OGG", 48000, 1)]
)
def test_file_input_feeds_16k_mono_int16_chunks(tmp_path: Path, fmt: str, rate: int, channels: int) -> None:
    seconds = 0.55
    t = np.arange(int(seconds * rate)) / rate
    mono = 0.4 * np.sin(2 * np.pi * 1000 * t)
    data = np.stack([mono] * channels, axis=1)
    path = tmp_path / f"question.{fmt.lower()}"
    sf.write(str(path), data, rate, format=fmt)
    source = fd.FileInput(path, realtime=False)
    assert isinstance(source, ad.AudioInput)
    chunks = list(source.chunks())
    assert all(c.dtype == np.int16 and len(c) == 320 for c in chunks)
    assert len(chunks) == int(np.ceil(seconds * 16000 / 320))
    joined = np.concatenate(chunks)[: int(seconds * 16000)]
    assert _dominant_hz(joined, 16000) == pytest.approx(1000, abs=10)
    assert np.abs(joined).max() == pytest.approx(0.4 * 32767, rel=0.1)
    assert source.position == pytest.approx(len(chunks) * 0.02)


def test_file_input_realtime_paces_like_a_microphone_and_can_be_closed(tmp_path: Path) -> None:
    path = tmp_path / "q.wav"
    sf.write(str(path), np.zeros(int(0.4 * 16000), dtype=np.int16), 16000)
    started = time.monotonic()
    assert len(list(fd.FileInput(path, realtime=True).chunks())) == 20
    assert time.monotonic() - started >= 0.38  # never faster than the recording itself
    faster = fd.FileInput(path, realtime=True, speed=4.0)
    started = time.monotonic()
    assert len(list(faster.chunks())) == 20
    assert time.monotonic() - started >= 0.09
    source = fd.FileInput(path, realtime=False, chunk_ms=30)
    got = []
    for chunk in source.chunks():
        got.append(chunk)
        source.close()
    assert len(got) == 1 and len(got[0]) == 480


def test_speech_written_by_file_output_reads_back_through_file_input(tmp_path: Path) -> None:
    speech = Renderer(SpeechSettings(voice="en-us")).render("Is the swelling behind my knee a blood clot?")
    with fd.FileOutput(tmp_path / "spoken.wav", realtime=False) as out:
        out.play(speech, "answer")
    back = np.concatenate(list(fd.FileInput(tmp_path / "spoken.wav", realtime=False).chunks()))
    assert len(back) / 16000 == pytest.approx(speech.duration, abs=0.02)
    assert np.abs(back).max() > 0.2 * 32767


@pytest.mark.parametrize(("name", "content", "problem"), [
    ("missing.wav", None, "does not exist"),
    ("notes.wav", b"this is not audio at all", "could not be read"),
    ("empty.wav", "empty", "is empty"),
])
def test_file_input_errors_name_the_file(tmp_path: Path, name: str, content: bytes | str | None,
                                          problem: str) -> None:
    path = tmp_path / name
    if content == "empty":
        sf.write(str(path), np.zeros(0, dtype=np.int16), 16000)
    elif isinstance(content, bytes):
        path.write_bytes(content)
    with pytest.raises(ad.AudioFileInputError, match=problem) as raised:
        fd.FileInput(path)
    assert name in str(raised.value)
