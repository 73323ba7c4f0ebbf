"""`voiceguide listen`: the hands-free assistant's start-up (devices, models, a kiosk that waits and retries),
the run itself, and the checks of its options. Audio libraries are imported inside the functions, so that
building the command line stays light."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from dataclasses import dataclass
from typing import Any

PROGRAM_START = time.perf_counter()


def cmd_listen(args: argparse.Namespace) -> int:
    problem = _usage_problem(args)
    if problem:
        print(f"voiceguide listen: {problem}", file=sys.stderr)
        return 2
    _setup_logging(args.kiosk)
    from voiceguide.live.captions_web import CaptionScreenError
    from voiceguide.speech.audio_devices import AudioDeviceError, AudioFileInputError
    from voiceguide.speech.tts_base import SpeechEngineError

    screen = None
    try:
        screen = _open_caption_screen(args)
        if args.kiosk:
            return _listen(args, _kiosk_start(args), screen)
        check_live_devices(args)
        return _listen(args, _start(args), screen)
    except CaptionScreenError as exc:
        print(f"voiceguide listen: {exc}", file=sys.stderr)
        return 1
    except AudioFileInputError as exc:
        print(f"voiceguide listen: {exc}", file=sys.stderr)
        return 2
    except (AudioDeviceError, SpeechEngineError) as exc:
        print(f"voiceguide listen: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nGoodbye.", file=sys.stderr)
        return 0
    except Exception as exc:  # a person gets words, not a traceback; details go to the debug log
        logging.getLogger(__name__).debug("details", exc_info=exc)
        print(f"voiceguide listen: something went wrong: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        if screen is not None:
            screen.close()


def _usage_problem(args: argparse.Namespace) -> str | None:
    if args.output_file is not None and args.output_dir is not None:
        return "Use either --output-file or --output-dir, not both."
    if args.input_file is None and (args.fast or args.as_recorded or args.speed != 1.0):
        return "--speed, --fast and --as-recorded only apply with --input-file."
    if args.fast and args.as_recorded:
        return ("--as-recorded needs real-time pacing to line speech up with answers: use --speed N instead "
                "of --fast.")
    if args.fast and args.speed != 1.0:
        return "Use either --speed or --fast."
    # Keys are read from the terminal as they are pressed, with or without a recording as the microphone;
    # without them push-to-talk would run and silently answer nothing.
    if args.push_to_talk and args.fast:
        return ("--push-to-talk listens after key presses, which happen in real time: use --speed N instead "
                "of --fast.")
    if args.push_to_talk and not sys.stdin.isatty() and getattr(args, "captions_web", None) is None:
        return ("--push-to-talk needs a terminal to press Enter or space in, or a caption screen "
                "(--captions-web).")
    return _output_path_problem(args)


def _output_path_problem(args: argparse.Namespace) -> str | None:
    """A device, pipe, link or folder where listen would write is refused before anything loads."""
    from voiceguide.safe_files import SafeFileError, check_target

    try:
        for path in (args.output_file, args.log_transcripts):
            if path is not None:
                check_target(path)
    except SafeFileError as exc:
        return str(exc)
    if args.output_dir is not None and args.output_dir.exists() and not args.output_dir.is_dir():
        return f"--output-dir {args.output_dir} is not a folder."
    return None


def check_live_devices(args: argparse.Namespace) -> None:
    """Fails fast, before models load, when the microphone or speaker this run needs does not exist."""
    from voiceguide.speech.audio_devices import find_device

    if args.output_file is None and args.output_dir is None:
        find_device(args.output_device, "output")
    if args.input_file is None:
        find_device(args.input_device, "input")


_SETTINGS_WARNED: set[str] = set()


def settings_with_flags(args: argparse.Namespace) -> Any:
    """Saved settings with this run's flags on top (flags are not saved; spoken changes are)."""
    import warnings
    from dataclasses import replace

    from voiceguide.speech.settings import SettingsWarning, load_settings

    # A damaged settings file is told in one plain line (logged in kiosk mode), not as a Python warning with
    # a source file and line number; it is said once per run, though settings are read at each start-up try.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SettingsWarning)
        settings = load_settings()
    for warning in caught:
        if str(warning.message) not in _SETTINGS_WARNED:
            _SETTINGS_WARNED.add(str(warning.message))
            logging.getLogger("voiceguide.settings").warning("%s", warning.message)
    changes = {k: getattr(args, k) for k in ("voice", "rate", "volume") if getattr(args, k, None) is not None}
    return replace(settings, **changes).clamped()


def _setup_logging(kiosk: bool) -> None:
    logging.basicConfig(level=logging.INFO if kiosk else logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s voiceguide %(levelname)s: %(message)s" if kiosk
                        else "voiceguide: %(message)s")
    # faster-whisper logs every utterance's length at INFO: a line per question in a kiosk's journal.
    logging.getLogger("faster_whisper").setLevel(logging.WARNING)


