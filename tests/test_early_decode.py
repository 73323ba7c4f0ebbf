"""Decoding at the first pause: the transcript must be the one a wait-then-decode run gives, and a pause after
an unfinished phrase must not end the utterance. Real recognizer, real espeak-ng speech."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.sessions import build_session, spoken_turns
from voiceguide.live.early_decode import EarlyDecoder, sounds_finished
from voiceguide.speech.audio import Audio
from voiceguide.speech.audio_file import load_audio

AUDIO = Path(__file__).parent / "audio"


@pytest.fixture(scope="module")
def recognizer():
    from voiceguide.content.content_model import load_content
    from voiceguide.speech.asr.models import choose_recognizer

    rec, _reason = choose_recognizer(load_content(), models_dir=Path("/nonexistent-models-dir"))
    return rec


def test_sounds_finished() -> None:
    assert sounds_finished("what are the symptoms of a clot behind the knee")
    assert sounds_finished("stop")
    assert not sounds_finished("what causes a clot in my")
    assert not sounds_finished("is it dangerous and")
    assert not sounds_finished("")


def _chunks(path: Path) -> list[np.ndarray]:
    pcm = load_audio(path).to_int16()
    return [pcm[i : i + 320] for i in range(0, len(pcm), 320)]


def test_an_early_decode_that_heard_everything_is_the_transcript(recognizer) -> None:
    chunks = _chunks(sorted(AUDIO.glob("*.wav"))[0])
    whole = recognizer.transcribe(Audio.from_int16(np.concatenate(chunks), 16000))
    assert whole.text
    early = EarlyDecoder(recognizer, 16000)
    try:
        early.pause(chunks)
        covers = sum(len(c) for c in chunks)
        assert early.heard_so_far(covers) == whole.text
        assert early.finish(chunks, voiced_until=covers).text == whole.text
        assert early.early_hits == 1
    finally:
        early.close()


def test_speech_after_the_early_decode_is_decoded_again(recognizer) -> None:
    chunks = _chunks(sorted(AUDIO.glob("*.wav"))[0])
    half = len(chunks) // 2
    whole = recognizer.transcribe(Audio.from_int16(np.concatenate(chunks), 16000))
    early = EarlyDecoder(recognizer, 16000)
    try:
        early.pause(chunks[:half])  # a pause mid-question; then the speaker went on
        assert early.heard_so_far(sum(len(c) for c in chunks)) is None
        assert early.finish(chunks, voiced_until=sum(len(c) for c in chunks)).text == whole.text
        assert early.early_hits == 0
    finally:
        early.close()


def test_a_pause_after_an_unfinished_phrase_does_not_end_the_question(tmp_path: Path) -> None:
    """"... in my" <0.4 s pause> "buttocks": one question. A pause of the same length after a whole question
    ends it (the second session gets two turns). espeak-ng ends each render with 0.3 s of silence, so a gap of
    0.1 s between renders is a 0.4 s pause: longer than end_silence_finished, shorter than end_silence."""
    import subprocess

    from tests.conftest import REPO
    from tests.sessions import private_env

    def heard(utterances: list[str], gaps: list[float]) -> list[str]:
        session = build_session(tmp_path / "s.wav", utterances, gaps=gaps, noise_db=None)
        proc = subprocess.run(
            [str(REPO / ".venv/bin/voiceguide"), "listen", "--input-file", str(session), "--output-file",
             str(tmp_path / "out.wav"), "--fast", "--no-welcome"],
            env=private_env(tmp_path), capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
        )
        assert proc.returncode == 0, proc.stderr
        return [h for h, _said in spoken_turns(proc.stdout)]

    unfinished = heard(["what are the symptoms of a blood clot in my", "buttocks"], [0.1, 1.5])
    assert len(unfinished) == 1 and not unfinished[0].endswith(" my"), unfinished  # "... in my butt(ocks)"
    finished = heard(["what are the symptoms of a blood clot in the buttocks", "stop"], [0.1, 1.5])
    assert len(finished) == 2, finished
