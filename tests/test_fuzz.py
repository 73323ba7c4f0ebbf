"""Issue 9, fuzzing with hypothesis: the text path (commands, triage, router, conversation), the audio loader
and the document reader get generated hostile input. Zero tracebacks: every input either gets an answer made
only of document sentences and the assistant's fixed replies, or the one plain error type of its module.

The default run is a quick pass; `VOICEGUIDE_FUZZ_EXAMPLES=10000` (what `scripts/bench.py fuzz` runs) is the
full figure. Examples are generated afresh each run (no example database is written into the checkout).
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voiceguide.answer import messages
from voiceguide.answer.commands import parse_command
from voiceguide.answer.conversation import DISCLAIMER, Conversation
from voiceguide.answer.router import Router
from voiceguide.answer.triage import assess
from voiceguide.content.content_model import load_content
from voiceguide.content.documents import DocumentError, read_document
from voiceguide.speech.audio_file import AudioFileError, load_audio
from voiceguide.speech.settings import ADJUSTED_REPLIES, AT_LIMIT_REPLIES

EXAMPLES = int(os.environ.get("VOICEGUIDE_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=False,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
CONTENT = load_content()
ROUTER = Router(CONTENT)

# ---------------------------------------------------------------------------------------------- text path

_WORDS = sorted({w for s in CONTENT.sections for w in s.heading.lower().split()} |
                {"clot", "knee", "buttocks", "chest", "pain", "breathe", "swollen", "repeat", "more", "help",
                 "stop", "slower", "louder", "goodbye", "start", "over", "not", "don't", "my", "i", "have",
                 "what", "is"})
_CONTROL = (st.characters(min_codepoint=0, max_codepoint=0x1F)
            | st.sampled_from("\x7f\x85\x9b\u2028\u202e\ufeff"))
_TOKEN = st.sampled_from(_WORDS) | st.text(max_size=12) | st.text(_CONTROL, min_size=1, max_size=4)
_QUESTION = st.lists(_TOKEN, max_size=25).map(" ".join)
_HUGE = st.tuples(_QUESTION, st.integers(50, 400)).map(lambda t: (t[0] + " ") * t[1])  # up to ~100,000 chars
TEXTS = st.one_of(_QUESTION, st.text(), _HUGE, st.text(_CONTROL, max_size=200))

# The assistant's own words are data (content/messages.yaml); each template is matched with its fields
# ({topic}, {titles}, ...) standing for any short text, so this check follows the messages as they change.
_MESSAGES = yaml.safe_load(messages.MESSAGES_FILE.read_text())
_TEMPLATES = sorted((v for v in _MESSAGES.values() if isinstance(v, str)), key=len, reverse=True)
_FIXED = [re.compile(re.sub(r"\\\{\w+\\\}", lambda _m: ".{1,200}?", re.escape(t))) for t in _TEMPLATES]
_FIXED += [re.compile(re.escape(t)) for t in (*ADJUSTED_REPLIES.values(), *AT_LIMIT_REPLIES.values())]
DOCUMENT_SENTENCES = sorted({s for sec in CONTENT.sections for s in sec.sentences} | {
    a.text for advice in CONTENT.urgent.values() for a in advice}, key=len, reverse=True)


def unexplained(answer: str) -> str:
    """What is left of an answer once every document sentence and every fixed reply is taken out."""
    rest = answer
    for sentence in DOCUMENT_SENTENCES:
        if sentence in rest:
            rest = rest.replace(sentence, " ")
    for pattern in _FIXED:
        rest = pattern.sub(" ", rest)
    return rest.strip()


@FUZZ
@given(st.lists(TEXTS, min_size=1, max_size=3))
def test_text_path_never_fails_and_says_only_document_sentences(turns: list[str]) -> None:
    conversation = Conversation(CONTENT)
    for text in turns:
        parse_command(text)
        assess(text, CONTENT.lexicon["triage"])
        ROUTER.route(text)
        reply = conversation.handle(text)
        assert isinstance(reply.answer, str)
        assert not unexplained(reply.answer), (text[:200], reply.answer)


def test_the_answer_check_catches_words_not_in_the_documents() -> None:
    assert unexplained(Conversation(CONTENT).handle("what causes a blood clot behind the knee").answer) == ""
    assert unexplained("Drink bleach. " + DISCLAIMER) == "Drink bleach."


# ---------------------------------------------------------------------------------------------- audio loader


def _wav_bytes(samples: np.ndarray, rate: int, subtype: str) -> bytes:
    with tempfile.SpooledTemporaryFile() as handle:
        sf.write(handle, samples, rate, format="WAV", subtype=subtype)
        handle.seek(0)
        return handle.read()


_BASE = _wav_bytes((np.sin(np.arange(8000) / 5) * 0.5).astype(np.float32), 16000, "FLOAT")


@st.composite
def hostile_wavs(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["mutated", "nan", "random", "header"]))
    if kind == "mutated":  # flip bytes anywhere, most often in the header
        data = bytearray(_BASE)
        for _ in range(draw(st.integers(1, 8))):
            at = draw(st.integers(0, 80) | st.integers(0, len(data) - 1))
            data[at] = draw(st.integers(0, 255))
        return bytes(data)
    if kind == "nan":
        samples = np.frombuffer(_BASE[44:], dtype=np.float32).copy()
        samples[draw(st.integers(0, len(samples) - 1))] = draw(st.sampled_from([np.nan, np.inf, -np.inf]))
        return _BASE[:44] + samples.tobytes()
    if kind == "header":  # a plausible header with odd rates, channels, sizes
        return (b"RIFF" + draw(st.binary(min_size=4, max_size=4)) + b"WAVEfmt " +
                draw(st.binary(min_size=20, max_size=20)) + b"data" + draw(st.binary(max_size=200)))
    return draw(st.binary(max_size=400))


@FUZZ
@given(hostile_wavs())
def test_audio_loader_returns_clean_audio_or_says_what_is_wrong(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "q.wav"
        path.write_bytes(data)
        try:
            audio = load_audio(path)
        except AudioFileError as exc:
            assert exc.reason and "Traceback" not in str(exc)
            return
        assert audio.sample_rate == 16000 and np.all(np.isfinite(audio.samples))


# -------------------------------------------------------------------------------------------- document reader

SENTINEL = "zqxsentinel"  # in link targets, script bodies and table cells: it must never be read aloud
_MARKUP = [
    f"[a link](javascript:{SENTINEL})", f"<javascript:{SENTINEL}>", f"<https://{SENTINEL}.example>",
    f"&lt;script&gt;{SENTINEL}&lt;/script&gt;", f"<script>{SENTINEL}</script>", f"<style>{SENTINEL}</style>",
    f"| a | b |\n|---|---|\n| {SENTINEL} | x |", f"<table><tr><td>{SENTINEL}</td></tr></table>",
    f'<img src=x onerror="{SENTINEL}">', f"<iframe src='{SENTINEL}'></iframe>", "&amp;lt;b&amp;gt;",
    "&#0;", "&#x110000;", "&bogus;", "<!-- comment -->", "<![CDATA[x]]>", "---\ntitle: [\n---", "\x00\x1b[2J",
    "# Heading", "## Symptoms", "A plain sentence about a clot.", "> " * 50 + "deep", "*" * 200, "`code`",
    "<div><p>unclosed", "</p></div></span>",
]
_DOC_PART = st.sampled_from(_MARKUP) | st.text(max_size=40)
DOCUMENTS = st.tuples(st.sampled_from([".md", ".html", ".txt"]), st.lists(_DOC_PART, max_size=20))
_LEFT_MARKUP = re.compile(r"<[a-zA-Z/!?]|&(#[0-9]+|#x[0-9a-f]+|[a-z][a-z0-9]*);", re.IGNORECASE)


@FUZZ
@given(DOCUMENTS)
def test_document_reader_keeps_only_readable_text(document: tuple[str, list[str]]) -> None:
    suffix, parts = document
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"doc{suffix}"
        path.write_text("# Title\n\n" + "\n\n".join(parts) + "\n\nA closing sentence.\n", encoding="utf-8",
                        errors="surrogatepass")
        try:
            source = read_document(path)
        except DocumentError as exc:
            assert exc.problem
            return
    for block in source.blocks:
        assert SENTINEL not in block.text, block.text
        assert not _LEFT_MARKUP.search(block.text), block.text
        assert not re.search(r"[\x00-\x08\x0e-\x1f\x7f]", block.text), block.text
