"""Audio files in every supported shape load to 16 kHz mono float32; every kind of bad file fails alone with
a reason a person can act on."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from asr_fixtures import render, write_wav

from voiceguide.speech.audio import Audio
from voiceguide.speech.audio_file import AudioFileError, load_audio


@pytest.fixture(scope="module")
def speech() -> Audio:
    return render("what are the symptoms of a blood clot behind the knee")


def _correlation(a: np.ndarray, b: np.ndarray) -> float:
    n = min(len(a), len(b))
    return float(np.corrcoef(a[:n], b[:n])[0, 1])


def test_16k_mono_wav_loads_unchanged(tmp_path: Path, speech: Audio) -> None:
    audio = load_audio(write_wav(speech, tmp_path / "q.wav"))
    assert audio.sample_rate == 16000
    assert audio.samples.dtype == np.float32 and audio.samples.ndim == 1
    assert len(audio.samples) == len(speech.samples)
    assert _correlation(audio.samples, speech.samples) > 0.999


@pytest.mark.parametrize(
    ("suffix", "rate", "channels", "subtype"),
    [
        ("flac", 44100, 2, "PCM_16"),
        ("ogg", 48000, 1, "VORBIS"),
        ("wav", 8000, 1, "PCM_16"),
        ("wav", 22050, 3, "FLOAT"),
    ],
)
def test_any_rate_channels_and_format_become_16k_mono(
    tmp_path: Path, speech: Audio, suffix: str, rate: int, channels: int, subtype: str
) -> None:
    import soxr

    resampled = soxr.resample(speech.samples, 16000, rate).astype(np.float32)
    data = np.stack([resampled * (0.9 if c % 2 else 1.0) for c in range(channels)], axis=1)
    path = tmp_path / f"q.{suffix}"
    sf.write(str(path), data, rate, subtype=subtype)
    audio = load_audio(path)
    assert audio.sample_rate == 16000
    assert audio.samples.ndim == 1
    assert abs(audio.duration - speech.duration) < 0.02
    # The speech survives the trip (8 kHz loses the top band and Vorbis is lossy, so not bit-exact).
    assert _correlation(audio.samples, speech.samples) > (0.8 if rate == 8000 else 0.9)


def test_target_rate_is_honoured(tmp_path: Path, speech: Audio) -> None:
    audio = load_audio(write_wav(speech, tmp_path / "q.wav"), target_rate=8000)
    assert audio.sample_rate == 8000
    assert abs(audio.duration - speech.duration) < 0.01


def _error(path: Path, **kwargs) -> AudioFileError:
    with pytest.raises(AudioFileError) as caught:
        load_audio(path, **kwargs)
    assert isinstance(caught.value, ValueError)
    assert caught.value.path == str(path)
    assert str(path) in str(caught.value)
    return caught.value


def test_missing_file(tmp_path: Path) -> None:
    assert "not found" in _error(tmp_path / "nope.wav").reason


def test_folder(tmp_path: Path) -> None:
    assert "folder" in _error(tmp_path).reason


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.wav"
    path.write_bytes(b"")
    assert "empty" in _error(path).reason


def test_text_file_with_audio_name(tmp_path: Path) -> None:
    path = tmp_path / "notes.wav"
    path.write_text("what are the symptoms of a blood clot\n", encoding="utf-8")
    assert "not a readable" in _error(path).reason


def test_wav_with_no_frames(tmp_path: Path) -> None:
    path = tmp_path / "none.wav"
    sf.write(str(path), np.zeros(0, dtype=np.float32), 16000)
    assert "no audio" in _error(path).reason


def test_truncated_flac(tmp_path: Path, speech: Audio) -> None:
    good = tmp_path / "good.flac"
    sf.write(str(good), speech.samples, 16000)
    bad = tmp_path / "bad.flac"
    bad.write_bytes(good.read_bytes()[:200])
    error = _error(bad)
    assert "damaged" in error.reason or "not a readable" in error.reason or "no audio" in error.reason


def test_digital_silence(tmp_path: Path) -> None:
    path = write_wav(Audio.silence(2.0), tmp_path / "silent.wav")
    assert "silent" in _error(path).reason


def test_far_too_quiet(tmp_path: Path, speech: Audio) -> None:
    quiet = Audio(speech.samples * 1e-4, 16000)  # about -80 dBFS: a muted microphone
    path = write_wav(quiet, tmp_path / "quiet.wav", subtype="FLOAT")
    assert "silent" in _error(path).reason


def test_over_long(tmp_path: Path, speech: Audio) -> None:
    path = write_wav(speech, tmp_path / "long.wav")
    error = _error(path, max_seconds=1.0)
    assert "long" in error.reason and "1 s" in error.reason


def test_one_bad_file_does_not_affect_the_next(tmp_path: Path, speech: Audio) -> None:
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF0000WAVEjunk")
    good = write_wav(speech, tmp_path / "good.wav")
    results = []
    for path in (bad, good):
        try:
            results.append(load_audio(path).duration)
        except AudioFileError as error:
            results.append(error.reason)
    assert isinstance(results[0], str)
    assert results[1] == pytest.approx(speech.duration, abs=0.01)
