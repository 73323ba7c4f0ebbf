"""The emergency number and abbreviations as a listener hears them.

The pure rewrite is checked on text; then by ear: `voiceguide listen` answers a spoken emergency into a WAV
file, and Whisper (the real recognizer, asked to write numbers as words) transcribes what the person heard.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.conftest import REPO
from tests.sessions import build_session, private_env
from voiceguide.answer.speakable import digit_by_digit, speakable

VOICEGUIDE = str(REPO / ".venv/bin/voiceguide")


def test_emergency_numbers_are_read_digit_by_digit() -> None:
    assert speakable("Call your local emergency number, such as 911, now.") == (
        "Call your local emergency number, such as nine. one. one, now."
    )
    assert speakable("This could be an emergency. Call 112 now.") == (
        "This could be an emergency. Call one. one. two now.")
    # A configured number that is in no list is still dialled digit by digit after "call".
    assert speakable("Call 0800 555-01 now.") == (
        "Call zero. eight. zero. zero. five. five. five. zero. one now.")
    assert digit_by_digit("000") == "zero. zero. zero"


def test_quantities_and_decimals_stay_numbers() -> None:
    text = "About 1,000 people in 100 get 2.5 mg; 911.5 is not a phone number."
    assert speakable(text) == text


def test_abbreviations_are_spelled_unless_said_as_words() -> None:
    assert speakable("A DVT or a PE: go to the ER.") == "A D V T or a P E: go to the E R."
    assert speakable("DVTs and COVID") == "D V T's and COVID"
    assert speakable("A D-dimer test") == "A D dimer test"
    assert speakable("I have a clot.") == "I have a clot."


def test_the_written_answer_keeps_its_form() -> None:
    """Only the audio changes: the caption and the JSON answer keep "911" (the renderer applies speakable)."""
    from voiceguide.answer.conversation import Conversation
    from voiceguide.content.content_model import load_content

    reply = Conversation(load_content()).handle("i have chest pain and i can't breathe")
    assert "911" in reply.answer


# ---------------------------------------------------------------------------------------------- by ear

_DIGITS = "zero one two three four five six seven eight nine".split()
# Both readings, so a listener asked for words chooses the one it hears.
_PROMPT = "Say it in words: nine one one, or nine hundred and eleven."


def _hearings(samples: np.ndarray, rate: int) -> list[str]:
    """What a listener hears, as four Whisper decodings (greedy and beam search, with and without a prompt
    offering a number's two readings in words) write it, lower case. Whisper tiny is an uncertain ear for
    digits spoken one by one ("1-1-2" and "1112" for the same audio), so four listen; digits it writes apart
    ("1-1-2") or as digit words ("nine one one") are joined into one number."""
    import soxr

    from voiceguide.speech.asr.whisper_engine import embedded_model_dir, load_model

    model = load_model(str(embedded_model_dir()), 2)  # the engine's own, loaded once per process
    audio = soxr.resample(samples, rate, 16000)
    return [_joined_numbers(" ".join(segment.text for segment in model.transcribe(
        audio, language="en", beam_size=beam, condition_on_previous_text=False, initial_prompt=prompt,
        temperature=0.0)[0]))
        for beam in (1, 5) for prompt in (None, _PROMPT)]


def _joined_numbers(text: str) -> str:
    text = re.sub(r"\b\d(?:-\d)+\b", lambda m: m[0].replace("-", ""), text.lower())
    joined: list[str] = []
    for word in re.sub(r"[^a-z0-9 ]+", " ", text).split():
        if word in _DIGITS and joined and joined[-1].isdigit() and len(joined[-1]) < 4:
            joined[-1] += str(_DIGITS.index(word))
        else:
            joined.append(str(_DIGITS.index(word)) if word in _DIGITS else word)
    return " ".join(joined)


def _hears_digits(hearing: str, number: str) -> bool:
    """A digit written twice ("1112" for "one. one. two") is Whisper stumbling over digits said one at a time,
    which a quantity never gives, so it counts as the digits heard."""
    stumbles = {number[:i] + number[i] + number[i:] for i in range(len(number))}
    return bool({number, *stumbles} & set(hearing.split()))


def _says_number(hearings: list[str], number: str) -> bool:
    """Every listener hears the number as its digits, and none hears a quantity ("nine hundred eleven").
    Without the prompt Whisper writes the quantity 911 as "911" too, so the listeners offered both readings
    are the ones that tell them apart."""
    return all(_hears_digits(hearing, number) for hearing in hearings) and not any(
        "hundred" in hearing for hearing in hearings)


@pytest.mark.parametrize("number", ["911", "112"])
def test_the_ear_test_tells_a_number_said_wrong(number: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The ear can tell: the same sentence rendered without this step is heard as a quantity ("nine hundred
    and eleven", "one hundred and twelve") by a listener offered both readings, so the judge fails it."""
    import voiceguide.speech.tts as tts
    import voiceguide.speech.tts_base as tts_base

    monkeypatch.setattr(tts_base, "speakable", lambda text: text)  # where every renderer applies it
    audio = tts.Renderer().render(f"This could be an emergency. Call {number} now. A blood clot can travel.")
    hearings = _hearings(audio.samples, audio.sample_rate)
    assert any("hundred" in hearing for hearing in hearings), hearings
    assert not _says_number(hearings, number), hearings


@pytest.mark.parametrize(("extra", "number"), [([], "911"), (["--emergency-number", "112"], "112")])
def test_listen_says_the_emergency_number_digit_by_digit(tmp_path: Path, extra: list[str],
                                                         number: str) -> None:
    session = build_session(tmp_path / "session.wav", ["i have chest pain and i can't breathe"],
                            noise_db=None)
    out = tmp_path / "out.wav"
    proc = subprocess.run([VOICEGUIDE, "listen", "--no-welcome", "--fast", "--input-file", str(session),
                           "--output-file", str(out), *extra], env=private_env(tmp_path), capture_output=True,
                          text=True, timeout=180, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr
    assert "Saying: This could be an emergency." in proc.stdout, proc.stdout
    samples, rate = sf.read(str(out), dtype="float32")
    hearings = _hearings(samples, rate)
    assert _says_number(hearings, number), hearings
