"""Which recognizer to use, and a plain sentence saying why (for start-up and `voiceguide doctor`).

Order: an explicit --model path, the VOICEGUIDE_MODEL variable, the first valid Vosk model folder in
models/, else the embedded pocketsphinx model. A model the user named explicitly that cannot be used is an
error with a fix, never a silent fallback: they would otherwise get worse recognition without knowing.
"""

from __future__ import annotations

import os
from pathlib import Path

from voiceguide.asr.base import Recognizer, RecognizerError
from voiceguide.vocabulary import Vocabulary

MODEL_ENV = "VOICEGUIDE_MODEL"
DEFAULT_MODELS_DIR = Path(__file__).resolve().parents[2] / "models"


def find_vosk_model(models_dir: str | Path) -> Path | None:
    """The first (by name) valid Vosk model folder directly inside models_dir."""
    from voiceguide.asr.vosk_engine import model_problem

    folder = Path(models_dir)
    if not folder.is_dir():
        return None
    for candidate in sorted(p for p in folder.iterdir() if p.is_dir()):
        if model_problem(candidate) is None:
            return candidate
    return None


def choose_recognizer(
    vocabulary: Vocabulary,
    model_path: str | None = None,
    models_dir: str | Path = DEFAULT_MODELS_DIR,
) -> tuple[Recognizer, str]:
    from voiceguide.asr.vosk_engine import VoskRecognizer, model_problem

    for given, origin in ((model_path, "--model"), (os.environ.get(MODEL_ENV) or None, MODEL_ENV)):
        if given:
            problem = model_problem(given)
            if problem:
                raise RecognizerError(
                    f"The model given by {origin} cannot be used: {problem}. Point {origin} at an unpacked "
                    f"Vosk model folder, install one with `voiceguide models download`, or remove {origin} "
                    "to use the embedded recognizer."
                )
            recognizer = VoskRecognizer(given, vocabulary)
            return recognizer, f"Using the Vosk model {given} ({origin}, {recognizer.mode} decoding)."

    found = find_vosk_model(models_dir)
    if found is not None:
        recognizer = VoskRecognizer(found, vocabulary)
        return (
            recognizer,
            f"Using the Vosk model {found.name} found in {models_dir} ({recognizer.mode} decoding).",
        )

    from voiceguide.asr.pocketsphinx_engine import PocketsphinxRecognizer

    return PocketsphinxRecognizer(vocabulary), (
        f"No Vosk model in {models_dir}, so using the embedded pocketsphinx English model; "
        "`voiceguide models download` installs a better one."
    )
