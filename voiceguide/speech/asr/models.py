"""Which recognizer to use, and a plain sentence saying why: the one policy, used by ask, batch, listen,
doctor and `models list` alike.

Order:
1. `--engine` / `--model` (a Vosk or a Whisper model folder; the kind is read from its files);
2. the VOICEGUIDE_MODEL variable;
3. a model installed where `voiceguide models download` puts it (VOICEGUIDE_MODELS_DIR, else models/): a Vosk
   model first (the design's recognizer, for people who install one), then a downloaded Whisper model;
4. the embedded Whisper tiny.en, which needs no download.

A model the person named that cannot be used is an error with a fix, never a silent fallback: they would
otherwise get worse recognition without knowing. `choose_engine` only looks at folders; `open_recognizer`
loads, so `models list` can say what would be used without paying for a load.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from voiceguide.content.content_model import Content
from voiceguide.speech.asr.base import Recognizer, RecognizerError
from voiceguide.speech.asr.model_folders import Kind, model_kind, whisper_model_problem

MODEL_ENV = "VOICEGUIDE_MODEL"
MODELS_DIR_ENV = "VOICEGUIDE_MODELS_DIR"


ENGINE_NAMES = tuple(kind.value for kind in Kind)


@dataclass(frozen=True)
class EngineChoice:
    engine: Kind
    model: Path | None  # None: the embedded Whisper tiny.en
    reason: str  # a sentence for start-up, doctor and `models list`

    @property
    def embedded(self) -> bool:
        return self.model is None


def add_recognizer_args(p: argparse.ArgumentParser) -> None:
    """--engine and --model, the same for every command that hears (see voiceguide/speech/asr/models.py)."""
    p.add_argument(
        "--engine",
        choices=ENGINE_NAMES,
        help="the recognizer (default: VOICEGUIDE_MODEL, then an installed model, then Whisper tiny.en)",
    )
    p.add_argument(
        "--model",
        help="a Vosk or Whisper model folder (default: VOICEGUIDE_MODEL, then an installed "
        "model, then the embedded Whisper tiny.en)",
    )


def default_models_dir() -> Path:
    """The ``models/`` folder VoiceGuide reads from.

    The repository's ``models/`` (next to the package) when running from a checkout, so a clone keeps models
    where its README says; an installed package has no such folder and uses the per-user data folder instead.
    ``VOICEGUIDE_MODELS_DIR`` overrides both, for kiosks that keep models on a separate disk.
    """
    override = os.environ.get(MODELS_DIR_ENV)
    if override:
        return Path(override).expanduser()
    import voiceguide

    repo_models = Path(voiceguide.__file__).resolve().parent.parent / "models"
    if repo_models.is_dir():
        return repo_models
    import platformdirs

    return Path(platformdirs.user_data_dir("voiceguide")) / "models"


def model_problem(path: Path, kind: Kind | None) -> str | None:
    """Why a folder of that kind cannot be used (None: it looks complete)."""
    from voiceguide.speech.asr.vosk_engine import model_problem as vosk_problem

    if kind is Kind.VOSK:
        return vosk_problem(path)
    if kind is Kind.WHISPER:
        return whisper_model_problem(path)
    if not path.exists():
        return f"{path} does not exist"
    return f"{path} is neither a Vosk model folder nor a Whisper one (model.bin, config.json, tokenizer.json)"


def _given(path: Path, origin: str, wanted: Kind | None) -> EngineChoice:
    kind = model_kind(path)
    problem = model_problem(path, kind)
    if kind is None or problem:
        raise RecognizerError(
            f"The model given by {origin} cannot be used: {problem}. Point {origin} at an unpacked Vosk or "
            f"Whisper model folder, install one with `voiceguide models download`, or remove {origin} to use "
            "the embedded recognizer."
        )
    if wanted is not None and kind is not wanted:
        raise RecognizerError(f"{path} is a {kind.value} model, but --engine {wanted.value} was asked for.")
    return EngineChoice(kind, path, f"the {kind.value} model {path}, given by {origin}")


def installed(models_dir: Path, kind: Kind) -> list[Path]:
    """Complete model folders of one kind in `models_dir`, by name (hidden work folders never count)."""
    if not models_dir.is_dir():
        return []
    return sorted(p for p in models_dir.iterdir() if p.is_dir() and not p.name.startswith(".")
                  and model_kind(p) is kind and model_problem(p, kind) is None)


def choose_engine(engine: str | None = None, model: str | Path | None = None, *,
                  environ: Mapping[str, str] | None = None, models_dir: Path | None = None) -> EngineChoice:
    from voiceguide.speech.model_catalogue import OFFICIAL_MODEL

    environ = os.environ if environ is None else environ
    wanted = Kind(engine) if engine else None
    if model:
        return _given(Path(model).expanduser(), "--model", wanted)
    if environ.get(MODEL_ENV) and wanted in (None, model_kind(Path(environ[MODEL_ENV]).expanduser())):
        return _given(Path(environ[MODEL_ENV]).expanduser(), MODEL_ENV, wanted)
    if wanted is Kind.WHISPER:
        return EngineChoice(
            Kind.WHISPER, None, "the embedded Whisper tiny.en, asked for with --engine whisper"
        )
    folder = models_dir if models_dir is not None else default_models_dir()
    vosk = installed(folder, Kind.VOSK)
    official = [m for m in vosk if m.name == OFFICIAL_MODEL.name]
    if vosk:
        pick = (official or vosk)[0]
        return EngineChoice(Kind.VOSK, pick, f"the Vosk model {pick.name} installed in {folder}")
    if wanted is Kind.VOSK:
        raise RecognizerError(
            f"--engine vosk needs a Vosk model, and there is none in {folder}. Install one with "
            "`voiceguide models download`, or give its folder with --model."
        )
    whisper = installed(folder, Kind.WHISPER)
    if whisper:
        return EngineChoice(
            Kind.WHISPER, whisper[0], f"the Whisper model {whisper[0].name} installed in {folder}"
        )
    return EngineChoice(Kind.WHISPER, None,
                        f"the embedded Whisper tiny.en (no model installed in {folder}; none is needed)")


def open_recognizer(
    choice: EngineChoice, content: Content, extra_phrases: tuple[str, ...] = ()
) -> Recognizer:
    """Loads the chosen engine, biased toward the content (and any extra phrase, such as a wake phrase)."""
    if choice.engine is Kind.VOSK:
        from dataclasses import replace

        from voiceguide.speech.asr.vosk_engine import VoskRecognizer

        vocabulary = content.vocabulary
        if extra_phrases:
            extra_words = [w for phrase in extra_phrases for w in phrase.split()]
            vocabulary = replace(vocabulary, words=tuple(dict.fromkeys([*vocabulary.words, *extra_words])),
                                 phrases=(*vocabulary.phrases, *extra_phrases))
        return VoskRecognizer(choice.model, vocabulary)
    from voiceguide.speech.asr.bias import tokenizer_pieces, whisper_bias
    from voiceguide.speech.asr.whisper_engine import WhisperRecognizer

    recognizer = WhisperRecognizer(choice.model)
    # The bias is judged by the loaded model's own tokenizer, so it is built once the model is there.
    recognizer.bias = whisper_bias(content, tokenizer_pieces(recognizer.tokenizer), extra_phrases)
    return recognizer


def choose_recognizer(content: Content, engine: str | None = None, model: str | Path | None = None,
                      extra_phrases: tuple[str, ...] = (), *, models_dir: Path | None = None,
                      ) -> tuple[Recognizer, str]:
    choice = choose_engine(engine, model, models_dir=models_dir)
    return open_recognizer(choice, content, extra_phrases), f"Using {choice.reason}."
