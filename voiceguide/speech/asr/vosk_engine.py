"""Vosk recognizer: used when a Vosk model is installed (better accuracy than the embedded default).

Biasing: models with a dynamic graph (graph/HCLr.fst + graph/Gr.fst, the small models) accept a runtime
grammar, the content's phrases and words plus "[unk]" for anything else, so out-of-domain speech comes out
as "[unk]" rather than as a forced content word. Big models (a static graph/HCLG.fst) cannot take a grammar
and decode freely. A grammar word the model does not know would be dropped from its phrase by Vosk with
only a warning, silently changing the phrase, so unknown words are filtered here first, with a logged list.
"""

from __future__ import annotations

import functools
import json
import logging
import struct
import threading
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from voiceguide.content.vocabulary import Vocabulary
from voiceguide.speech.asr.base import RecognizerError, Transcript, Word, chunk_bytes, pcm16
from voiceguide.speech.audio import Audio

log = logging.getLogger(__name__)

UNKNOWN = "[unk]"
_CHUNK_SAMPLES = 4000  # 0.25 s at 16 kHz: Vosk's endpointing works per chunk
_SYMBOL_TABLE_MAGIC = 2125658996  # OpenFst SymbolTable


def model_problem(path: str | Path) -> str | None:
    """Why `path` is not a usable Vosk model folder, or None when it looks complete."""
    folder = Path(path)
    if not folder.exists():
        return f"{folder} does not exist"
    if not folder.is_dir():
        return f"{folder} is a file, not a model folder"
    if not (folder / "am" / "final.mdl").is_file():
        return f"{folder} has no am/final.mdl, so it is not a Vosk model (or it was not unpacked completely)"
    if not (folder / "conf" / "model.conf").is_file():
        return f"{folder} has no conf/model.conf, so it is not a complete Vosk model"
    graph = folder / "graph"
    if not (graph / "HCLG.fst").is_file() and not (
        (graph / "HCLr.fst").is_file() and (graph / "Gr.fst").is_file()
    ):
        return f"{folder} has no decoding graph (graph/HCLG.fst, or graph/HCLr.fst with graph/Gr.fst)"
    return None


def supports_grammar(path: str | Path) -> bool:
    graph = Path(path) / "graph"
    return (graph / "HCLr.fst").is_file() and (graph / "Gr.fst").is_file()


@functools.lru_cache(maxsize=4)
def load_model(path: str):  # -> vosk.Model
    """Loads a model once per process (seconds, hundreds of MB) and shares it between recognizers."""
    problem = model_problem(path)
    if problem:
        raise RecognizerError(f"Cannot use the Vosk model: {problem}. {_FIX}")
    try:
        import vosk
    except ImportError as error:  # pragma: no cover - a dependency of the package
        raise RecognizerError("Vosk is not installed; install it with `pip install vosk`.") from error
    vosk.SetLogLevel(-1)
    try:
        return vosk.Model(str(path))
    except Exception as error:  # vosk raises a bare Exception("Failed to create a model")
        raise RecognizerError(f"Vosk could not load the model in {path} ({error}). {_FIX}") from error


_FIX = (
    "Install the standard model with `voiceguide models download`, point --model or VOICEGUIDE_MODEL at an "
    "unpacked Vosk model folder, or remove the setting to use the embedded recognizer."
)


@functools.lru_cache(maxsize=4)
def model_words(path: str) -> frozenset[str] | None:
    """The words a model can output: graph/words.txt, else the symbol table stored in graph/Gr.fst.
    None when neither can be read (then the grammar is passed unfiltered)."""
    graph = Path(path) / "graph"
    words_txt = graph / "words.txt"
    if words_txt.is_file():
        with open(words_txt, encoding="utf-8") as handle:
            return frozenset(line.split()[0] for line in handle if line.strip())
    gr = graph / "Gr.fst"
    if gr.is_file():
        try:
            return frozenset(_fst_symbols(gr))
        except (OSError, ValueError, struct.error, UnicodeDecodeError) as error:
            log.warning("Could not read the word list of %s (%s); grammar words are not checked", gr, error)
    return None


def _fst_symbols(path: Path) -> list[str]:
    """Reads the first OpenFst symbol table in a binary FST (Vosk's Gr.fst carries its word list)."""
    with open(path, "rb") as handle:
        head = handle.read(1 << 16)
        start = head.find(struct.pack("<i", _SYMBOL_TABLE_MAGIC))
        if start < 0:
            raise ValueError("no symbol table")
        handle.seek(start + 4)

        def read_string() -> str:
            (length,) = struct.unpack("<i", handle.read(4))
            return handle.read(length).decode("utf-8")

        read_string()  # table name
        _available_key, size = struct.unpack("<qq", handle.read(16))
        symbols = []
        for _ in range(size):
            symbols.append(read_string())
            handle.read(8)  # key
        return symbols


def grammar_for(vocabulary: Vocabulary, known: Iterable[str] | None) -> tuple[list[str], list[str]]:
    """Grammar entries (phrases, then single words, then [unk]) and the sorted words left out."""
    known_set = None if known is None else set(known)

    def ok(word: str) -> bool:
        return known_set is None or word in known_set

    entries: list[str] = []
    missing: set[str] = set()
    for phrase in (*vocabulary.phrases, *vocabulary.words):
        words = phrase.split()
        unknown = [w for w in words if not ok(w)]
        missing.update(unknown)
        if words and not unknown and phrase not in entries:
            entries.append(" ".join(words))
    if ok(UNKNOWN):
        entries.append(UNKNOWN)
    if missing:
        log.warning(
            "%d vocabulary words are not in the Vosk model and were left out of its grammar (%s%s)",
            len(missing),
            ", ".join(sorted(missing)[:12]),
            ", ..." if len(missing) > 12 else "",
        )
    return entries, sorted(missing)


