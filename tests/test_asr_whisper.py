"""The embedded Whisper engine on real audio: it hears espeak-ng speech, its content bias never puts content
words into silence, noise or other people's speech, the weights are checked, and its text is made ready for
the router."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from asr_fixtures import render

from voiceguide.answer.conversation import Conversation
from voiceguide.content.content_model import load_content
from voiceguide.speech.asr import RecognizerError
from voiceguide.speech.asr.bias import rare_terms, whisper_bias
from voiceguide.speech.asr.models import choose_recognizer
from voiceguide.speech.asr.transcript_text import for_router
from voiceguide.speech.asr.whisper_engine import (
    EMBEDDED_SIZE,
    WhisperRecognizer,
    embedded_model_dir,
    verify_embedded,
)
from voiceguide.speech.audio import Audio
from voiceguide.speech.audio_file import load_audio


@pytest.fixture(scope="module")
def whisper() -> WhisperRecognizer:
    recognizer, reason = choose_recognizer(load_content(), models_dir=Path("/nonexistent-models-dir"))
    assert isinstance(recognizer, WhisperRecognizer) and "embedded Whisper tiny.en" in reason
    return recognizer


def _content_words(recognizer: WhisperRecognizer) -> set[str]:
    """Words only the content brings: the hotwords' words and the subject's, less everyday ones any speech
    may contain."""
    subject = {"clot", "clots", "blood", "knee", "buttocks", "thrombosis", "embolism"}
    return set(recognizer.bias.hotword_words) - {"of", "out", "short", "breath", "shortness"} | subject


def test_hears_a_question_and_reports_a_real_confidence(whisper: WhisperRecognizer) -> None:
    said = "what are the symptoms of a blood clot behind the knee"
    transcript = whisper.transcribe(render(said))
    assert transcript.engine == "whisper"
    assert len(set(transcript.text.split()) & set(said.split())) >= 9, transcript.text
    assert Conversation(load_content()).handle(transcript.text).topic == "blood-clot-behind-knee.symptoms"
    assert 0.5 < transcript.confidence <= 1.0
    assert [w.text for w in transcript.words] == transcript.text.split()


def test_a_gabbled_question_has_lower_confidence_than_a_clear_one(whisper: WhisperRecognizer) -> None:
    said = "what are the symptoms of a blood clot behind the knee"
    clear = whisper.transcribe(render(said))
    gabbled = whisper.transcribe(render(said, rate=400))
    assert gabbled.confidence < clear.confidence, (gabbled, clear)


@pytest.mark.parametrize("amplitude", [0.0, 0.003, 0.03, 0.2])
def test_silence_and_white_noise_give_nothing(whisper: WhisperRecognizer, amplitude: float) -> None:
    rng = np.random.default_rng(3)
    samples = (rng.standard_normal(16000 * 3) * amplitude).astype(np.float32)
    assert whisper.transcribe(Audio(samples, 16000)).text == ""


def test_kitchen_noise_alone_never_gets_content_words(whisper: WhisperRecognizer, corpora: Path) -> None:
    noise, rate = sf.read(str(corpora / "kitchen-noise-16k.wav"), dtype="float32")
    content_words = _content_words(whisper)
    heard = []
    for start in range(0, len(noise) - 3 * rate, 10 * rate):  # twelve 3 s stretches, at three loudnesses
        for gain in (1.0, 2.0, 4.0):
            text = whisper.transcribe(Audio(np.clip(noise[start : start + 3 * rate] * gain, -1, 1),
                                            rate)).text
            heard.append(text)
            assert not set(text.split()) & content_words, (start, gain, text)
    print(f"kitchen noise alone: {sum(bool(t) for t in heard)}/{len(heard)} stretches gave any words: "
          f"{heard}")


def test_real_coffee_orders_are_heard_as_coffee_orders(whisper: WhisperRecognizer, corpora: Path) -> None:
    """60 real people: the bias never turns their words into content words, and never echoes the hotwords."""
    content_words = _content_words(whisper)
    for path in sorted((corpora / "ood-speech").glob("*.wav")):
        text = whisper.transcribe(load_audio(path)).text
        assert not set(text.split()) & content_words, (path.name, text)
        assert not any(run in text for run in whisper.bias.hotword_runs), (path.name, text)


def test_bias_comes_from_the_content() -> None:
    content = load_content()

    def pieces(word: str) -> int:  # a stand-in tokenizer: long words are rare
        return 1 + len(word) // 12

    terms = rare_terms(["A D-dimer test and a venogram find DVT.", "Thrombophlebitis is swelling."], pieces)
    assert terms == ["D-dimer", "DVT", "thrombophlebitis"]
    bias = whisper_bias(content, pieces, extra=("hey guide",))
    assert bias.hotwords[0] == "hey guide" and "pulmonary embolism" in bias.hotwords
    # titles as a prompt were written into kitchen noise (see voiceguide/speech/asr/bias.py)
    assert bias.prompt == ""


def test_bias_with_whispers_own_tokenizer_names_the_documents_rare_terms(whisper: WhisperRecognizer) -> None:
    for term in ("venogram", "thrombophlebitis", "post-thrombotic", "D-dimer", "anticoagulant", "DVT"):
        assert term in whisper.bias.hotwords, whisper.bias.hotwords
    for everyday in ("swelling", "chest", "knee", "the"):
        assert everyday not in whisper.bias.hotwords


def test_text_is_made_ready_for_the_router() -> None:
    assert for_router(" A D-dimer test? Call 9-1-1. DVT.") == "a d dimer test call 911 dvt"
    assert for_router("I'm 65 & it's 50%!") == "i'm 65 and it's 50 percent"


def test_a_damaged_embedded_model_fails_with_the_fix(tmp_path: Path) -> None:
    copy = tmp_path / "model"
    shutil.copytree(embedded_model_dir(), copy)
    with open(copy / "model.bin", "r+b") as weights:
        weights.seek(1000)
        weights.write(b"\0" * 16)  # same size, other bytes
    with pytest.raises(RecognizerError, match=r"does not match its checksum.*pip install --force-reinstall"):
        verify_embedded(copy)
    with open(copy / "model.bin", "r+b") as weights:
        weights.truncate(EMBEDDED_SIZE - 1)
    with pytest.raises(RecognizerError, match=r"damaged.*75,537,501 bytes"):
        verify_embedded(copy)
    verify_embedded(embedded_model_dir())  # the installed one passes


def test_a_folder_that_is_not_a_whisper_model_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RecognizerError, match=r"model\.bin"):
        WhisperRecognizer(tmp_path)


def test_heard_emergency_gets_the_advice(whisper: WhisperRecognizer) -> None:
    heard = whisper.transcribe(render("i have chest pain and i can't breathe")).text
    assert Conversation(load_content()).handle(heard).urgency.value == "emergency", heard
