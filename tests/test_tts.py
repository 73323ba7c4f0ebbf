"""Real espeak-ng rendering through pyttsx3: the audio must be real speech that follows the settings."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.conftest import REPO
from voiceguide.answer.text import split_sentences
from voiceguide.speech import tts
from voiceguide.speech.audio import Audio
from voiceguide.speech.settings import SpeechSettings
from voiceguide.speech.tts_engines import say_to_file

SHORT = "A blood clot can be serious."
LONG = ("A blood clot behind the knee is called a deep vein thrombosis. It can cause swelling, pain and "
        "warmth in the calf. If a piece breaks off and travels to the lungs, it can become a pulmonary "
        "embolism.")


def _rms(audio: Audio) -> float:
    return float(np.sqrt(np.mean(np.square(audio.samples, dtype=np.float64))))


def _voiced_fraction(audio: Audio) -> float:
    """Share of 20 ms frames with energy: speech has syllables and gaps, a tone or noise would not."""
    frame = int(0.02 * audio.sample_rate)
    frames = audio.samples[: len(audio.samples) // frame * frame].reshape(-1, frame)
    energy = np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1))
    return float(np.mean(energy > 0.1 * energy.max()))


def _median_pitch(audio: Audio) -> float:
    """Median fundamental (autocorrelation over loud 40 ms frames), to tell a low voice from a high one."""
    sr, frame = audio.sample_rate, int(0.04 * audio.sample_rate)
    x = audio.samples.astype(np.float64)
    loud = 0.3 * np.abs(x).max()
    pitches = []
    for start in range(0, len(x) - frame, frame):
        seg = x[start : start + frame]
        if np.abs(seg).max() < loud:
            continue
        seg = seg - seg.mean()
        ac = np.correlate(seg, seg, "full")[frame - 1 :]
        lo, hi = sr // 400, sr // 70  # 70..400 Hz
        lag = lo + int(np.argmax(ac[lo:hi]))
        pitches.append(sr / lag)
    return float(np.median(pitches))


@pytest.fixture(scope="module")
def renderer() -> tts.Renderer:
    return tts.Renderer(SpeechSettings(voice="en-us", rate=175, volume=0.8))


def test_sentences_keep_abbreviations_decimals_and_lines() -> None:
    """One splitter for the compiler and for speech (voiceguide.answer.text); speech only cuts long ones
    further."""
    text = ("Blood thinners, e.g. warfarin, help. Take 2.5 mg only if Dr. Lee says so! Is it urgent? Yes.\n"
            "Symptoms\n- swelling   of the calf")
    expected = [
        "Blood thinners, e.g. warfarin, help.",
        "Take 2.5 mg only if Dr. Lee says so!",
        "Is it urgent?",
        "Yes.",
        "Symptoms",
        "- swelling of the calf",
    ]
    assert split_sentences(text) == tts.spoken_sentences(text) == expected
    assert split_sentences('He said "Call now." Then he left.') == ['He said "Call now."', "Then he left."]
    assert split_sentences("Is it contagious? No. See form No. 5 first.") == [
        "Is it contagious?", "No.", "See form No. 5 first."]
    assert tts.spoken_sentences("  \n ... \n") == split_sentences("  \n ... \n") == []
    long_sentence = ", ".join(["the calf may swell and hurt"] * 20) + "."
    assert split_sentences(long_sentence) == [long_sentence]  # the compiler keeps a sentence whole
    parts = tts.spoken_sentences(long_sentence, max_chars=120)
    assert len(parts) > 1 and all(len(p) <= 120 for p in parts)
    assert " ".join(parts) == long_sentence


def test_rendering_is_real_speech_that_grows_with_text(renderer: tts.Renderer) -> None:
    short, long = renderer.render(SHORT), renderer.render(LONG)
    assert short.sample_rate == long.sample_rate == tts.OUTPUT_RATE
    assert short.samples.dtype == np.float32
    assert 1.0 < short.duration < 4.0
    assert long.duration > 3 * short.duration
    assert _rms(long) > 0.02
    assert 0.3 < _voiced_fraction(long) < 0.95  # syllables and pauses, not a constant signal
    spectrum = np.abs(np.fft.rfft(long.samples)) ** 2
    freqs = np.fft.rfftfreq(len(long.samples), 1 / long.sample_rate)
    speech_band = spectrum[(freqs > 80) & (freqs < 4000)].sum() / spectrum.sum()
    assert speech_band > 0.8


def test_rate_changes_duration_and_volume_changes_level() -> None:
    slow = tts.Renderer(SpeechSettings(voice="en-us", rate=100)).render(LONG)
    fast = tts.Renderer(SpeechSettings(voice="en-us", rate=250)).render(LONG)
    assert slow.duration > 1.6 * fast.duration
    quiet = tts.Renderer(SpeechSettings(voice="en-us", volume=0.3)).render(SHORT)
    loud = tts.Renderer(SpeechSettings(voice="en-us", volume=1.0)).render(SHORT)
    assert _rms(loud) > 2.0 * _rms(quiet)


def test_settings_apply_to_the_very_next_render() -> None:
    """Regression: pyttsx3 2.99 could drop a rate change queued right after a render (same voice)."""
    durations = {}
    for rate in (100, 250, 250, 100, 175, 250):
        audio = tts.Renderer(SpeechSettings(voice="en-us", rate=rate)).render(SHORT)
        durations.setdefault(rate, set()).add(round(audio.duration, 2))
    assert all(len(seen) == 1 for seen in durations.values())
    assert min(durations[100]) > min(durations[175]) > min(durations[250])
    levels = [_rms(tts.Renderer(SpeechSettings(voice="en-us", volume=v)).render(SHORT))
              for v in (1.0, 0.3, 1.0)]
    assert levels[0] == pytest.approx(levels[2], rel=0.05) and levels[1] < 0.5 * levels[0]


def test_voices_differ() -> None:
    low = tts.Renderer(SpeechSettings(voice="en-us")).render(LONG)
    high = tts.Renderer(SpeechSettings(voice="en-us+f3")).render(LONG)
    assert _median_pitch(high) > 1.3 * _median_pitch(low)
    korean = tts.Renderer(SpeechSettings(voice="ko")).render("안녕하세요. 다리가 아파요.")
    assert korean.duration > 1.0 and _rms(korean) > 0.02


def test_voice_names_resolve_and_unknown_voice_is_explained() -> None:
    voices = tts.list_voices()
    assert any(v.id == "gmw/en-us" and v.name == "English (America)" for v in voices)
    assert tts.resolve_voice("English (America)") == tts.resolve_voice("en-us") == "gmw/en-us"
    assert tts.resolve_voice("en-us+F3") == "gmw/en-us+f3"
    with pytest.raises(tts.VoiceNotFoundError, match=r"no voice called 'elvish'.*gmw/en"):
        tts.Renderer(SpeechSettings(voice="elvish"))
    with pytest.raises(tts.VoiceNotFoundError, match="variant"):
        tts.resolve_voice("en-us+nosuchvariant")
    with pytest.warns(tts.VoiceWarning, match="elvish"):
        fallback = tts.Renderer(SpeechSettings(voice="elvish", rate=150), strict=False)
    assert fallback.settings.voice is None and fallback.settings.rate == 150
    assert "elvish" in (fallback.fallback_message or "")
    assert fallback.render(SHORT).duration > 1.0


def test_stream_yields_each_sentence_and_renders_ahead(renderer: tts.Renderer) -> None:
    text = "First sentence here. Second sentence is a little longer than the first. Third one."
    stream = renderer.render_sentences(text, lookahead=1)
    first = next(stream)
    assert first.text == "First sentence here."
    # A job queued now runs after everything already queued (one engine thread, in order); so once it has
    # run, the second sentence must be ready although the caller has not asked for it yet.
    barrier_at = tts._ENGINE.run(lambda _engine: __import__("time").perf_counter())
    second = next(stream)
    assert second.rendered_at <= barrier_at
    rest = list(stream)
    assert [s.text for s in [first, second, *rest]] == tts.spoken_sentences(text)
    audios = [s.audio for s in renderer.render_sentences(text)]
    assert len(audios) == 3 and audios[1].duration > audios[2].duration


def test_closing_a_stream_early_cancels_the_rest(renderer: tts.Renderer) -> None:
    stream = renderer.render_sentences(" ".join(f"Sentence number {i}." for i in range(30)))
    assert next(stream).audio.duration > 0.5
    stream.close()  # barge-in: nothing more is rendered for this answer
    assert renderer.render(SHORT).duration > 1.0


def test_nothing_reaches_stdout_and_temp_files_are_removed(
    renderer: tts.Renderer, capfd: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private_tmp))
    renderer.render(LONG)
    say_to_file(SHORT, tmp_path / "out.wav")
    out, _err = capfd.readouterr()
    assert out == ""
    assert list(private_tmp.iterdir()) == []


def test_say_to_file_writes_16_bit_wav_and_resamples(tmp_path: Path) -> None:
    path = say_to_file(LONG, tmp_path / "answers" / "a.wav", SpeechSettings(voice="en-us"))
    info = sf.info(str(path))
    assert (info.format, info.subtype, info.channels, info.samplerate) == ("WAV", "PCM_16", 1, 22050)
    assert info.duration > 5.0
    assert not list(path.parent.glob(".*partial"))
    narrow = say_to_file(LONG, tmp_path / "b.wav", SpeechSettings(voice="en-us"), output_rate=16000)
    assert sf.info(str(narrow)).samplerate == 16000
    assert sf.info(str(narrow)).duration == pytest.approx(info.duration, rel=0.02)
    with pytest.raises(ValueError, match="no text"):
        say_to_file("  ... ", tmp_path / "c.wav")


def test_renders_from_two_threads_at_once_keep_their_own_settings() -> None:
    """The live loop renders on its own threads while the main thread may render too (a prompt, `say`):
    espeak-ng has one global state and its own synthesis thread, so renders must never overlap there. Two
    threads, each with a renderer of its own (different voice, rate and volume), render at the same time;
    every sentence must come out as it does alone, and the process must live."""
    settings = {"slow": SpeechSettings(voice="en-us", rate=110, volume=1.0),
                "fast": SpeechSettings(voice="en-us+f3", rate=250, volume=0.3)}

    def speak(name: str) -> list[Audio]:
        renderer = tts.Renderer(settings[name])
        return [s.audio for _ in range(3) for s in renderer.render_sentences(LONG, lookahead=2)]

    with ThreadPoolExecutor(max_workers=2) as pool:
        together = {name: future.result() for name, future in
                    [(name, pool.submit(speak, name)) for name in settings]}
    for name, rendered in together.items():
        alone = [s.audio for s in tts.Renderer(settings[name]).render_sentences(LONG)]
        assert len(rendered) == 3 * len(alone) == 9
        for index, audio in enumerate(rendered):
            reference = alone[index % len(alone)]
            assert audio.duration == pytest.approx(reference.duration, rel=0.1), (name, index)
            assert _rms(audio) == pytest.approx(_rms(reference), rel=0.2), (name, index)
    slow, fast = together["slow"], together["fast"]
    assert all(s.duration > 1.5 * f.duration for s, f in zip(slow, fast, strict=True))
    assert all(_rms(s) > 2.0 * _rms(f) for s, f in zip(slow, fast, strict=True))
    assert _median_pitch(fast[0]) > 1.3 * _median_pitch(slow[0])


SYNTH_AT_THE_EDGE_OF_MEMORY = """
import ctypes, mmap, sys
from pyttsx3.drivers import _espeak
from voiceguide.speech import tts

