"""16-bit conversion, done in one place for files, recognizers and the Wyoming server."""

from __future__ import annotations

import numpy as np

from voiceguide.speech.asr.base import pcm16
from voiceguide.speech.audio import Audio, float_to_int16, int16_to_float


def test_float_to_int16_clips_and_scales() -> None:
    samples = np.array([-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0], dtype=np.float32)
    assert float_to_int16(samples).tolist() == [-32767, -32767, -16383, 0, 16383, 32767, 32767]
    assert float_to_int16(samples).dtype == np.int16


def test_int16_round_trip_is_within_one_step() -> None:
    pcm = np.array([-32768, -12345, -1, 0, 1, 12345, 32767], dtype=np.int16)
    back = float_to_int16(int16_to_float(pcm))
    assert int16_to_float(pcm).dtype == np.float32
    assert np.abs(back.astype(np.int32) - pcm.astype(np.int32)).max() <= 1
    assert Audio.from_int16(pcm, 16000).to_int16().tolist() == back.tolist()


def test_recognizer_pcm_at_its_own_rate_is_the_audio_converted() -> None:
    rng = np.random.default_rng(0)
    audio = Audio((rng.standard_normal(1600) * 0.3).astype(np.float32), 16000)
    assert np.array_equal(pcm16(audio, 16000), audio.to_int16())