def _open_caption_screen(args: argparse.Namespace) -> Any:
    """The caption screen, serving before the models load so that a browser can be opened on it at once."""
    if getattr(args, "captions_web", None) is None:
        return None
    from voiceguide.live.captions_web import CaptionScreen

    screen = CaptionScreen(args.captions_web)
    print(f"Caption screen: {screen.url}", flush=True)
    if not screen.address.is_local:
        print("The caption screen is open to other computers on this network, and it shows what people ask.",
              flush=True)
    return screen


class TerminalKeys:
    """Enter and space from a terminal, read on a thread in cbreak mode (restored on close)."""

    def __init__(self) -> None:
        import queue
        import termios
        import threading
        import tty

        self._fd = sys.stdin.fileno()
        self._saved = termios.tcgetattr(self._fd)
        tty.setcbreak(self._fd)
        self._keys: queue.Queue[str] = queue.Queue()
        self._closed = False
        threading.Thread(target=self._read, name="voiceguide-keys", daemon=True).start()

    def _read(self) -> None:
        import os

        while not self._closed:
            try:
                data = os.read(self._fd, 1)
            except OSError:
                return
            if not data:
                return
            self._keys.put(data.decode("latin-1"))

    def poll(self) -> list[str]:
        keys = []
        while not self._keys.empty():
            keys.append(self._keys.get_nowait())
        return keys

    def close(self) -> None:
        import termios

        self._closed = True
        termios.tcsetattr(self._fd, termios.TCSADRAIN, self._saved)


class _BothKeys:
    """Keys from the terminal and from the caption screen, as one KeySource."""

    def __init__(self, *sources: Any) -> None:
        self.sources = [s for s in sources if s is not None]

    def poll(self) -> list[str]:
        return [key for source in self.sources for key in source.poll()]


@dataclass
class _Startup:
    """What a listen run needs before the loop can start; made again on each kiosk retry."""

    renderer: Any
    conversation: Any
    recognizer: Any
    started: float


def _start(args: argparse.Namespace) -> _Startup:
    from voiceguide.answer.conversation import DEFAULT_EMERGENCY_NUMBER, Conversation
    from voiceguide.content.content_model import load_content
    from voiceguide.live.native_memory import tune_for_long_run
    from voiceguide.speech.asr.models import choose_recognizer
    from voiceguide.speech.file_devices import FileInput
    from voiceguide.speech.tts_engines import make_renderer

    started = time.perf_counter()
    tune_for_long_run()  # before the models load, so their threads share the capped arenas
    if args.input_file is not None:
        FileInput(args.input_file, realtime=False)  # unreadable recordings fail here, before anything loads
    renderer = make_renderer(args.tts, settings_with_flags(args), strict=False)
    content = load_content(args.content)
    conversation = Conversation(content, emergency_number=args.emergency_number or DEFAULT_EMERGENCY_NUMBER)
    wake = (" ".join(args.wake_phrase.lower().split()),) if args.wake_phrase else ()
    recognizer, reason = choose_recognizer(content, args.engine, args.model, wake)
    print(f"Speech recognition: {recognizer.name}. {reason}", flush=True)
    if renderer.fallback_message:
        print(renderer.fallback_message, flush=True)
    return _Startup(renderer, conversation, recognizer, started)


def _kiosk_start(args: argparse.Namespace, *, max_backoff: float = 60.0) -> _Startup:
    """An unattended kiosk does not give up at start-up. Missing sound devices (common at boot) are waited for
    (voiceguide.live.kiosk_startup: shown, and spoken where a speaker exists); bad content or a broken model
    are logged, spoken where a speaker exists, and tried again after 1, 2, 4 ... 60 s, since whoever fixes it
    (plugs the microphone in, recompiles) should not also have to restart the assistant."""
    from voiceguide.live.kiosk_startup import wait_for_devices

    log = logging.getLogger("voiceguide.kiosk")
    delay, attempt = 1.0, 0
    while True:
        attempt += 1
        wait_for_devices(lambda tries: _check_kiosk_devices(args, rescan=tries > 1),
                         lambda missing: _announce_wait(args, missing), max_backoff=max_backoff)
        try:
            return _start(args)
        except Exception as exc:
            log.error("start-up failed (attempt %d): %s: %s; trying again in %g s", attempt,
                      type(exc).__name__, exc, delay)
            log.debug("details", exc_info=exc)
            from voiceguide.answer import messages

            _speak_on_startup(args, messages.text("cannot_start"), "error", tone="error")
        time.sleep(delay)
        delay = min(max_backoff, delay * 2)


def _check_kiosk_devices(args: argparse.Namespace, *, rescan: bool) -> None:
    """The devices this run needs, re-scanned after the first try; a recording standing in for the microphone
    must be there and readable (it stands in for a microphone that is not plugged in yet)."""
    from voiceguide.speech.audio_devices import refresh_devices
    from voiceguide.speech.file_devices import FileInput

    live = args.input_file is None or (args.output_file is None and args.output_dir is None)
    if rescan and live:
        refresh_devices()
    check_live_devices(args)
    if args.input_file is not None:
        FileInput(args.input_file, realtime=False)


