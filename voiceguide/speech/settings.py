"""How VoiceGuide speaks (voice, rate, volume), remembered between sessions in the user's config file.

A person who cannot see the screen changes these by saying "slower", "faster", "louder", "quieter"; the
change must survive a restart, so every spoken adjustment is saved at once. The file is shared with other
settings: only the "speech" section is ours, and the rest of the file is kept as it was. A damaged file must
never stop the assistant from talking, so it falls back to defaults with a warning (and the damaged file is
kept aside, not silently lost).
"""

from __future__ import annotations

import errno
import json
import math
import os
import warnings
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

CONFIG_DIR_ENV = "VOICEGUIDE_CONFIG_DIR"
CONFIG_FILE_NAME = "config.json"
SECTION = "speech"

RATE_MIN, RATE_MAX, RATE_STEP, RATE_DEFAULT = 80, 300, 25, 175
# Never quieter than 0.2: at zero a person could no longer hear the assistant to ask it to speak up again.
VOLUME_MIN, VOLUME_MAX, VOLUME_STEP, VOLUME_DEFAULT = 0.2, 1.0, 0.1, 0.8

ADJUSTMENTS = ("slower", "faster", "louder", "quieter")


class SettingsWarning(UserWarning):
    """The config file could not be used as it is; defaults (or clamped values) are used instead."""


@dataclass(frozen=True)
class SpeechSettings:
    voice: str | None = None  # None: the speech engine's default voice
    rate: int = RATE_DEFAULT  # words per minute
    volume: float = VOLUME_DEFAULT  # 0..1

    def clamped(self) -> SpeechSettings:
        """Within the bounds a listener can still follow; callers may pass anything (flags, old files)."""
        voice = self.voice.strip() if isinstance(self.voice, str) and self.voice.strip() else None
        rate = float(self.rate) if _finite(self.rate) else RATE_DEFAULT
        volume = float(self.volume) if _finite(self.volume) else VOLUME_DEFAULT
        rate = int(min(RATE_MAX, max(RATE_MIN, rate)))
        volume = round(min(VOLUME_MAX, max(VOLUME_MIN, volume)), 2)
        return SpeechSettings(voice=voice, rate=rate, volume=volume)


def _finite(value: Any) -> bool:
    """A number that can become a rate or a volume (NaN, infinities and 5,000-digit integers cannot)."""
    try:
        return not isinstance(value, bool) and math.isfinite(float(value))
    except (TypeError, ValueError, OverflowError):
        return False


def config_dir() -> Path:
    override = os.environ.get(CONFIG_DIR_ENV)
    if override:
        return Path(override)
    from platformdirs import user_config_dir

    return Path(user_config_dir("voiceguide"))


def config_path(directory: Path | None = None) -> Path:
    return (directory or config_dir()) / CONFIG_FILE_NAME


MAX_CONFIG_BYTES = 1024 * 1024  # a settings file is a few hundred bytes; anything huge is not one


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number a setting can have")


def _parse_config(text: str) -> Any:
    """JSON as people and programs write it, but only finite numbers: NaN, Infinity and 1e400 (which Python
    reads as inf) are refused here, so nothing later has to turn them into a rate."""
    data = json.loads(text, parse_constant=_reject_constant)
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"{value!r} is not a number a setting can have")
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return data


def _read_config(path: Path) -> dict[str, Any] | None:
    """The whole config file as a dict; None when it exists but cannot be used (already warned)."""
    from voiceguide.safe_files import InputFileError, read_bytes

    try:
        text = read_bytes(path, "settings file", MAX_CONFIG_BYTES).decode("utf-8")
    except InputFileError as exc:
        if exc.err == errno.ENOENT and not path.is_symlink():
            return {}
        warnings.warn(f"Could not read settings file: {exc} Using default speech settings.",
                      SettingsWarning, stacklevel=3)
        return None
    except UnicodeDecodeError as exc:
        warnings.warn(f"Could not read settings file {path} ({exc}); using default speech settings.",
                      SettingsWarning, stacklevel=3)
        return None
    try:
        data = _parse_config(text)
    except json.JSONDecodeError as exc:
        warnings.warn(f"Settings file {path} is damaged ({exc.msg} at line {exc.lineno}); "
                      "using default speech settings.", SettingsWarning, stacklevel=3)
        return None
    except (ValueError, RecursionError) as exc:  # huge integers, NaN, nesting deeper than Python's stack
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc).split(";")[0]
        warnings.warn(f"Settings file {path} is damaged ({reason}); using default speech settings.",
                      SettingsWarning, stacklevel=3)
        return None
    if not isinstance(data, dict):
        warnings.warn(f"Settings file {path} does not hold a settings object; using default speech settings.",
                      SettingsWarning, stacklevel=3)
        return None
    return data