renderer = tts.Renderer()
renderer.render("Ready.")  # the engine and its driver are set up as in any run
page = mmap.PAGESIZE
memory = mmap.mmap(-1, 2 * page, prot=mmap.PROT_READ | mmap.PROT_WRITE)
libc = ctypes.CDLL(None, use_errno=True)
start = ctypes.addressof(ctypes.c_char.from_buffer(memory))
if libc.mprotect(ctypes.c_void_p(start + page), ctypes.c_size_t(page), 0) != 0:
    print("skip", ctypes.get_errno())
    sys.exit(0)
text = sys.argv[1].encode("utf-8") + b"\\0"
at_the_edge = (ctypes.c_char * len(text)).from_buffer(memory, page - len(text))  # then a page no one may read
at_the_edge[:] = text

def synth(_engine):
    _espeak.Synth(at_the_edge, flags=_espeak.ENDPAUSE | _espeak.CHARS_UTF8)  # the call the driver makes
    _espeak.Synchronize()

tts._ENGINE.run(synth)
print(renderer.render(sys.argv[1]).duration)
"""


def test_espeak_reads_only_the_text_it_is_given() -> None:
    """pyttsx3 2.99 told espeak-ng its text was ten times longer than it is, and espeak-ng copies that many
    bytes: every render read past the end of the sentence, and a sentence that ended just before unmapped
    memory killed the whole process (SIGSEGV in espeak_Synth). In a child process, a sentence that ends
    right before a page that may not be read goes through the same Synth call the driver makes."""
    proc = subprocess.run([sys.executable, "-c", SYNTH_AT_THE_EDGE_OF_MEMORY, SHORT], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    if proc.stdout.startswith("skip"):
        pytest.skip(f"no mprotect here: {proc.stdout}")
    died = f"espeak-ng read past the text (exit {proc.returncode}): {proc.stderr[-1500:]}"
    assert proc.returncode == 0, died
    assert float(proc.stdout.split()[-1]) > 1.0  # and it still speaks


RENDER_IN_A_FRESH_PROCESS = """
import os, sys
import numpy as np
from voiceguide.speech.tts import Renderer
audio = Renderer().render("My calf is swollen. What should I do?")
print(float(np.sqrt(np.mean(audio.samples ** 2))), audio.duration)
print(repr(os.environ.get("PULSE_SERVER")))
"""


@pytest.mark.parametrize("user_pulse_server", [None, "unix:/run/user/1000/pulse/native"])
def test_rendering_leaves_no_sound_system_entries_behind(tmp_path: Path,
                                                         user_pulse_server: str | None) -> None:
    """espeak-ng 1.51 opens PulseAudio while it initialises even though we only take its samples; without
    the renderer's guard that left ~/.config/pulse, $TMPDIR/pulse-* and a symlink behind on every run.
    A fresh process (espeak-ng initialises once per process) with HOME and TMPDIR pointing at empty
    directories and no XDG_RUNTIME_DIR (a kiosk service, a cron job): after a real render both stay empty,
    and a PULSE_SERVER the user had set is theirs again afterwards (the speaker may need it)."""
    import os
    import subprocess
    import sys

    home, tmp = tmp_path / "home", tmp_path / "tmp"
    home.mkdir()
    tmp.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "PULSE_", "VOICEGUIDE_"))}
    env.update(HOME=str(home), TMPDIR=str(tmp), PYTHONDONTWRITEBYTECODE="1")
    if user_pulse_server is not None:
        env["PULSE_SERVER"] = user_pulse_server
    proc = subprocess.run([sys.executable, "-c", RENDER_IN_A_FRESH_PROCESS], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    level_line, server_line = proc.stdout.strip().splitlines()[-2:]
    rms, duration = map(float, level_line.split())
    assert rms > 0.02 and duration > 1.5  # it really rendered speech
    assert server_line == repr(user_pulse_server)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in home.rglob("*")) == []
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp.rglob("*")) == []
