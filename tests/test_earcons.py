"""Earcons must be told apart by ear, be short, and never click."""

from __future__ import annotations

import numpy as np
import pytest

from voiceguide.speech import earcons


def _dominant_hz(samples: np.ndarray, sample_rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples)), n=8 * len(samples)))
    return float(np.fft.rfftfreq(8 * len(samples), 1 / sample_rate)[int(np.argmax(spectrum))])


def _contour(samples: np.ndarray, sample_rate: int) -> tuple[float, float]:
    third = len(samples) // 3
    return _dominant_hz(samples[:third], sample_rate), _dominant_hz(samples[-third:], sample_rate)


@pytest.mark.parametrize("name", earcons.NAMES)
def test_short_faded_and_click_free(name: str) -> None:
    tone = earcons.earcon(name, sample_rate=22050, volume=0.8)
    x = tone.samples
    assert tone.sample_rate == 22050 and x.dtype == np.float32
    assert 0.1 <= tone.duration <= 0.3
    assert abs(x[0]) < 1e-3 and abs(x[-1]) < 1e-3  # fades reach silence at both ends
    assert 0.3 < np.abs(x).max() <= 0.8 + 1e-6
    # A click is a jump larger than the steepest slope a sine of the highest pitch in the tone can have.
    top_hz = 1400.0 if name == "got_it" else 900.0 if name != "error" else 2 * 320.0
    assert np.abs(np.diff(x)).max() <= 2 * np.pi * top_hz / tone.sample_rate * 0.8


def test_each_earcon_has_its_own_pitch_contour() -> None:
    sr = 22050
    contours = {name: _contour(earcons.earcon(name, sr).samples, sr) for name in earcons.NAMES}
    start, end = contours["listening"]
    assert end > 1.3 * start  # rises
    start, end = contours["not_understood"]
    assert start > 1.3 * end  # falls
    start, end = contours["error"]
    assert start < 400 and end < start  # low, falling
    assert min(contours["got_it"]) > 1000  # high
    assert len({tuple(round(f / 25) for f in c) for c in contours.values()}) == len(earcons.NAMES)


def test_other_rates_volume_and_unknown_names() -> None:
    narrow = earcons.earcon("listening", sample_rate=16000)
    assert narrow.sample_rate == 16000
    assert narrow.duration == pytest.approx(earcons.earcon("listening").duration, abs=1e-3)
    quiet, loud = earcons.earcon("error", volume=0.2), earcons.earcon("error", volume=1.0)
    assert np.abs(loud.samples).max() == pytest.approx(5 * np.abs(quiet.samples).max(), rel=1e-3)
    assert set(earcons.all_earcons()) == set(earcons.NAMES)
    with pytest.raises(ValueError, match="listening"):
        earcons.earcon("fanfare")