def _announce_wait(args: argparse.Namespace, missing: Any) -> None:
    """Shown on the terminal (and the journal) each time what start-up waits for changes; spoken too when
    the speaker is there."""
    from voiceguide.answer import messages

    print(f"Waiting for the {missing.what}: {missing.reason}", flush=True)
    if missing.speaker_works:
        _speak_on_startup(args, messages.text("waiting_for_microphone"), "waiting")


def _speak_on_startup(args: argparse.Namespace, text: str, label: str, *, tone: str | None = None) -> None:
    """A sentence (after a tone) on whatever output this run has, before the loop runs; silently nothing when
    there is none. With --output-dir it is a file of its own, named after `label`."""
    import contextlib

    from voiceguide.live.recorded_session import AnswerDirOutput
    from voiceguide.speech.audio_devices import SoundDeviceOutput
    from voiceguide.speech.earcons import earcon
    from voiceguide.speech.file_devices import FileOutput

    with contextlib.suppress(Exception):
        if args.output_file is not None:
            out: Any = FileOutput(args.output_file, realtime=False)
        elif args.output_dir is not None:
            out = AnswerDirOutput(args.output_dir, realtime=False)
            out.begin_answer(label)
        else:
            out = SoundDeviceOutput(args.output_device)
        try:
            if tone is not None:
                out.play(earcon(tone), f"earcon:{tone}")
            with contextlib.suppress(Exception):
                from voiceguide.speech.tts_engines import make_renderer

                out.play(make_renderer(args.tts, settings_with_flags(args), strict=False).render(text), label)
            out.wait(15)
        finally:
            out.close()


def _listen(args: argparse.Namespace, startup: _Startup, screen: Any = None) -> int:
    from voiceguide.live.kiosk_retries import run_with_retries
    from voiceguide.live.loop import AssistantLoop, LoopOptions
    from voiceguide.live.recorded_session import AnswerDirOutput, WaitingPersonInput
    from voiceguide.live.transcript_log import TranscriptLog
    from voiceguide.speech.audio_devices import MicrophoneInput, SoundDeviceOutput, refresh_devices
    from voiceguide.speech.file_devices import FileInput, FileOutput

    renderer, conversation, recognizer, started = (startup.renderer, startup.conversation, startup.recognizer,
                                                    startup.started)
    idle = args.idle_timeout if args.idle_timeout is not None else (120.0 if args.kiosk else None)
    options = LoopOptions(push_to_talk=args.push_to_talk, wake_phrase=args.wake_phrase, kiosk=args.kiosk,
                          idle_timeout=idle, welcome=not args.no_welcome)
    keys = TerminalKeys() if sys.stdin.isatty() and not args.fast else None
    log_file = TranscriptLog(args.log_transcripts) if args.log_transcripts else None
    loop = AssistantLoop(conversation, recognizer, renderer, options, transcript_log=log_file,
                         keys=_BothKeys(keys, screen.keys) if screen is not None else keys,
                         events=screen.publish if screen is not None else None)
    realtime = not args.fast
    speed = args.speed

    def open_devices(attempt: int) -> tuple[Any, Any]:
        if attempt and (args.input_file is None or (args.output_file is None and args.output_dir is None)):
            refresh_devices()  # a re-plugged device only shows up after a re-scan
        if args.output_file is not None:
            audio_out: Any = FileOutput(args.output_file, realtime, speed=speed)
        elif args.output_dir is not None:
            audio_out = AnswerDirOutput(args.output_dir, realtime, speed=speed)
        else:
            audio_out = SoundDeviceOutput(args.output_device)
        file_outputs.append(audio_out)
        try:
            if args.input_file is None:
                return MicrophoneInput(args.input_device), audio_out
            recording = FileInput(args.input_file, realtime=realtime, speed=speed)
            if args.as_recorded:
                return recording, audio_out
            return WaitingPersonInput(recording, lambda: loop.is_speaking, realtime=realtime, speed=speed), \
                audio_out
        except BaseException:
            audio_out.close()
            raise

    file_outputs: list[Any] = []  # the loop closes them quietly; a write that failed must still fail the run
    print(f"Started in {time.perf_counter() - started:.2f} s "
          f"({time.perf_counter() - PROGRAM_START:.2f} s since the program started).", flush=True)
    try:
        result = run_with_retries(loop, open_devices, retry=args.kiosk)
    finally:
        if keys is not None:
            keys.close()
    failure = next((out.failure for out in file_outputs if getattr(out, "failure", None)), None)
    if failure:
        print(f"voiceguide listen: {failure}", file=sys.stderr)
        return 1
    if args.output_dir is not None:
        print(f"Answers written to {args.output_dir}", flush=True)
    return 0 if result.reason in ("input-ended", "goodbye") else 1
