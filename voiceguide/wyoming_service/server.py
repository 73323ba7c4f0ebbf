"""`voiceguide serve`: start the Wyoming service on a URI and run until stopped.

It listens on 127.0.0.1 unless another address is given: answering on the network (for a Home Assistant on
another machine) is a choice the person makes with --uri, and the start-up line says when they have. The
recognizer and the speech engine are loaded before the port opens, so a missing model is a one-line error at
start and no client ever waits for a load.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ipaddress
import logging
import signal
import sys
from functools import partial
from urllib.parse import urlparse

DEFAULT_URI = "tcp://127.0.0.1:10700"
DEFAULT_HOST = "127.0.0.1"


class UriError(ValueError):
    """A --uri that cannot be served; the message shows a good one."""


def normalized_uri(uri: str) -> str:
    """tcp://HOST:PORT with 127.0.0.1 when no host is given, or unix://PATH."""
    parsed = urlparse(uri.strip())
    if parsed.scheme == "unix":
        if not parsed.path:
            raise UriError(f"{uri!r} names no socket file; for example unix:///run/voiceguide.sock")
        return f"unix://{parsed.path}"
    if parsed.scheme != "tcp":
        raise UriError(f"{uri!r} is not a tcp:// or unix:// address; for example {DEFAULT_URI}")
    try:
        port = parsed.port
    except ValueError:
        port = None
    if port is None or not 0 < port < 65536:
        raise UriError(f"{uri!r} needs a port from 1 to 65535; for example {DEFAULT_URI}")
    host = parsed.hostname or DEFAULT_HOST
    return f"tcp://{f'[{host}]' if ':' in host else host}:{port}"


def network_note(uri: str) -> str | None:
    """A sentence when the server answers more than this computer."""
    parsed = urlparse(uri)
    if parsed.scheme != "tcp" or parsed.hostname in ("localhost",):
        return None
    try:
        if ipaddress.ip_address(parsed.hostname or "").is_loopback:
            return None
    except ValueError:
        pass
    return ("It answers other machines on the network too: anyone who can reach this port can ask questions "
            "and hear answers. Use tcp://127.0.0.1:PORT to keep it to this computer.")


def cmd_serve(args: argparse.Namespace) -> int:
    from voiceguide.content.content_model import load_content
    from voiceguide.speech.asr.base import RecognizerError
    from voiceguide.speech.asr.models import choose_recognizer
    from voiceguide.speech.settings import load_settings
    from voiceguide.speech.tts import Renderer, SpeechEngineError, VoiceNotFoundError

    try:
        uri = normalized_uri(args.uri)
    except UriError as exc:
        print(f"voiceguide serve: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING, format="voiceguide serve: %(message)s")
    if args.verbose:
        logging.getLogger("voiceguide.wyoming_service").setLevel(logging.INFO)
    content = load_content(args.content)
    try:
        recognizer, reason = choose_recognizer(content, args.engine, args.model)
    except RecognizerError as exc:
        print(f"voiceguide serve: {exc}", file=sys.stderr)
        return 1
    speech = load_settings()
    try:
        # starts the speech engine and checks the saved voice, before any client
        Renderer(speech, strict=True)
    except VoiceNotFoundError as exc:
        print(f"voiceguide serve: the saved voice cannot be used: {exc}", file=sys.stderr)
        return 1
    except SpeechEngineError as exc:
        print(f"voiceguide serve: {exc}", file=sys.stderr)
        return 1
    from voiceguide.live.transcript_log import TranscriptLog
    from voiceguide.wyoming_service.service import Service

    transcript_log = TranscriptLog(args.log_transcripts) if args.log_transcripts else None
    service = Service(content, recognizer, reason, emergency_number=args.emergency_number, speech=speech,
                      transcript_log=transcript_log)
    print(reason, file=sys.stderr)
    try:
        return asyncio.run(_serve(service, uri))
    finally:
        service.close()


async def _serve(service, uri: str) -> int:
    from wyoming.server import AsyncServer

    from voiceguide.wyoming_service.handler import VoiceGuideHandler

    server = AsyncServer.from_uri(uri)
    try:
        await server.start(partial(VoiceGuideHandler, service))
    except OSError as exc:
        print(f"voiceguide serve: cannot listen on {uri}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    print(f"VoiceGuide is serving Wyoming on {uri}: asr, handle and tts. Stop it with Ctrl+C.",
          file=sys.stderr, flush=True)
    note = network_note(uri)
    if note:
        print(note, file=sys.stderr, flush=True)
    await stop.wait()
    await server.stop()
    print("VoiceGuide stopped serving.", file=sys.stderr)
    return 0


def add_serve_command(sub, common: argparse.ArgumentParser) -> None:
    from pathlib import Path

    from voiceguide.speech.asr.models import add_recognizer_args

    serve = sub.add_parser("serve", parents=[common],
                           help="answer over the Wyoming protocol (Home Assistant's voice satellites)")
    serve.add_argument("--uri", default=DEFAULT_URI,
                       help=f"where to listen (default {DEFAULT_URI}: this computer only; "
                            "tcp://0.0.0.0:10700 answers the whole network)")
    serve.add_argument("--log-transcripts", type=Path, metavar="FILE",
                       help="append what was heard and answered to FILE (nothing is written without this)")
    serve.add_argument("--verbose", action="store_true", help="log connections and refused requests (never "
                                                              "what was said)")
    add_recognizer_args(serve)
    serve.set_defaults(func=cmd_serve)