def _settings_from_section(section: Any, path: Path) -> SpeechSettings:
    defaults = SpeechSettings()
    if section is None:
        return defaults
    if not isinstance(section, dict):
        warnings.warn(f"The '{SECTION}' section of {path} is not an object; using default speech settings.",
                      SettingsWarning, stacklevel=4)
        return defaults
    values: dict[str, Any] = {}
    voice = section.get("voice")
    if voice is None or isinstance(voice, str):
        values["voice"] = voice
    else:
        warnings.warn(f"Ignoring voice {voice!r} in {path}: not a voice name.", SettingsWarning, stacklevel=4)
    for name, kind in (("rate", int), ("volume", float)):
        value = section.get(name, getattr(defaults, name))
        if isinstance(value, bool) or not isinstance(value, (int, float)) or abs(value) > 1e6:
            shown = repr(value) if len(repr(value)) < 40 else repr(value)[:30] + "..."
            warnings.warn(f"Ignoring {name} {shown} in {path}: not a usable number.", SettingsWarning,
                          stacklevel=4)
            continue
        values[name] = kind(value)
    settings = replace(defaults, **values)
    clamped = settings.clamped()
    if (clamped.rate, clamped.volume) != (settings.rate, round(settings.volume, 2)):
        warnings.warn(f"Speech settings in {path} were out of range; using rate {clamped.rate}, "
                      f"volume {clamped.volume}.", SettingsWarning, stacklevel=4)
    return clamped


def load_settings(directory: Path | None = None) -> SpeechSettings:
    """The remembered settings, or defaults when there are none or the file is damaged (never raises)."""
    path = config_path(directory)
    data = _read_config(path)
    if data is None:
        return SpeechSettings()
    return _settings_from_section(data.get(SECTION), path)


def save_settings(settings: SpeechSettings, directory: Path | None = None) -> Path:
    """Writes atomically so a power cut on a kiosk never leaves half a file; keeps other sections."""
    path = config_path(directory)
    path.parent.mkdir(parents=True, exist_ok=True)
    from voiceguide.safe_files import check_target, write_text

    check_target(path)  # a pipe, device or link where the file should be is refused, never moved or replaced
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SettingsWarning)  # the move below is the warning that matters here
        data = _read_config(path)
    if data is None:
        # Keep the damaged file for whoever looks after the machine instead of overwriting it unseen.
        backup = path.with_name(path.name + ".damaged")
        check_target(backup)
        os.replace(path, backup)
        warnings.warn(f"Damaged settings file {path} was moved to {backup}; a new one is written.",
                      SettingsWarning, stacklevel=2)
        data = {}
    data[SECTION] = asdict(settings.clamped())
    write_text(path, json.dumps(data, indent=2, sort_keys=True) + "\n")
    return path


def adjust(settings: SpeechSettings, command: str) -> SpeechSettings:
    """One step of a spoken adjustment, stopping at the limits (compare with the input to tell "at limit")."""
    word = command.strip().lower()
    current = settings.clamped()
    if word == "slower":
        return replace(current, rate=max(RATE_MIN, current.rate - RATE_STEP))
    if word == "faster":
        return replace(current, rate=min(RATE_MAX, current.rate + RATE_STEP))
    if word == "louder":
        return replace(current, volume=round(min(VOLUME_MAX, current.volume + VOLUME_STEP), 2))
    if word == "quieter":
        return replace(current, volume=round(max(VOLUME_MIN, current.volume - VOLUME_STEP), 2))
    raise ValueError(f"Unknown speech adjustment {command!r}; expected one of: {', '.join(ADJUSTMENTS)}.")


def apply_spoken_adjustment(command: str, settings: SpeechSettings | None = None,
                            directory: Path | None = None) -> SpeechSettings:
    """Applies "slower"/"faster"/"louder"/"quieter" and remembers the result for the next session."""
    current = settings if settings is not None else load_settings(directory)
    new = adjust(current, command)
    save_settings(new, directory)
    return new


# What VoiceGuide says to a spoken adjustment, so a listener knows whether the change happened or a limit was
# reached. The one source of these phrasings: text mode (Conversation) says the first, the live loop, which
# really changes the voice, says whichever applies.
ADJUSTED_REPLIES = {
    "slower": "I will speak slower.",
    "faster": "I will speak faster.",
    "louder": "I will speak louder.",
    "quieter": "I will speak more quietly.",
}
AT_LIMIT_REPLIES = {
    "slower": "This is the slowest I can speak.",
    "faster": "This is the fastest I can speak.",
    "louder": "This is the loudest I can speak.",
    "quieter": "This is the quietest I can speak.",
}


def adjustment_reply(command: str, *, changed: bool = True) -> str:
    """The reply to "slower"/"faster"/"louder"/"quieter": the change made, or (changed=False) the limit."""
    word = command.strip().lower()
    if changed:
        return ADJUSTED_REPLIES.get(word, "Done.")
    return AT_LIMIT_REPLIES.get(word, "Nothing changed.")


def adjustment_feedback(before: SpeechSettings, after: SpeechSettings, command: str) -> str:
    """The reply to a spoken adjustment that went from `before` to `after` (the same settings: at a limit)."""
    return adjustment_reply(command, changed=before.clamped() != after.clamped())
