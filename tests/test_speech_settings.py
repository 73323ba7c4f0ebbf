"""Speech settings survive restarts, stay within bounds, and a damaged file never stops the assistant."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from voiceguide.speech import settings as ss
from voiceguide.speech.settings import SettingsWarning, SpeechSettings


@pytest.fixture
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cfg"
    monkeypatch.setenv(ss.CONFIG_DIR_ENV, str(directory))
    return directory


def test_env_variable_chooses_the_config_dir(config_dir: Path) -> None:
    assert ss.config_path() == config_dir / "config.json"


def test_missing_file_gives_defaults_without_warning(
    config_dir: Path, recwarn: pytest.WarningsRecorder
) -> None:
    assert ss.load_settings() == SpeechSettings()
    assert not [w for w in recwarn if issubclass(w.category, SettingsWarning)]


def test_round_trip_keeps_other_sections(config_dir: Path) -> None:
    config_dir.mkdir()
    (config_dir / "config.json").write_text(json.dumps({"emergency_number": "112"}))
    wanted = SpeechSettings(voice="en-us+f3", rate=150, volume=0.6)
    ss.save_settings(wanted)
    assert ss.load_settings() == wanted
    assert json.loads((config_dir / "config.json").read_text())["emergency_number"] == "112"


def test_adjustments_step_and_stop_at_limits(config_dir: Path) -> None:
    start = SpeechSettings(rate=175, volume=0.8)
    assert ss.adjust(start, "slower").rate == 150
    assert ss.adjust(start, "Faster ").rate == 200
    assert ss.adjust(start, "louder").volume == pytest.approx(0.9)
    assert ss.adjust(start, "quieter").volume == pytest.approx(0.7)
    current = start
    for _ in range(20):
        current = ss.adjust(current, "faster")
    assert current.rate == ss.RATE_MAX
    assert ss.adjust(current, "faster") == current
    assert ss.adjustment_feedback(current, ss.adjust(current, "faster"), "faster") == (
        "This is the fastest I can speak.")
    assert ss.adjustment_feedback(start, ss.adjust(start, "quieter"), "quieter") == (
        "I will speak more quietly.")
    for _ in range(20):
        current = ss.adjust(current, "quieter")
    assert current.volume == pytest.approx(ss.VOLUME_MIN)
    with pytest.raises(ValueError, match="slower"):
        ss.adjust(start, "sideways")


def test_spoken_adjustment_is_remembered(config_dir: Path) -> None:
    after = ss.apply_spoken_adjustment("slower")
    assert after.rate == ss.RATE_DEFAULT - ss.RATE_STEP
    after = ss.apply_spoken_adjustment("slower")
    assert ss.load_settings().rate == ss.RATE_DEFAULT - 2 * ss.RATE_STEP == after.rate
    ss.apply_spoken_adjustment("louder")
    assert ss.load_settings().volume == pytest.approx(ss.VOLUME_DEFAULT + ss.VOLUME_STEP)


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", "\xff\xfe garbage", '{"speech": 7}'])
def test_damaged_file_gives_defaults_and_a_warning(config_dir: Path, content: str) -> None:
    config_dir.mkdir()
    (config_dir / "config.json").write_bytes(content.encode("latin-1"))
    with pytest.warns(SettingsWarning):
        assert ss.load_settings() == SpeechSettings()


def test_bad_values_are_clamped_or_ignored_with_warning(config_dir: Path) -> None:
    config_dir.mkdir()
    bad = {"speech": {"rate": 5000, "volume": "loud", "voice": 3}}
    (config_dir / "config.json").write_text(json.dumps(bad))
    with pytest.warns(SettingsWarning):
        settings = ss.load_settings()
    assert settings == SpeechSettings(voice=None, rate=ss.RATE_MAX, volume=ss.VOLUME_DEFAULT)


def test_saving_over_a_damaged_file_keeps_it_aside(config_dir: Path) -> None:
    config_dir.mkdir()
    (config_dir / "config.json").write_text("{half a file")
    with pytest.warns(SettingsWarning, match="moved"):
        ss.save_settings(SpeechSettings(rate=200))
    assert (config_dir / "config.json.damaged").read_text() == "{half a file"
    assert ss.load_settings().rate == 200


@pytest.mark.parametrize("command", ss.ADJUSTMENTS)
def test_text_mode_and_the_live_loop_give_the_same_reply(command: str) -> None:
    """Typed into a conversation (text mode) or applied by the live loop, a possible change gets one reply."""
    from voiceguide.answer.conversation import Conversation
    from voiceguide.content.content_model import load_content

    start = SpeechSettings()
    spoken = ss.adjustment_feedback(start, ss.adjust(start, command), command)
    assert Conversation(load_content()).handle(command).answer == spoken
    assert spoken != ss.adjustment_feedback(start, start, command)  # a limit is said differently
