"""`--tts piper`: the Piper voice renders sentence by sentence like the espeak-ng one, with the same speakable
text, rate and volume, offline; checked by ear with the embedded Whisper recognizer.

Everything is real: Piper with the voice from its PyPI package, Whisper tiny.en transcribing what it said, and
`voiceguide listen` run as a person runs it with a recording as the microphone.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.conftest import REPO
from tests.sessions import build_session, private_env, spoken_turns
from tests.test_speakable import _hearings
from voiceguide.answer.conversation import Conversation
from voiceguide.content.content_model import load_content
from voiceguide.speech.settings import SpeechSettings
from voiceguide.speech.tts_base import (
    SentenceRenderer,
    TtsEngine,
    VoiceNotFoundError,
    VoiceWarning,
    spoken_sentences,
)
from voiceguide.speech.tts_engines import make_renderer

pytest.importorskip("piper", reason="Piper is an optional extra: pip install -e '.[piper]'")

VOICEGUIDE = str(REPO / ".venv/bin/voiceguide")


@pytest.fixture(scope="module")
def piper() -> SentenceRenderer:
    return make_renderer(TtsEngine.PIPER)


def heard(samples: np.ndarray, rate: int) -> str:
    """What Whisper tiny.en (the engine's own model, greedy) hears, as lower-case words."""
    import soxr

    from voiceguide.speech.asr.whisper_engine import embedded_model_dir, load_model

    model = load_model(str(embedded_model_dir()), 2)
    segments, _info = model.transcribe(soxr.resample(samples, rate, 16000), language="en", beam_size=1,
                                       condition_on_previous_text=False)
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", " ".join(s.text for s in segments).lower()).split())


def test_a_piper_sentence_is_heard_as_written(piper: SentenceRenderer) -> None:
    """Piper samples its voice afresh each time, and tiny.en now and then mishears one render ("if you like
    is swollen"): most of three renders must be heard with every word."""
    hearings = []
    for _ in range(3):
        audio = piper.render("Please see a doctor if your leg is swollen and warm.")
        assert audio.sample_rate == 22050 and audio.duration > 1.5
        hearings.append(heard(audio.samples, audio.sample_rate).split())
    right = [words for words in hearings if {"doctor", "leg", "swollen", "warm"} <= set(words)]
    assert len(right) >= 2, hearings


def _digits_apart(hearings: list[str]) -> bool:
    """Heard as three digits said one by one: some decoding writes them apart ("9 1 1") and none writes a
    quantity ("900 11", "nine hundred eleven", "9 11"). Whisper writes "911" for both readings, so that form
    decides nothing; and Piper's voice varies from render to render, so the hearings of five renders count
    (with three, now and then every hearing wrote "911"). An "11" counts as a quantity only after the 9: when
    Whisper mishears the "nine" ("call mine, one, one"), the two digit words left are joined into "11", and
    that is the digits said apart, not "eleven" (1 hearing in 60 on this sentence, which failed the test now
    and then)."""
    return (any(re.search(r"\b9 1 1\b", h) for h in hearings)
            and not any(re.search(r"hundred|eleven|\b900\b|\b9 11\b", h) for h in hearings))


def test_piper_goes_through_the_speakable_step(piper: SentenceRenderer,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The emergency number is said digit by digit by Piper too; and without the step (the control) the same
    sentence is not, so the check can fail."""
    text = "This could be an emergency. Call 911 now. A blood clot can travel."

    def hearings() -> list[str]:
        pooled: list[str] = []
        for _ in range(5):
            audio = piper.render(text)
            pooled += _hearings(audio.samples, audio.sample_rate)
        return pooled

    said = hearings()
    assert _digits_apart(said), said
    import voiceguide.speech.tts_base as base

    monkeypatch.setattr(base, "speakable", lambda written: written)
    plain = hearings()
    assert not _digits_apart(plain), plain


def test_the_two_engines_are_interchangeable(piper: SentenceRenderer) -> None:
    """The same sentences, in the same order, for captions and playback; closing early (barge-in) stops."""
    answer = Conversation(load_content()).handle(
        "what are the symptoms of a blood clot behind the knee").answer
    espeak = make_renderer(TtsEngine.PYTTSX3)
    for renderer in (espeak, piper):
        stream = renderer.render_sentences(answer)
        first = next(stream)
        assert first.text == spoken_sentences(answer)[0] and first.audio.duration > 1.0
        stream.close()
        # a new render after the cancelled ones runs at once
        assert renderer.render("Say more.").duration > 0.3
    assert [s.text for s in piper.render_sentences(answer)] == spoken_sentences(answer)


def test_rate_and_volume_apply_to_piper() -> None:
    sentence = "A blood clot in the leg can cause swelling and pain."
    durations = {rate: make_renderer("piper", SpeechSettings(rate=rate)).render(sentence).duration
                 for rate in (100, 175, 300)}
    assert durations[100] > 1.4 * durations[175] and durations[300] < 0.75 * durations[175], durations
    peaks = {volume: float(np.abs(make_renderer("piper", SpeechSettings(volume=volume)).render(sentence)
                              .samples).max()) for volume in (0.4, 1.0)}
    assert peaks[0.4] == pytest.approx(0.4, abs=0.03) and peaks[1.0] == pytest.approx(1.0, abs=0.03), peaks


def test_a_voice_piper_does_not_have() -> None:
    with pytest.raises(VoiceNotFoundError, match="en_US-joe-medium"):
        make_renderer("piper", SpeechSettings(voice="gmw/en-us"))
    with pytest.warns(VoiceWarning):
        lenient = make_renderer("piper", SpeechSettings(voice="gmw/en-us"), strict=False)
    assert lenient.fallback_message and lenient.render("Hello.").duration > 0.3


OFFLINE_RENDER = """
import socket, sys
def refuse(*args, **kwargs):
    raise AssertionError("Piper tried to open a network connection")
for name in ("connect", "connect_ex", "sendto", "sendall", "send"):
    setattr(socket.socket, name, refuse)
socket.create_connection = socket.getaddrinfo = refuse
import numpy as np
from voiceguide.speech.tts_engines import make_renderer
audio = make_renderer("piper").render("My calf is swollen. What should I do?")
print(float(np.sqrt(np.mean(audio.samples ** 2))), audio.duration)
"""


def test_piper_loads_and_renders_offline_and_writes_nothing(tmp_path: Path) -> None:
    """A fresh process (the voice loads there) with every network call refused in Python and, where strace is
    installed, every socket call of the native code (ONNX Runtime, Piper's espeak-ng) traced; HOME and TMPDIR
    empty. It renders, opens no internet socket, and HOME and TMPDIR stay empty (ONNX Runtime's device id
    included: it is not switched off by the caller's environment here)."""
    import shutil

    env = {k: v for k, v in private_env(tmp_path).items() if not k.startswith("ORT_")}
    trace = tmp_path / "trace.txt"
    strace = shutil.which("strace")
    prefix = ([strace, "-f", "-qq", "-e", "trace=socket,connect,sendto,sendmsg", "-o", str(trace)]
              if strace else [])
    proc = subprocess.run([*prefix, sys.executable, "-c", OFFLINE_RENDER], env=env, cwd=tmp_path / "tmp",
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    rms, duration = map(float, proc.stdout.split())
    assert rms > 0.02 and duration > 1.5
    if strace:
        calls = trace.read_text().splitlines()
        assert not [c for c in calls if "AF_INET" in c], calls
    for folder in ("home", "tmp", "config"):
        assert list((tmp_path / folder).rglob("*")) == [], folder


def test_listen_with_piper_answers(tmp_path: Path) -> None:
    question = "what are the symptoms of a blood clot behind the knee"
    session = build_session(tmp_path / "session.wav", [question], noise_db=None)
    out = tmp_path / "out.wav"
    proc = subprocess.run([VOICEGUIDE, "listen", "--tts", "piper", "--no-welcome", "--fast", "--input-file",
                           str(session), "--output-file", str(out)], env=private_env(tmp_path),
                          capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr
    ((heard_text, said),) = spoken_turns(proc.stdout)
    reply = Conversation(load_content()).handle(heard_text)
    assert reply.topic == "blood-clot-behind-knee.symptoms" and said == spoken_sentences(reply.answer)
    samples, rate = sf.read(str(out), dtype="float32")
    words = set(heard(samples, rate).split())
    first = set(re.sub(r"[^a-z ]+", " ", said[0].lower()).split())
    content_words = {w for w in first if len(w) > 4}
    assert len(content_words & words) >= 0.7 * len(content_words), (said[0], sorted(words))


def test_say_and_voices_take_tts_piper(tmp_path: Path) -> None:
    """Piper's voice varies from render to render and tiny.en once heard one `say` as "all your doctor
    today" (1 run in the CI's record, none in 50 here): most of three must be heard with every word."""
    env = private_env(tmp_path)
    out = tmp_path / "said.wav"
    hearings = []
    for _ in range(3):
        proc = subprocess.run([VOICEGUIDE, "say", "--tts", "piper", "--output", str(out),
                               "Call your doctor today."],
                              env=env, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        samples, rate = sf.read(str(out), dtype="float32")
        hearings.append(set(heard(samples, rate).split()))
    assert sum({"call", "doctor", "today"} <= words for words in hearings) >= 2, hearings
    proc = subprocess.run([VOICEGUIDE, "say", "--tts", "piper", "--voice", "nosuchvoice", "--output",
                           str(tmp_path / "x.wav"), "hello"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "en_US-joe-medium" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "x.wav").exists()
    proc = subprocess.run([VOICEGUIDE, "voices", "--tts", "piper"], env=env, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0 and proc.stdout.startswith("en_US-joe-medium"), proc.stdout + proc.stderr
