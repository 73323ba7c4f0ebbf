"""The speech commands of `voiceguide`: their options, say, voices, devices, doctor, and plain `voiceguide`
(listen itself runs in voiceguide/cli/listen.py). Audio libraries are imported inside the commands so that
text-only commands stay light and work on machines without a sound system.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from voiceguide.cli.listen import check_live_devices, cmd_listen, settings_with_flags

NO_SOUND_CARD = (
    "VoiceGuide cannot listen or speak on this computer: {problem}\n"
    "You can still ask questions by typing them: voiceguide chat"
)


def _positive(value: str) -> float:
    number = float(value)
    if number <= 0:
        raise argparse.ArgumentTypeError("must be a positive number")
    return number


def _captions_address(value: str) -> Any:
    from voiceguide.live.captions_web import CaptionScreenError, parse_address

    try:
        return parse_address(value)
    except CaptionScreenError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _add_voice_args(p: argparse.ArgumentParser) -> None:
    from voiceguide.speech.tts_base import TtsEngine

    p.add_argument("--tts", choices=[e.value for e in TtsEngine], default=TtsEngine.PYTTSX3.value,
                   help="speech engine: pyttsx3 (espeak-ng, the default) or piper (a clearer voice, "
                        "if installed)")
    p.add_argument("--voice", help="voice name or id (see: voiceguide voices); default: your saved setting")
    p.add_argument("--rate", type=int, help="speaking rate in words per minute (80-300)")
    p.add_argument("--volume", type=float, help="volume from 0.2 to 1.0")


def add_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    from voiceguide.speech.asr.models import add_recognizer_args

    listen = sub.add_parser("listen", parents=[common], help="the hands-free voice assistant (the default)")
    dev = listen.add_argument_group("devices")
    dev.add_argument("--input-device", help="microphone by name or number (see: voiceguide devices)")
    dev.add_argument("--output-device", help="speaker by name or number")
    dev.add_argument("--input-file", type=Path, help="use a recording as the microphone")
    dev.add_argument("--output-file", type=Path, help="write what would go to the speaker to this WAV file")
    dev.add_argument("--output-dir", type=Path, help="write each spoken answer to its own WAV file here")
    dev.add_argument("--speed", type=_positive, default=1.0,
                     help="with --input-file: feed the recording N times faster than real time")
    dev.add_argument("--fast", action="store_true",
                     help="with --input-file: as fast as the computer can (no pacing at all)")
    dev.add_argument("--as-recorded", action="store_true",
                     help="with --input-file: keep the recording running while answers play, as a microphone "
                          "would hear it (speech in it can interrupt answers); default: the recording waits "
                          "for each answer, like a person does")
    how = listen.add_argument_group("listening")
    how.add_argument("--push-to-talk", action="store_true",
                     help="listen only after Enter or space is pressed")
    how.add_argument("--wake-phrase", help='only answer after this phrase, e.g. "hey guide"')
    how.add_argument("--no-welcome", action="store_true", help="skip the spoken welcome")
    how.add_argument("--kiosk", action="store_true",
                     help="unattended: reset after idle time, retry lost devices, speak every error")
    how.add_argument("--idle-timeout", type=_positive,
                     help="seconds of silence after which the conversation is forgotten (kiosk default: 120)")
    how.add_argument("--log-transcripts", type=Path, metavar="FILE",
                     help="append what was heard and answered to FILE (nothing is written without this)")
    how.add_argument("--captions-web", type=_captions_address, metavar="[HOST:]PORT",
                     help="show a large-print caption screen in a browser at http://HOST:PORT/ "
                          "(host: 127.0.0.1 unless given); its space bar talks or stops, like Enter or "
                          "space here")
    add_recognizer_args(how)
    _add_voice_args(listen)
    listen.set_defaults(func=cmd_listen)

    say = sub.add_parser("say", help="speak a text, or write it to a WAV file with --output")
    say.add_argument("text", nargs="+")
    say.add_argument("--output", type=Path, help="write a WAV file instead of playing")
    say.add_argument("--output-device", help="speaker by name or number")
    _add_voice_args(say)
    say.set_defaults(func=cmd_say)

    voices = sub.add_parser("voices", help="list the voices the speech engine has")
    voices.add_argument("--all", action="store_true", help="all languages, not only English")
    voices.add_argument("--tts", choices=["pyttsx3", "piper"], default="pyttsx3", help="whose voices to list")
    voices.set_defaults(func=cmd_voices)

    devices = sub.add_parser("devices", help="list microphones and speakers")
    devices.set_defaults(func=cmd_devices)

    doctor = sub.add_parser("doctor", parents=[common], help="check that everything VoiceGuide needs works")
    add_recognizer_args(doctor)
    doctor.set_defaults(func=cmd_doctor)


# ---------------------------------------------------------------------------------------------- others


def cmd_say(args: argparse.Namespace) -> int:
    from voiceguide.speech.tts import SpeechEngineError, VoiceNotFoundError
    from voiceguide.speech.tts_engines import say_to_file

    text = " ".join(args.text).strip()
    if not any(c.isalnum() for c in text):
        print("voiceguide say: give some words to speak.", file=sys.stderr)
        return 2
    from voiceguide.safe_files import UnsafeTargetError

    try:
        if args.output is not None:
            path = say_to_file(text, args.output, settings_with_flags(args), engine=args.tts)
            print(f"Wrote {path}", file=sys.stderr)
            return 0
        from voiceguide.speech.audio_devices import AudioDeviceError, SoundDeviceOutput
        from voiceguide.speech.tts_engines import make_renderer

        # a missing voice is told before the speaker opens
        renderer = make_renderer(args.tts, settings_with_flags(args))
        try:
            speaker = SoundDeviceOutput(args.output_device)
        except AudioDeviceError as exc:
            print(f"voiceguide say: {exc} To save the speech instead: voiceguide say --output FILE.wav TEXT",
                  file=sys.stderr)
            return 1
        with speaker:
            for sentence in renderer.render_sentences(text):
                speaker.wait()
                speaker.play(sentence.audio, "say")
            speaker.wait()
        return 0
    except (VoiceNotFoundError, UnsafeTargetError) as exc:
        print(f"voiceguide say: {exc}", file=sys.stderr)
        return 2
    except (SpeechEngineError, OSError) as exc:
        print(f"voiceguide say: {exc}", file=sys.stderr)
        return 1


def cmd_voices(args: argparse.Namespace) -> int:
    from voiceguide.speech.tts_base import SpeechEngineError
    from voiceguide.speech.tts_engines import list_engine_voices

    try:
        voices = list_engine_voices(args.tts)
    except SpeechEngineError as exc:
        print(f"voiceguide voices: {exc}", file=sys.stderr)
        return 1
    shown = [v for v in voices if args.all or any(lang.startswith("en") for lang in v.languages)]
    for voice in shown:
        print(f"{voice.id:24} {voice.name:32} {', '.join(voice.languages)}")
    if not args.all:
        print(f"({len(shown)} English voices of {len(voices)}; all of them: voiceguide voices --all)",
              file=sys.stderr)
    return 0


def cmd_devices(_args: argparse.Namespace) -> int:
    from voiceguide.speech.audio_devices import NoAudioDeviceError, list_devices

    try:
        devices = list_devices()
    except NoAudioDeviceError as exc:
        print(f"voiceguide devices: {exc}", file=sys.stderr)
        return 1
    if not devices:
        print("No microphones or speakers were found. Plug one in, or use text mode: voiceguide chat")
        return 0
    for device in devices:
        print(device.describe())
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    from voiceguide.doctor import run_doctor

    return run_doctor(content_path=args.content, engine=args.engine, model=args.model)


# ------------------------------------------------------------------------------------------ plain voiceguide


def default_entry(parser: argparse.ArgumentParser, text_mode: Callable[[], int]) -> int:
    """Plain `voiceguide`: listen; with no sound card, explain in plain words and offer text mode."""
    from voiceguide.speech.audio_devices import NoAudioDeviceError

    args = parser.parse_args(["listen"])
    try:
        check_live_devices(args)
    except NoAudioDeviceError as exc:
        print(NO_SOUND_CARD.format(problem=_plain_problem(exc)), file=sys.stderr, flush=True)
        if not sys.stdin.isatty():
            return 1
        try:
            answer = input("Start text mode instead? [Y/n] ").strip().lower()
        except (EOFError, KeyboardInterrupt):
            print()
            return 1
        if answer in ("", "y", "yes"):
            return text_mode()
        return 1
    return cmd_listen(args)


def _plain_problem(exc: Exception) -> str:
    from voiceguide.speech.audio_devices import list_devices

    try:
        nothing = not list_devices()
    except Exception:
        nothing = False
    if nothing:
        return "no sound card was found, so there is no microphone to hear you and no speaker to answer."
    message = str(exc)
    for hint in (", or use text mode: voiceguide chat.", " - or use text mode: voiceguide chat."):
        message = message.replace(hint, ".")
    return message
