"""A kiosk that starts before its sound devices waits for them instead of exiting.

At boot the service can start before the sound system has found the USB microphone, and a person may plug the
speaker in only after switching the kiosk on. Exiting would leave it to systemd's restart limit; instead
start-up asks for the devices again after 1, 2, 4 ... 60 s (re-scanning the hardware each time, since
PortAudio keeps the list it saw when it started), logs every try, and tells what it waits for once each time
that changes: shown as a caption, and spoken when the speaker is there and only the microphone is missing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from voiceguide.speech.audio_devices import AudioDeviceError, AudioFileInputError

log = logging.getLogger("voiceguide.kiosk")

_WHAT = {"input": "microphone", "output": "speaker", None: "sound system"}


@dataclass(frozen=True)
class Missing:
    """What start-up waits for: "microphone", "speaker" or "sound system", and why, in plain words."""

    what: str
    reason: str

    @property
    def speaker_works(self) -> bool:
        """Outputs are checked first, so when only the microphone is missing there is a speaker to talk on."""
        return self.what == "microphone"


def missing_device(check: Callable[[], None]) -> Missing | None:
    """None when `check` finds every device; otherwise what is missing. A recording standing in for the
    microphone that is not there (yet) counts as a missing microphone."""
    try:
        check()
    except AudioFileInputError as exc:
        return Missing("microphone", str(exc))
    except AudioDeviceError as exc:
        return Missing(_WHAT.get(exc.kind, "sound system"), str(exc))
    return None


def wait_for_devices(check: Callable[[int], None], announce: Callable[[Missing], None], *,
                     sleep: Callable[[float], None] = time.sleep, max_backoff: float = 60.0) -> int:
    """Calls check(attempt) (attempt 1, 2, ...) until no device is missing, waiting 1, 2, 4 ... `max_backoff`
    seconds between tries; `announce` hears of each new thing waited for (not of every try: a kiosk left
    without a microphone overnight must not repeat itself every minute). Returns how many tries it took."""
    delay, attempt, announced = 1.0, 0, None
    while True:
        attempt += 1
        missing = missing_device(lambda tries=attempt: check(tries))
        if missing is None:
            if attempt > 1:
                log.info("the sound devices are there after %d tries", attempt)
            return attempt
        log.warning("waiting for the %s (attempt %d): %s Trying again in %g s.", missing.what, attempt,
                    missing.reason, delay)
        if missing != announced:
            announced = missing
            announce(missing)
        sleep(delay)
        delay = min(max_backoff, delay * 2)
