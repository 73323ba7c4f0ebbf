"""The speech commands as a person runs them: real subprocesses of .venv/bin/voiceguide on this machine, which
has real PortAudio and no sound card."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import soundfile as sf

from tests.conftest import REPO
from tests.sessions import Terminal

VOICEGUIDE = str(REPO / ".venv/bin/voiceguide")


def run(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([VOICEGUIDE, *args], capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL, **kwargs)


@pytest.fixture(scope="module")
def no_sound_card() -> None:
    from voiceguide.speech.audio_devices import NoAudioDeviceError, list_devices

    try:
        if list_devices():
            pytest.skip("this machine has sound devices; these tests are about a machine without them")
    except NoAudioDeviceError:
        pass


def test_plain_voiceguide_without_a_terminal_explains_and_fails(no_sound_card: None) -> None:
    proc = run()
    assert proc.returncode != 0
    assert "cannot listen or speak" in proc.stderr and "no sound card" in proc.stderr
    assert "voiceguide chat" in proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""  # explained, and nothing spoken or printed


def test_plain_voiceguide_on_a_terminal_offers_text_mode(no_sound_card: None) -> None:
    """On a (pseudo-)terminal the offer is made; accepting it starts the real text chat."""
    term = Terminal([VOICEGUIDE])
    try:
        offer = term.read_until("Start text mode instead? [Y/n]")
        term.press(b"\n")
        prompt = term.read_until("You:", term.read_until("VoiceGuide text mode", offer))
        term.press(b"what causes a blood clot behind the knee\n")
        next_prompt = term.read_until("You:", prompt + 1)
        answer = term.output[prompt:next_prompt]
        assert "VoiceGuide:" in answer and "clot" in answer.lower()
        term.press(b"goodbye\n")
    finally:
        code = term.finish(timeout=30)
    assert code == 0, term.output


def test_listen_with_no_speaker_says_so_plainly(no_sound_card: None) -> None:
    proc = run("listen")
    assert proc.returncode == 1
    assert "No speaker or headphones were found" in proc.stderr and "Traceback" not in proc.stderr


def test_listen_rejects_flag_mixes_and_bad_recordings(tmp_path: Path) -> None:
    bad = tmp_path / "notes.wav"
    bad.write_text("not audio")
    proc = run("listen", "--input-file", str(bad), "--output-file", str(tmp_path / "o.wav"))
    assert proc.returncode == 2 and "notes.wav" in proc.stderr and "could not be read as audio" in proc.stderr
    proc = run("listen", "--input-file", str(bad), "--fast", "--as-recorded")
    assert proc.returncode == 2 and "--speed" in proc.stderr
    proc = run("listen", "--fast")
    assert proc.returncode == 2 and "--input-file" in proc.stderr


def test_say_writes_a_wav_of_real_speech(tmp_path: Path) -> None:
    out = tmp_path / "answer.wav"
    proc = run("say", "Call your local emergency number now.", "--output", str(out), "--rate", "150")
    assert proc.returncode == 0, proc.stderr
    info = sf.info(str(out))
    assert info.samplerate == 22050 and info.channels == 1 and 1.5 < info.duration < 5.0
    faster = tmp_path / "faster.wav"
    assert run("say", "Call your local emergency number now.", "--output", str(faster), "--rate", "300"
               ).returncode == 0
    assert sf.info(str(faster)).duration < info.duration * 0.75  # the rate flag really changes the speech


def test_say_with_an_unknown_voice_names_real_ones(tmp_path: Path) -> None:
    proc = run("say", "hello", "--output", str(tmp_path / "x.wav"), "--voice", "nosuchvoice")
    assert proc.returncode == 2 and "nosuchvoice" in proc.stderr and "voiceguide voices" in proc.stderr
    assert not (tmp_path / "x.wav").exists()


def test_say_without_a_speaker_offers_the_file(no_sound_card: None) -> None:
    proc = run("say", "hello")
    assert proc.returncode == 1 and "--output" in proc.stderr


def test_voices_lists_english_voices() -> None:
    proc = run("voices")
    assert proc.returncode == 0
    assert any(line.split()[0].endswith("en-us") for line in proc.stdout.splitlines() if line.strip())


def test_devices_says_none_were_found(no_sound_card: None) -> None:
    proc = run("devices")
    assert proc.returncode == 0 and "No microphones or speakers were found" in proc.stdout


def test_text_commands_do_not_load_audio_libraries() -> None:
    code = ("import sys; from voiceguide.cli import app; app.build_parser(); "
            "print(sorted(m for m in ('sounddevice','pyttsx3','webrtcvad','faster_whisper','ctranslate2') "
            "if m in sys.modules))")
    proc = subprocess.run(
        [str(REPO / ".venv/bin/python"), "-c", code], capture_output=True, text=True, timeout=60
    )
    assert proc.stdout.strip() == "[]", proc.stderr
