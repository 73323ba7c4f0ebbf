"""What kind of speech model a folder holds, and why a Whisper folder cannot be used.

``--model PATH`` and ``VOICEGUIDE_MODEL`` may name a Vosk model or a Whisper model converted for CTranslate2,
and a person who named one expects a message about *that* kind when it is broken ("lacks tokenizer.json"), not
"this is not a Vosk model". So the kind is told from the files that only one kind has, before checking whether
the folder is complete; the completeness checks are ``vosk_engine.model_problem`` and
``whisper_model_problem``. Nothing here loads a model except ``whisper_load_problem``, which the installer
runs once before a folder is renamed into place.
"""

from __future__ import annotations

import enum
import json
from pathlib import Path


class Kind(enum.Enum):
    """The recognizer a model folder is meant for."""

    VOSK = "vosk"
    WHISPER = "whisper"


# Files only a Vosk (Kaldi) model has: its acoustic model, its feature config, or a decoding graph.
_VOSK_MARKERS = ("am/final.mdl", "conf/model.conf", "graph/HCLG.fst", "graph/HCLr.fst")
# CTranslate2 stores a converted model as model.bin beside its config.json.
_WHISPER_MARKERS = ("model.bin",)
# The vocabulary CTranslate2 reads: vocabulary.txt in Systran's tiny..medium conversions, vocabulary.json in
# large-v3 and the distilled ones.
WHISPER_VOCABULARIES = ("vocabulary.txt", "vocabulary.json")
# faster-whisper reads the tokenizer from tokenizer.json; without it, it downloads one from the Hugging Face
# hub when the model loads, which an offline assistant must never do. So here it is required, although
# CTranslate2 itself would load the folder without it.
WHISPER_REQUIRED = ("model.bin", "config.json", "tokenizer.json")

# A Vosk model is unusable without these (Vosk's "v2" folder layout, which all current models use).
VOSK_REQUIRED = ("am/final.mdl", "conf/model.conf")
# The decoding graph: either one static graph, or the lookahead pair that small models ship.
VOSK_GRAPHS = (("graph/HCLG.fst",), ("graph/HCLr.fst", "graph/Gr.fst"))


def model_kind(path: str | Path) -> Kind | None:
    """The kind of model ``path`` is meant to be (complete or not), or None when it looks like neither."""
    folder = Path(path)
    try:
        if not folder.is_dir():
            return None
        if any((folder / rel).exists() for rel in _WHISPER_MARKERS):
            return Kind.WHISPER
        if any((folder / rel).exists() for rel in _VOSK_MARKERS):
            return Kind.VOSK
    except OSError:  # an unreadable folder is not a model of either kind
        return None
    return None


def missing_model_files(folder: Path) -> list[str]:
    """The files a Vosk model needs that ``folder`` lacks (empty list: it looks like a usable model).

    Checked before install, and by ``models list``, because Vosk itself reports a broken model only as a crash
    deep inside Kaldi.
    """
    folder = Path(folder)
    missing = [rel for rel in VOSK_REQUIRED if not _nonempty_file(folder / rel)]
    if not any(all(_nonempty_file(folder / rel) for rel in option) for option in VOSK_GRAPHS):
        missing.append(" or ".join(" + ".join(option) for option in VOSK_GRAPHS))
    return missing


def whisper_model_problem(path: str | Path) -> str | None:
    """Why ``path`` is not a usable Whisper (CTranslate2) model folder, or None when it looks complete.

    A quick check of files only (no loading), phrased to finish "The model ... cannot be used: <problem>".
    """
    folder = Path(path)
    if not folder.exists():
        return f"{folder} does not exist"
    if not folder.is_dir():
        return f"{folder} is a file, not a model folder"
    missing = [rel for rel in WHISPER_REQUIRED if not _nonempty_file(folder / rel)]
    if not any(_nonempty_file(folder / rel) for rel in WHISPER_VOCABULARIES):
        missing.append(" or ".join(WHISPER_VOCABULARIES))
    if missing:
        return (
            f"{folder} lacks {', '.join(missing)}, so it is not a complete Whisper model "
            "in CTranslate2 format (or it was not copied completely)"
        )
    try:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return f"{folder}/config.json is not readable JSON ({exc})"
    if not isinstance(config, dict):
        return f"{folder}/config.json is not a CTranslate2 model configuration"
    return None


def whisper_load_problem(path: str | Path) -> str | None:
    """Why faster-whisper cannot load ``path`` on the CPU, or None when it loads.

    This really loads the model (about 0.3 s and 100 MB for tiny.en), so it is run once, by the installer,
    before a folder is renamed into place: a file that is complete and matches its checksum can still be a
    conversion this CTranslate2 cannot read, and that should stop the install, not the assistant's start-up.
    """
    problem = whisper_model_problem(path)
    if problem:
        return problem
    try:
        from faster_whisper import WhisperModel
    except ImportError:
        return "faster-whisper is not installed, so a Whisper model cannot be checked or used"
    try:
        model = WhisperModel(
            str(path), device="cpu", compute_type="int8", cpu_threads=1, local_files_only=True
        )
    except Exception as exc:  # CTranslate2 and tokenizers raise RuntimeError, ValueError, OSError, ...
        return f"faster-whisper cannot load {path}: {exc}"
    del model
    return None


def _nonempty_file(path: Path) -> bool:
    try:
        return path.is_file() and path.stat().st_size > 0
    except OSError:
        return False