def _transcript(result_json: str, engine: str, offset: float = 0.0) -> tuple[list[Word], int]:
    """Words of one Vosk result, and how many of them were [unk] (kept out of the text)."""
    result = json.loads(result_json)
    words: list[Word] = []
    unknown = 0
    for item in result.get("result", []):
        text = str(item.get("word", "")).lower()
        if text == UNKNOWN:
            unknown += 1
            continue
        words.append(
            Word(
                text,
                float(item.get("start", 0.0)) + offset,
                float(item.get("end", 0.0)) + offset,
                round(min(1.0, max(0.0, float(item.get("conf", 0.0)))), 4),
            )
        )
    if not result.get("result") and result.get("text"):  # SetWords unsupported: text only
        words = [Word(w.lower(), offset, offset, 1.0) for w in result["text"].split() if w != UNKNOWN]
    return words, unknown


def _combine(parts: list[tuple[list[Word], int]], engine: str) -> Transcript:
    words = tuple(word for part, _ in parts for word in part)
    unknown = sum(count for _, count in parts)
    if not words:
        return Transcript.empty(engine)
    # [unk] stretches count as zero-confidence words: an utterance that was mostly unknown speech is doubtful.
    confidence = sum(w.confidence for w in words) / (len(words) + unknown)
    return Transcript(" ".join(w.text for w in words), round(confidence, 4), words, engine)


class VoskRecognizer:
    """Implements `Recognizer` on an installed Vosk model."""

    name = "vosk"
    sample_rate = 16000
    supports_streaming = True

    def __init__(
        self, model_path: str | Path, vocabulary: Vocabulary | None = None, *, use_grammar: bool = True
    ):
        self.model_path = str(Path(model_path).resolve())
        self._vosk = __import__("vosk")
        self._model = load_model(self.model_path)
        self.grammar: list[str] | None = None
        self.missing_words: list[str] = []
        if vocabulary is not None and use_grammar and supports_grammar(self.model_path):
            self.grammar, self.missing_words = grammar_for(vocabulary, model_words(self.model_path))
        elif vocabulary is not None and use_grammar:
            log.info("%s has a static graph (HCLG.fst): no runtime grammar, decoding freely", self.model_path)
        self.mode = "grammar" if self.grammar else "free"
        self._recognizer = self._new_kaldi()  # a model that cannot decode fails here, at start-up, in words
        self._lock = threading.Lock()
        self._live = None  # the recognizer of live utterances, made when the first one opens

    def _new_kaldi(self):
        try:
            if self.grammar:
                kaldi = self._vosk.KaldiRecognizer(
                    self._model, float(self.sample_rate), json.dumps(self.grammar, ensure_ascii=False)
                )
            else:
                kaldi = self._vosk.KaldiRecognizer(self._model, float(self.sample_rate))
        except Exception as error:
            raise RecognizerError(
                f"Vosk could not start a recognizer on {self.model_path} ({error}). {_FIX}"
            ) from error
        kaldi.SetWords(True)
        return kaldi

    def transcribe(self, audio: Audio) -> Transcript:
        pcm = pcm16(audio, self.sample_rate)
        with self._lock:
            self._recognizer.Reset()
            utterance = VoskUtterance(self._recognizer, self.name)
            utterance.accept(pcm)
            return utterance.result()

    def open_utterance(self) -> VoskUtterance:
        """An utterance decoded while it is being spoken, with the transcript `transcribe` would give. One
        Kaldi recognizer serves the live utterances in turn (reset between them), as one serves `transcribe`:
        a new one starts with cold decoding-graph caches (measured with the Korean model: real-time factor
        0.47 reused, 1.76 new each time). Only one live utterance may be open at a time."""
        if self._live is None:
            self._live = self._new_kaldi()
        self._live.Reset()
        return VoskUtterance(self._live, self.name)



class VoskUtterance:
    """One utterance fed piece by piece and decoded as it comes. Vosk decodes incrementally anyway, so feeding
    it live loses nothing: `transcribe` is this same class given the whole recording at once (same 0.25 s
    blocks, same handling of Vosk's own mid-utterance endpoints), and the transcript is the same whichever
    way the audio arrives. The live loop uses it so that at the end of an utterance only the last block is
    left to decode."""

    def __init__(self, kaldi, engine: str) -> None:
        self._kaldi = kaldi
        self._engine = engine
        self._parts: list[tuple[list[Word], int]] = []
        self._pending = b""

    def accept(self, pcm: bytes | np.ndarray) -> None:
        self._pending += chunk_bytes(pcm)
        size = _CHUNK_SAMPLES * 2
        while len(self._pending) >= size:
            block, self._pending = self._pending[:size], self._pending[size:]
            self._decode(block)

    def _decode(self, block: bytes) -> None:
        if self._kaldi.AcceptWaveform(block):
            self._parts.append(_transcript(self._kaldi.Result(), self._engine))

    def text_so_far(self) -> str:
        """What has been heard up to the last whole block (Vosk's partial result included)."""
        partial = json.loads(self._kaldi.PartialResult()).get("partial", "")
        words = [w.text for part, _ in self._parts for w in part]
        words += [w for w in partial.lower().split() if w != UNKNOWN]
        return " ".join(words)

    def result(self) -> Transcript:
        if self._pending:
            self._decode(self._pending)
            self._pending = b""
        self._parts.append(_transcript(self._kaldi.FinalResult(), self._engine))
        return _combine(self._parts, self._engine)
