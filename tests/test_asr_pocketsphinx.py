"""The embedded recognizer on real speech: espeak-ng renders of questions (several voices and rates, clean and
with real kitchen noise), streaming with endpointing, and real people ordering coffee (out of domain)."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest
from asr_fixtures import OOD_SPEECH, render, with_kitchen_noise, words_of

from voiceguide.asr import Recognizer, Transcript
from voiceguide.asr.pocketsphinx_engine import PocketsphinxRecognizer
from voiceguide.asr.pronounce import pronunciations, read_dictionary
from voiceguide.audio import Audio
from voiceguide.audio_file import load_audio
from voiceguide.content_model import load_content
from voiceguide.vocabulary import Vocabulary

# (question, voice, rate, key words that must all be heard)
QUESTIONS = [
    ("what are the symptoms of a blood clot behind the knee", "en-us", 160, {"symptom", "clot", "knee"}),
    ("how is a blood clot in the buttocks treated", "en-gb-x-rp", 175, {"clot", "buttock", "treated"}),
    ("what causes blood clots behind the knee", "en-us+f3", 150, {"causes", "knee"}),
    ("what is deep vein thrombosis", "en-us", 185, {"deep", "vein", "thrombosis"}),
    ("do compression stockings help", "en-gb-x-rp", 160, {"compression", "stocking"}),
    ("what are blood thinners", "en-us+f3", 165, {"blood", "thinner"}),
    ("what is superficial thrombophlebitis", "en-us", 150, {"thrombophlebitis"}),
    ("how do doctors diagnose a blood clot", "en-gb-x-rp", 185, {"diagnose", "clot"}),
    ("can you get a blood clot in your buttocks", "en-us", 175, {"clot", "buttock"}),
    ("how can i prevent a blood clot", "en-us+f3", 160, {"prevent", "clot"}),
]
EMERGENCIES = [
    ("i can't breathe", "en-us", 160, {"breathe"}),
    ("sudden shortness of breath", "en-gb-x-rp", 170, {"shortness", "breath"}),
    ("i am coughing up blood", "en-us", 150, {"coughing", "blood"}),
    ("i have chest pain", "en-gb-x-rp", 160, {"chest", "pain"}),
]
# Content words no coffee order should turn into (the router answers with clot content on these).
CONTENT_TERMS = {
    "clot",
    "knee",
    "buttock",
    "dvt",
    "thrombosis",
    "embolism",
    "pulmonary",
    "thinner",
    "anticoagulant",
    "stocking",
    "thrombophlebitis",
    "breathe",
    "chest",
}


@pytest.fixture(scope="module")
def recognizer() -> PocketsphinxRecognizer:
    return PocketsphinxRecognizer(load_content().vocabulary)


def _hit(transcript: Transcript, keys: set[str]) -> bool:
    return keys <= words_of(transcript.text)


def test_implements_the_recognizer_interface(recognizer: PocketsphinxRecognizer) -> None:
    assert isinstance(recognizer, Recognizer)
    assert recognizer.name == "pocketsphinx" and recognizer.sample_rate == 16000
    assert recognizer.unpronounceable == []  # every content word, medical ones included, can be heard


def test_domain_questions_are_heard(recognizer: PocketsphinxRecognizer) -> None:
    results = []
    for text, voice, rate, keys in QUESTIONS:
        transcript = recognizer.transcribe(render(text, voice, rate))
        results.append((text, transcript.text, _hit(transcript, keys)))
        assert transcript.text == transcript.text.lower()
        assert 0.0 <= transcript.confidence <= 1.0
    print("\n".join(f"{ok!s:5} {text!r} -> {heard!r}" for text, heard, ok in results))
    assert sum(ok for *_, ok in results) >= 8, results  # measured 10/10 here; espeak voices vary by release


@pytest.mark.parametrize(("text", "voice", "rate", "keys"), EMERGENCIES)
def test_warning_signs_are_heard(recognizer: PocketsphinxRecognizer, text: str, voice: str, rate: int, keys):
    transcript = recognizer.transcribe(render(text, voice, rate))
    assert _hit(transcript, keys), transcript.text


def test_questions_in_kitchen_noise(recognizer: PocketsphinxRecognizer) -> None:
    picked = [QUESTIONS[0], QUESTIONS[1], QUESTIONS[3], EMERGENCIES[0], EMERGENCIES[1], EMERGENCIES[2]]
    hits = []
    for seed, (text, voice, rate, keys) in enumerate(picked):
        transcript = recognizer.transcribe(with_kitchen_noise(render(text, voice, rate), 10.0, seed))
        hits.append((text, transcript.text, _hit(transcript, keys)))
    print("\n".join(map(str, hits)))
    # Measured here: the three questions are heard, short warning signs in 10 dB kitchen noise are the weak spot
    # (2 of 3 lose a key word). The floor below guards against regressions; the targets are measured
    # on the recorded corpus with the router, which also catches partial wordings.
    assert all(ok for *_, ok in hits[:3]), hits
    assert sum(ok for *_, ok in hits) >= 4, hits


def test_words_have_times_and_confidences(recognizer: PocketsphinxRecognizer) -> None:
    audio = render("what are the symptoms of a blood clot behind the knee", pad=0.5)
    transcript = recognizer.transcribe(audio)
    assert transcript.words and transcript.engine == "pocketsphinx"
    assert " ".join(w.text for w in transcript.words) == transcript.text
    starts = [w.start for w in transcript.words]
    assert starts == sorted(starts)
    assert all(0.0 <= w.start < w.end <= audio.duration + 0.05 for w in transcript.words)
    assert all(0.0 <= w.confidence <= 1.0 for w in transcript.words)
    assert transcript.confidence > 0.5  # a clean in-domain question is heard with confidence


def test_stereo_44k_flac_file_is_heard(recognizer: PocketsphinxRecognizer, tmp_path: Path) -> None:
    import soundfile as sf
    import soxr

    audio = render("what is deep vein thrombosis", "en-us", 170)
    high = soxr.resample(audio.samples, 16000, 44100).astype(np.float32)
    path = tmp_path / "q.flac"
    sf.write(str(path), np.stack([high, high * 0.8], axis=1), 44100)
    from_file = recognizer.transcribe(load_audio(path))
    assert {"vein", "thrombosis"} <= words_of(from_file.text)


def test_silence_gives_an_empty_or_doubtful_transcript(recognizer: PocketsphinxRecognizer) -> None:
    transcript = recognizer.transcribe(Audio.silence(1.5))
    assert transcript.text == "" or transcript.confidence < 0.5


def _stream_chunks(audio: Audio, size: int = 1600):
    pcm = audio.to_int16()
    for start in range(0, len(pcm), size):
        yield start, pcm[start : start + size]


def test_streaming_detects_the_end_of_the_question(recognizer: PocketsphinxRecognizer) -> None:
    audio = render("what are the symptoms of a blood clot behind the knee", pad=1.5)
    stream = recognizer.open_stream()
    ended_at, partials = None, []
    for start, chunk in _stream_chunks(audio):
        partials.append(stream.partial())
        if stream.accept(chunk.tobytes() if start % 3200 else chunk):  # bytes and arrays both accepted
            ended_at = start
            break
    assert ended_at is not None, "the endpointer never found the end of speech"
    speech_end = len(audio.samples) - int(1.5 * 16000)
    assert speech_end <= ended_at + 1600 <= speech_end + 16000  # within a second of the last word
    assert any(partials)  # words appear while the person is still talking
    result = stream.result()
    assert {"symptom", "clot", "knee"} <= words_of(result.text)
    stream.reset()
    assert stream.result().text == "" and stream.partial() == ""


def test_stream_hears_two_questions_one_after_the_other(recognizer: PocketsphinxRecognizer) -> None:
    first, second = render("i can't breathe", pad=1.2), render("what are blood thinners", pad=1.2)
    stream = recognizer.open_stream()
    heard = []
    for audio in (first, second):
        for _, chunk in _stream_chunks(audio):
            if stream.accept(chunk):
                heard.append(stream.result().text)
    assert len(heard) == 2, heard
    assert "breathe" in words_of(heard[0]) and "thinner" in words_of(heard[1])


def test_result_closes_an_unfinished_utterance(recognizer: PocketsphinxRecognizer) -> None:
    audio = render("what is deep vein thrombosis", pad=0.3)
    stream = recognizer.open_stream()
    for _, chunk in _stream_chunks(audio):
        stream.accept(chunk)
    assert {"vein", "thrombosis"} <= words_of(stream.result().text)


def test_words_missing_from_the_dictionary_get_pronunciations(caplog) -> None:
    import pocketsphinx

    dictionary = read_dictionary(Path(pocketsphinx.get_model_path()) / "en-us" / "cmudict-en-us.dict")
    words = ["thrombophlebitis", "anticoagulants", "iliac", "venogram", "dvt", "thinners", "knee"]
    assert not any(w in dictionary for w in words[:-1])
    with caplog.at_level(logging.WARNING):
        found, missing = pronunciations([*words, "caf\u00e9", "---"], dictionary)
    assert set(words) <= set(found) and missing == ["---"]
    phones = set(
        "AA AE AH AO AW AY B CH D DH EH ER EY F G HH IH IY JH K L M N NG OW OY P R S SH T TH UH UW V W Y Z ZH".split()
    )  # the en-us acoustic model's phone set
    assert all(set(pron) <= phones for pron in found.values())
    assert found["dvt"] == ("D", "IY", "V", "IY", "T", "IY")
    assert "cannot be recognized" in caplog.text


def test_any_vocabulary_works(tmp_path: Path) -> None:
    """A vocabulary with nothing about clots biases toward its own phrases."""
    vocabulary = Vocabulary(("garden", "tomatoes", "water"), ("when should i water the tomatoes",))
    recognizer = PocketsphinxRecognizer(vocabulary)
    transcript = recognizer.transcribe(render("when should i water the tomatoes", "en-us", 160))
    assert {"water", "tomatoe"} <= words_of(transcript.text) or "tomatoes" in transcript.text


def test_coffee_orders_do_not_become_blood_clot_questions(recognizer: PocketsphinxRecognizer) -> None:
    """Real people ordering coffee: the biased recognizer must not turn them into content words."""
    files = sorted(OOD_SPEECH.glob("*.wav")) if OOD_SPEECH.is_dir() else []
    if not files:
        pytest.skip(f"{OOD_SPEECH} is absent (real out-of-domain speech lives in ../shared/corpora)")
    sample = files[::6]  # 10 of the 60, to keep the test fast
    flagged = []
    for path in sample:
        transcript = recognizer.transcribe(load_audio(path))
        content = sorted(words_of(transcript.text) & CONTENT_TERMS)
        print(f"{path.name[:8]} conf={transcript.confidence:.2f} {content or ''} {transcript.text!r}")
        if content:
            flagged.append((path.name, transcript.text))
    # Measured on all 60: 6 contain one content word (e.g. "knee", "thinners"), and the router answers 1 of 60.
    assert len(flagged) <= 2, flagged


# Warning signs the n-gram search loses with voices and noise not in tests/audio, and the keyword search
# (a second search over the same audio) finds: (text, voice, rate, kitchen-noise seed or None, phrase).
SPOTTED = [
    ("it is hard to breathe", "en-gb-x-gbclan", 190, None, "hard to breathe"),
    ("i really can't breathe properly", "en-029", 150, 1005, "can't breathe"),
]


@pytest.fixture(scope="module")
def without_keywords() -> PocketsphinxRecognizer:
    return PocketsphinxRecognizer(load_content().vocabulary, warning_phrases={})


def test_warning_signs_are_spotted_where_the_ngram_search_loses_them(
    recognizer: PocketsphinxRecognizer, without_keywords: PocketsphinxRecognizer
) -> None:
    from voiceguide.conversation import Conversation

    content = load_content()
    results = []
    for text, voice, rate, seed, phrase in SPOTTED:
        audio = render(text, voice, rate)
        if seed is not None:
            audio = with_kitchen_noise(audio, 10.0, seed)
        plain, spotted = without_keywords.transcribe(audio).text, recognizer.transcribe(audio).text
        urgency = Conversation(content).handle(spotted).urgency.value
        results.append((text, plain, spotted, urgency, phrase))
    print("\n".join(map(str, results)))
    # Every case ends in an emergency, and where the n-gram search alone lost the phrase, the keyword search
    # put it back. At least one case must be such a loss, or this test proves nothing about the spotting.
    assert all(r[3] == "emergency" for r in results), results
    lost = [r for r in results if r[4] not in r[1]]
    assert lost, results
    assert all(r[4] in r[2] for r in lost), results


def test_keyword_search_adds_nothing_to_ordinary_questions(
    recognizer: PocketsphinxRecognizer, without_keywords: PocketsphinxRecognizer
) -> None:
    """The phrases' sounds hide in ordinary questions ("can a clot ... behind" ~ "can't breathe"); the
    thresholds must keep them out."""
    questions = [
        ("can a clot in the back of your knee make your leg feel heavy", "en-gb-x-gbclan", 170),
        ("should i wear compression socks for d v t", "en-us+m3", 150),
        ("does walking help prevent clots", "en+f2", 190),
        ("what is high blood pressure", "en-029", 170),
    ]
    for text, voice, rate in questions:
        audio = render(text, voice, rate)
        assert recognizer.transcribe(audio).text == without_keywords.transcribe(audio).text, text


def test_spotted_phrase_goes_where_it_was_heard() -> None:
    """In place, not appended: a negation before it still applies; a phrase already heard is not doubled."""
    from voiceguide.asr.base import Word
    from voiceguide.asr.pocketsphinx_engine import with_spotted_phrases

    heard = [
        ("i", 0.1, 0.2),
        ("do", 0.2, 0.3),
        ("not", 0.3, 0.5),
        ("have", 0.5, 0.7),
        ("test", 0.7, 1.0),
        ("thing", 1.0, 1.3),
        ("but", 1.4, 1.5),
    ]
    transcript = Transcript.from_words(tuple(Word(w, s, e, 0.9) for w, s, e in heard), "pocketsphinx")
    spliced = with_spotted_phrases(transcript, [Word("chest pain", 0.72, 1.28, 0.8)])
    assert spliced.text == "i do not have chest pain but"
    assert [w.start for w in spliced.words] == sorted(w.start for w in spliced.words)
    assert with_spotted_phrases(spliced, [Word("chest pain", 0.7, 1.3, 0.8)]).text == spliced.text
    assert with_spotted_phrases(transcript, []) == transcript
