"""Short tones that tell a person who cannot see the screen what state the assistant is in.

Made in code (no sound files to ship or lose). Each has its own pitch contour so they are told apart by ear
alone: listening rises, got-it is a quick high double tick, not-understood falls, error is a low falling buzz.
Phase runs continuously across the notes of a tone and every tone fades in and out, so there are no clicks.
"""

from __future__ import annotations

import numpy as np

from voiceguide.speech.audio import Audio

EARCON_RATE = 22050  # the speech output rate, so earcons and answers share one output stream
FADE_SECONDS = 0.008

# name -> notes as (start Hz, end Hz, seconds, relative level); 0 Hz is a rest.
_EARCONS: dict[str, list[tuple[float, float, float, float]]] = {
    "listening": [(523.25, 523.25, 0.08, 1.0), (783.99, 783.99, 0.12, 1.0)],  # rising fifth: "go ahead"
    # quick high tick-tick
    "got_it": [(1046.5, 1046.5, 0.05, 0.8), (0, 0, 0.03, 0.0), (1318.5, 1318.5, 0.07, 0.8)],
    "not_understood": [(659.25, 659.25, 0.1, 1.0), (440.0, 440.0, 0.16, 1.0)],  # falling: "hmm?"
    "error": [(311.13, 207.65, 0.28, 1.0)],  # low glide down, with harmonics below
}
NAMES = tuple(_EARCONS)


def _envelope(n: int, fade: int) -> np.ndarray:
    env = np.ones(n, dtype=np.float64)
    fade = min(fade, n // 2)
    if fade > 0:
        ramp = 0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, fade))  # raised cosine: smooth start and end
        env[:fade] = ramp
        env[n - fade :] = ramp[::-1]
    return env


def earcon(name: str, sample_rate: int = EARCON_RATE, volume: float = 0.5) -> Audio:
    """The named tone as Audio (float32 mono). `volume` follows the speech volume so tones never startle."""
    try:
        notes = _EARCONS[name]
    except KeyError:
        raise ValueError(f"Unknown earcon {name!r}; expected one of: {', '.join(NAMES)}.") from None
    freqs, levels = [], []
    for start_hz, end_hz, seconds, level in notes:
        n = round(seconds * sample_rate)
        freqs.append(np.linspace(start_hz, end_hz, n))
        note_level = np.full(n, level)
        if level > 0:  # each note gets its own short fade, so steps between notes are soft too
            note_level *= _envelope(n, int(0.004 * sample_rate))
        levels.append(note_level)
    freq = np.concatenate(freqs)
    phase = 2.0 * np.pi * np.cumsum(freq) / sample_rate  # continuous phase across notes: no jumps
    wave = np.sin(phase)
    if name == "error":
        wave = 0.7 * wave + 0.3 * np.sin(2.0 * phase)  # a rougher timbre than the others
    samples = wave * np.concatenate(levels) * _envelope(len(freq), int(FADE_SECONDS * sample_rate))
    samples *= float(np.clip(volume, 0.0, 1.0))
    return Audio(samples.astype(np.float32), sample_rate)


def all_earcons(sample_rate: int = EARCON_RATE, volume: float = 0.5) -> dict[str, Audio]:
    return {name: earcon(name, sample_rate, volume) for name in NAMES}
