"""A kiosk keeps going: the loop is restarted after a lost sound device or any other error."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from typing import Any

from voiceguide.answer import messages
from voiceguide.live.loop import AssistantLoop, LoopResult
from voiceguide.speech.audio_devices import AudioDeviceError
from voiceguide.speech.earcons import earcon

log = logging.getLogger(__name__)



def run_with_retries(loop: AssistantLoop, open_devices: Callable[[int], tuple[Any, Any]], *,
                     retry: bool, sleep: Callable[[float], None] = time.sleep,
                     max_backoff: float = 60.0) -> LoopResult:
    """Runs the loop; in kiosk mode a lost or missing device is retried with backoff (1, 2, 4 ... 60 s)
    until it comes back, and any other error is spoken and logged and the loop restarts after the same
    backoff. Without retry, device errors go to the caller, who explains them in words."""
    attempt = 0
    delay = 1.0
    while True:
        audio_in = audio_out = None
        try:
            audio_in, audio_out = open_devices(attempt)
            result = loop.run(audio_in, audio_out)
            return result
        except AudioDeviceError as exc:
            if not retry:
                raise
            log.error("sound device problem (attempt %d): %s", attempt + 1, exc)
            loop.captions(f"(Sound device problem: {exc} Trying again in {delay:g} s.)")
            if audio_out is not None and getattr(exc, "kind", None) == "input":
                with contextlib.suppress(Exception):
                    audio_out.play(earcon("error"), "earcon:error")
                    audio_out.play(loop.renderer.render(messages.text("microphone_reconnecting")), "error")
                    audio_out.wait(10)
        except Exception as exc:  # kiosk: anything else is spoken, logged and the loop starts again
            if not retry:
                raise
            log.error("the assistant stopped on an error: %s: %s", type(exc).__name__, exc)
            log.debug("details", exc_info=exc)
            if audio_out is not None:
                with contextlib.suppress(Exception):
                    audio_out.stop()
                    audio_out.play(earcon("error"), "earcon:error")
                    audio_out.play(loop.renderer.render(messages.text("something_went_wrong")), "error")
                    audio_out.wait(10)
        finally:
            for device in (audio_in, audio_out):
                if device is not None:
                    with contextlib.suppress(Exception):
                        device.close()
        sleep(delay)
        delay = min(max_backoff, delay * 2)
        attempt += 1

