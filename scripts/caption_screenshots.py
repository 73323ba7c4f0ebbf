"""Pictures of the caption screen at each step of a session, for the README and for reviewing the page by eye:
a question, "stop" said over its answer, then an emergency, played in real time through
`voiceguide listen --input-file ... --captions-web` and seen in Debian's headless chromium.

Usage: .venv/bin/python scripts/caption_screenshots.py [OUT_DIR]   (default: docs/screenshots/steps)

The browser tests (tests/test_captions_web.py) check what the page shows; this only takes the pictures, so a
step it misses (the page moved on faster than a picture could be taken) is reported and the rest still taken.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.caption_browser import ListenRun, browser_missing, free_port, open_browser, wait_until  # noqa: E402
from tests.sessions import build_session  # noqa: E402
from voiceguide.answer import messages  # noqa: E402

COPY = messages.caption_screen()
QUESTION = "what causes a blood clot in the buttocks"
EMERGENCY = "i suddenly can't catch my breath and my chest hurts"


def _is(element: str, prop: str, value: str) -> str:
    return f"document.getElementById({json.dumps(element)}).{prop} === {json.dumps(value)}"


# Each step: a file name, what it shows, and the page condition that means the step is on screen.
STEPS = [
    ("1-listening.png", "waiting for a question", _is("state", "textContent", COPY["listening"])),
    ("2-speaking.png", "what was heard, the sentence being said, the rest below",
     f"{_is('state', 'textContent', COPY['speaking'])}"
     " && document.getElementById('rest').children.length > 0"),
    ("3-stopped.png", "'stop' said over the answer", _is("state", "textContent", COPY["stopped"])),
    ("4-emergency.png", "the emergency advice being said",
     f"{_is('answer-box', 'dataset.urgency', 'emergency')}"
     " && document.getElementById('now').textContent !== ''"),
    ("5-ended.png", "the session over, the advice left on screen",
     _is("state", "textContent", COPY["ended"])),
]


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else REPO / "docs" / "screenshots" / "steps"
    missing = browser_missing()
    if missing:
        print(f"caption_screenshots: {missing}", file=sys.stderr)
        return 1
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="voiceguide-shots-") as folder:
        root = Path(folder)
        session = build_session(root / "session.wav", [QUESTION, "stop", EMERGENCY], gaps=[7.0, 3.0, 2.0],
                                noise_db=None, lead=3.0)
        driver = open_browser(width=1024, height=700)
        run = ListenRun(["--input-file", str(session), "--output-file", "out.wav", "--no-welcome",
                         "--as-recorded", "--captions-web", f"127.0.0.1:{free_port()}"], root)
        missed = []
        try:
            driver.get(run.wait_for("Caption screen: "))
            for name, what, condition in STEPS:
                try:
                    wait_until(driver, condition, 90)
                except AssertionError:
                    missed.append(name)
                    print(f"missed {name} ({what})")
                    continue
                driver.save_screenshot(str(out / name))
                print(f"{out / name}: {what}")
            run.finish()
        finally:
            if run.proc.poll() is None:
                run.proc.kill()
            driver.quit()
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
