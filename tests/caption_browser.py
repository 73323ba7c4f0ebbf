"""Driving the caption screen as a person sees it, shared by its tests and scripts/bench.py: a real
`voiceguide listen --captions-web` run on a recording, and Debian's chromium (headless, through
chromium-driver) showing the page while the session happens.

What the page shows is recorded in the page itself: a MutationObserver, added by the test, keeps a snapshot of
the visible words each time they change (state, what was heard, sentences said, the one being said now, the
rest, the urgency panel), with the time, so a test reads back the whole session afterwards without polling.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from tests.conftest import REPO
from tests.sessions import private_env

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
AXE = REPO / ".cache" / "node_modules" / "axe-core" / "axe.min.js"


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if CHROMIUM is None or CHROMEDRIVER is None:
        return "Debian's chromium and chromium-driver are not installed (scripts/setup.sh test installs them)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (the test extra: pip install -e .[test])"
    return None


def open_browser(width: int = 1280, height: int = 800) -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM or "chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 f"--window-size={width},{height}", "--hide-scrollbars", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-extensions", "--lang=en-US"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER or "chromedriver"), options=options)
    driver.set_script_timeout(60)
    return driver


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ListenRun:
    """`voiceguide listen ...` as a subprocess with no terminal, what it prints read as it comes."""

    def __init__(self, args: list[str], root: Path) -> None:
        work = root / "work"
        work.mkdir(exist_ok=True)
        env = {**private_env(root), "PYTHONPATH": str(REPO),
               "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1")}
        self.proc = subprocess.Popen([sys.executable, "-m", "voiceguide", "listen", *args], cwd=work, env=env,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)
        self.stdout = ""
        self.stderr = ""
        self._lock = threading.Lock()
        self._readers = [threading.Thread(target=self._read, args=(stream, name), daemon=True)
                         for stream, name in ((self.proc.stdout, "stdout"), (self.proc.stderr, "stderr"))]
        for reader in self._readers:
            reader.start()

    def _read(self, stream: Any, name: str) -> None:
        for line in stream:
            with self._lock:
                setattr(self, name, getattr(self, name) + line)

    def wait_for(self, wanted: str, timeout: float = 120.0) -> str:
        """The rest of the first printed line that starts with `wanted`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                for line in self.stdout.splitlines():
                    if line.startswith(wanted):
                        return line[len(wanted):]
            if self.proc.poll() is not None and not any(r.is_alive() for r in self._readers):
                break
            time.sleep(0.05)
        raise AssertionError(f"{wanted!r} never appeared:\n{self.stdout}\n{self.stderr}")

    def finish(self, timeout: float = 180.0) -> int:
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        for reader in self._readers:
            reader.join(5)
        return self.proc.returncode


WATCH_JS = """
const text = (id) => document.getElementById(id).textContent;
const shown = (id) => !document.getElementById(id).hidden;
const lines = (id) => Array.from(document.getElementById(id).children, (p) => p.textContent);
const snapshot = () => ({
  state: text("state"), screenState: document.getElementById("screen").dataset.state,
  heard: shown("heard-box") ? text("heard") : "",
  answer: shown("answer-box"), urgency: document.getElementById("answer-box").dataset.urgency,
  urgentLabel: text("urgent-label"), stopped: text("stopped-note"),
  said: lines("said"), now: text("now"), rest: lines("rest"),
});
window.seen = [Object.assign(snapshot(), {at: Date.now()})];
new MutationObserver(() => {
  const now = snapshot();
  const last = Object.assign({}, window.seen[window.seen.length - 1]);
  delete last.at;
  if (JSON.stringify(last) !== JSON.stringify(now)) window.seen.push(Object.assign(now, {at: Date.now()}));
}).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true});
"""


def watch(driver: Any) -> None:
    """Starts recording what the page shows (see the module docstring)."""
    driver.execute_script(WATCH_JS)


def seen(driver: Any) -> list[dict]:
    return list(driver.execute_script("return window.seen;"))


def timings(driver: Any) -> list[dict]:
    """The page's own record of each event: created (by the loop), shown (DOM updated),
    painted (next frame)."""
    return list(driver.execute_script("return window.captionTimings;"))


def heard_latencies(driver: Any) -> list[float]:
    """Milliseconds from the loop knowing what was heard to the page painting it."""
    return [t["painted"] - t["created"] for t in timings(driver) if t["kind"] == "heard" and t["painted"]]


def wait_until(driver: Any, script: str, timeout: float = 120.0) -> Any:
    """Polls a JS expression until it is truthy; returns its value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = driver.execute_script(f"return ({script});")
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"the page never showed: {script}")


def run_axe(driver: Any) -> dict:
    """axe-core's full run on the page as it is, with the AAA contrast rule (7:1) on as well."""
    if not AXE.exists():
        raise AssertionError(f"axe-core is missing at {AXE}: run scripts/setup.sh test")
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    return driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {rules: {'color-contrast-enhanced': {enabled: true}}})"
        ".then((r) => done({violations: r.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map((n) => n.html)})), passes: r.passes.length}))"
        ".catch((e) => done({error: String(e)}));")


def emulate(driver: Any, *, width: int | None = None, height: int | None = None, scale: float = 1.0,
            media: dict[str, str] | None = None) -> None:
    """A window `width` CSS px wide drawn at `scale` device px each (400% zoom of a 1280 px screen: width
    320, scale 4), and media features such as {"prefers-color-scheme": "dark"};
    no arguments: back to normal."""
    if width is None:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    else:
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": width, "height": height or width, "deviceScaleFactor": scale,
                                "mobile": False})
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                           {"features": [{"name": k, "value": v} for k, v in (media or {}).items()]})
