"""The caption screen (`listen --captions-web`): its address, its server on localhost, the loop's typed
events, and the page itself in Debian's chromium while a real session runs (espeak-ng speech in, the embedded
recognizer, the Conversation, espeak-ng speech out to a file: the recording and the output file stand in for
the microphone and speaker, nothing else does).

The browser tests are skipped, saying why, only where chromium or chromium-driver is not installed.
"""

from __future__ import annotations

import http.client
import itertools
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.caption_browser import (
    ListenRun,
    browser_missing,
    emulate,
    free_port,
    heard_latencies,
    open_browser,
    run_axe,
    seen,
    wait_until,
    watch,
)
from tests.conftest import REPO
from tests.sessions import build_session, private_env, spoken_turns
from voiceguide.answer import messages
from voiceguide.answer.conversation import Conversation
from voiceguide.content.content_model import load_content
from voiceguide.live.captions_web import Address, CaptionScreen, CaptionScreenError, build_page, parse_address
from voiceguide.live.events import EventKind, LoopEvent
from voiceguide.speech.tts import spoken_sentences

COPY = messages.caption_screen()
QUESTION = "what are the symptoms of a blood clot behind the knee"
EMERGENCY = "my leg is swollen and now i have chest pain"
SCREENSHOTS = Path(os.environ.get("VOICEGUIDE_SCREENSHOT_DIR", "")) if os.environ.get(
    "VOICEGUIDE_SCREENSHOT_DIR") else None


# ------------------------------------------------------------------------------------------- address and page


def test_address_forms() -> None:
    assert parse_address("8080") == Address("127.0.0.1", 8080)
    assert parse_address("0.0.0.0:9000") == Address("0.0.0.0", 9000)
    assert parse_address("[::1]:8080") == Address("::1", 8080)
    assert parse_address("localhost:0") == Address("localhost", 0)
    assert Address("::1", 80).url == "http://[::1]:80/"
    assert Address("127.0.0.1", 1).is_local and Address("localhost", 1).is_local
    assert not Address("0.0.0.0", 1).is_local
    for bad in ("", "web", "127.0.0.1:", "127.0.0.1:99999", ":8080", "[::1]8080", "a b:80", "-1"):
        with pytest.raises(CaptionScreenError):
            parse_address(bad)


def test_page_is_small_self_contained_and_worded_from_the_copy() -> None:
    page, policy = build_page()
    text = page.decode("utf-8")
    assert len(page) <= 100 * 1024
    assert "{{" not in text and "}}" not in text
    # Nothing from elsewhere: no address with a scheme or a network path, no @import or url() to fetch.
    for outside in ("http:", "https:", "//cdn", "src=\"//", "@import", "url("):
        assert outside not in text, outside
    assert ("default-src 'none'" in policy and "connect-src 'self'" in policy
            and "'unsafe-inline'" not in policy)
    assert policy.count("'sha256-") == 2  # exactly its own script and its own style may run
    for key in ("title", "you_said", "talk_or_stop", "key_hint", "starting"):
        assert f">{COPY[key]}<" in text.replace("&#x27;", "'"), key
    assert json.dumps(COPY["emergency"]) in text  # the words the script shows come from the same copy


# ---------------------------------------------------------------------------------------------- the server


def _get(screen: CaptionScreen, path: str, headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", screen.address.port, timeout=10)
    conn.request("GET", path, headers=headers or {})
    return conn.getresponse()


def _post(screen: CaptionScreen, body: bytes, headers: dict[str, str]) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", screen.address.port, timeout=10)
    conn.request("POST", "/control", body=body, headers=headers)
    status = conn.getresponse().status
    conn.close()
    return status


def _read_events(response: http.client.HTTPResponse, count: int) -> list[dict]:
    events: list[dict] = []
    while len(events) < count:
        line = response.readline().decode()
        assert line, f"the stream ended after {events}"
        if line.startswith("data: "):
            events.append(json.loads(line[6:]))
    return events


def test_server_relays_events_and_keys_and_refuses_other_sites() -> None:
    with CaptionScreen(Address("127.0.0.1", 0)) as screen:
        assert screen.url == f"http://127.0.0.1:{screen.address.port}/"
        page = _get(screen, "/")
        assert page.status == 200 and page.getheader("Content-Type").startswith("text/html")
        assert "default-src 'none'" in page.getheader("Content-Security-Policy")
        assert page.getheader("Cache-Control") == "no-store"
        page.read()

        first = _get(screen, "/events")
        assert first.getheader("Content-Type").startswith("text/event-stream")
        screen.publish(LoopEvent(EventKind.READY, push_to_talk=True))
        screen.publish(LoopEvent(EventKind.HEARD, "old question"))
        screen.publish(LoopEvent(EventKind.HEARD, "what causes a clot"))
        answer = LoopEvent(EventKind.ANSWER, "One. Two.", sentences=("One.", "Two."), label="answer-1",
                           urgency="emergency", status="urgent")
        screen.publish(answer)
        screen.publish(LoopEvent(EventKind.SPEAKING, "One.", index=0, label="answer-1"))
        got = _read_events(first, 5)
        assert [e["kind"] for e in got] == ["ready", "heard", "heard", "answer", "speaking"]
        assert [e["id"] for e in got] == [1, 2, 3, 4, 5]
        assert got[3]["sentences"] == ["One.", "Two."] and got[3]["urgency"] == "emergency"
        assert got[3]["created"] == answer.created

        # A page that opens now is shown how the loop listens and the current turn, not the old one.
        late = _get(screen, "/events")
        assert [(e["kind"], e["text"]) for e in _read_events(late, 4)] == [
            ("ready", ""), ("heard", "what causes a clot"), ("answer", "One. Two."), ("speaking", "One.")]

        # The space bar of the page itself is a key for the loop...
        own = {"Content-Type": "application/json", "Origin": f"http://127.0.0.1:{screen.address.port}",
               "Host": f"127.0.0.1:{screen.address.port}"}
        body = b'{"action": "talk-or-stop"}'
        assert _post(screen, body, own) == 204
        assert screen.keys.poll() == [" "] and screen.keys.poll() == []
        # ...and nothing else is: another site's form, a request without an origin, other bodies.
        assert _post(screen, body, {**own, "Origin": "http://example.org"}) == 403
        assert _post(screen, body, {k: v for k, v in own.items() if k != "Origin"}) == 403
        assert _post(screen, body, {**own, "Content-Type": "text/plain"}) == 415
        assert _post(screen, b'{"action": "format disk"}', own) == 400
        assert _post(screen, b"not json", own) == 400
        assert screen.keys.poll() == []
        # A domain name re-pointed at this machine gets neither the page nor the stream.
        for path in ("/", "/events"):
            refused = _get(screen, path, {"Host": f"attacker.example:{screen.address.port}"})
            assert refused.status == 403
            refused.read()
        missing = _get(screen, "/secret")
        assert missing.status == 404
        missing.read()

    # Closing tells open pages the session is over, then ends their streams.
    assert _read_events(first, 1)[0]["kind"] == "ended"
    assert first.read() == b"\n"  # the blank line that ends the last event, then the end of the stream


def test_listen_says_plainly_when_the_address_cannot_be_used(tmp_path: Path) -> None:
    session = build_session(tmp_path / "s.wav", ["help"], noise_db=None)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**private_env(tmp_path), "PYTHONPATH": str(REPO)}
        proc = subprocess.run([sys.executable, "-m", "voiceguide", "listen", "--input-file", str(session),
                               "--output-file", str(tmp_path / "out.wav"), "--fast",
                               "--captions-web", str(port)],
                              capture_output=True, text=True, timeout=120, env=env, stdin=subprocess.DEVNULL)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert proc.stderr.strip() == (f"voiceguide listen: cannot show the caption screen at "
                                   f"http://127.0.0.1:{port}/: Address already in use")
    assert not (tmp_path / "out.wav").exists()
    bad = subprocess.run([sys.executable, "-m", "voiceguide", "listen", "--captions-web", "here"],
                         capture_output=True, text=True, timeout=60, env=env, stdin=subprocess.DEVNULL)
    assert bad.returncode == 2 and "'here' does not end in a port number" in bad.stderr
    assert "Traceback" not in bad.stderr + proc.stderr


# ------------------------------------------------------------------------------------------ the loop's events


def test_loop_reports_each_turn_as_typed_events(tmp_path: Path) -> None:
    """The events a screen gets for a session, with the terminal's captions as they always were."""
    from voiceguide.live.loop import AssistantLoop, LoopOptions
    from voiceguide.live.recorded_session import WaitingPersonInput
    from voiceguide.speech.asr.models import choose_recognizer
    from voiceguide.speech.file_devices import FileInput, FileOutput
    from voiceguide.speech.tts import Renderer

    content = load_content()
    recognizer, _why = choose_recognizer(content, models_dir=Path("/nonexistent-models-dir"))
    session = build_session(tmp_path / "s.wav", [QUESTION, EMERGENCY], noise_db=None)
    events: list[LoopEvent] = []
    captions: list[str] = []
    loop = AssistantLoop(Conversation(content), recognizer, Renderer(), LoopOptions(welcome=False),
                         captions=captions.append, events=events.append)
    out = FileOutput(tmp_path / "out.wav", realtime=False)
    loop.run(WaitingPersonInput(FileInput(session, realtime=False), lambda: loop.is_speaking, realtime=False),
             out)
    out.close()

    kinds = [e.kind for e in events]
    assert kinds[0] is EventKind.READY and not events[0].push_to_talk
    heard = [e for e in events if e.kind is EventKind.HEARD]
    answers = [e for e in events if e.kind is EventKind.ANSWER]
    assert [e.text for e in heard] == [c[len("Heard: "):] for c in captions if c.startswith("Heard: ")]
    assert len(heard) == len(answers) == 2
    conversation = Conversation(content)
    for answer, said in zip(answers, heard, strict=True):
        reply = conversation.handle(said.text)
        assert answer.text == reply.answer and answer.urgency == reply.urgency.value
        assert answer.sentences == tuple(spoken_sentences(reply.answer))
        speaking = [e for e in events if e.kind is EventKind.SPEAKING and e.label == answer.label]
        assert [(e.index, e.text) for e in speaking] == list(enumerate(answer.sentences))
        # heard, then its answer, then each sentence as it starts, then listening again
        order = [events.index(said), events.index(answer), *(events.index(e) for e in speaking)]
        assert order == sorted(order)
    # Between the answers the loop said it was listening again (after the last one the recording ended).
    assert any(e.kind is EventKind.LISTENING for e in events[events.index(answers[0]):events.index(heard[1])])
    assert answers[1].urgency == "emergency" and answers[0].urgency == "none"
    assert [c[len("Saying: "):] for c in captions if c.startswith("Saying: ")] == \
        [e.text for e in events if e.kind is EventKind.SPEAKING]
    assert all(a.created <= b.created for a, b in itertools.pairwise(events))


# ---------------------------------------------------------------------------------------------- in chromium

needs_browser = pytest.mark.skipif(browser_missing() is not None, reason=browser_missing() or "")

CONTRAST_JS = """
const channel = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
const luminance = (c) => { const [r, g, b] = c.match(/[\\d.]+/g).slice(0, 3).map(Number).map(channel);
                           return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
const opaque = (c) => c && c !== "transparent" && !/rgba\\(.*,\\s*0\\)$/.test(c);
const background = (el) => {
  for (; el; el = el.parentElement) {
    const c = getComputedStyle(el).backgroundColor;
    if (opaque(c)) return c;
  }
  return "rgb(255, 255, 255)";
};
const out = [];
for (const el of document.querySelectorAll("body *")) {
  if (el.closest(".visually-hidden") || !el.getClientRects().length) continue;
  if (!Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
  const style = getComputedStyle(el);
  const [a, b] = [luminance(style.color), luminance(background(el))];
  out.push({text: el.textContent.trim().slice(0, 40), size: parseFloat(style.fontSize),
            ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)});
}
return out;
"""


def _turn_snapshots(snapshots: list[dict], heard: str) -> list[dict]:
    """The snapshots from the one where `heard` first shows until the next thing heard."""
    start = next(i for i, s in enumerate(snapshots) if s["heard"] == heard)
    end = next((i for i in range(start + 1, len(snapshots))
                if snapshots[i]["heard"] not in (heard, "")), len(snapshots))
    return snapshots[start:end]


@pytest.fixture(scope="module")
def session_in_browser(tmp_path_factory: pytest.TempPathFactory):
    """A question, "stop" said over its answer, and an emergency, in real time as a microphone hears them
    (--as-recorded), with the caption screen open in chromium from before the models load. Screenshots are
    taken while the emergency advice is being said, at 100% and at 400% zoom."""
    root = tmp_path_factory.mktemp("captions-session")
    session = build_session(root / "session.wav", [QUESTION, "stop", EMERGENCY], gaps=[6.0, 3.0, 2.0],
                            noise_db=None)
    shots = SCREENSHOTS or root
    shots.mkdir(parents=True, exist_ok=True)
    driver = open_browser()
    port = free_port()
    run = ListenRun(["--input-file", str(session), "--output-file", "out.wav", "--no-welcome",
                     "--as-recorded", "--captions-web", f"127.0.0.1:{port}"], root)
    try:
        url = run.wait_for("Caption screen: ")
        driver.get(url)
        watch(driver)
        wait_until(driver, "document.getElementById('answer-box').dataset.urgency === 'emergency' && "
                           "document.getElementById('now').textContent !== ''")
        emulate(driver, width=1280, height=800)
        driver.save_screenshot(str(shots / "captions-100.png"))
        emulate(driver, width=320, height=200, scale=4)  # 400% zoom of the same 1280 x 800 screen
        zoomed = driver.execute_script("const s = document.scrollingElement;"
                                       "return [s.scrollWidth, s.clientWidth, window.innerWidth];")
        # The picture of it: the same 320 CSS px layout, taller,
        # drawn at 2 device px each to keep the file small.
        emulate(driver, width=320, height=480, scale=2)
        driver.execute_script("document.getElementById('answer-box').scrollIntoView();")
        driver.save_screenshot(str(shots / "captions-400.png"))
        emulate(driver)
        code = run.finish()
        wait_until(driver,
                   f"document.getElementById('state').textContent === {json.dumps(COPY['ended'])}", 30)
        yield {"driver": driver, "run": run, "code": code, "seen": seen(driver), "zoomed_live": zoomed,
               "shots": shots, "latencies": heard_latencies(driver)}
    finally:
        if run.proc.poll() is None:
            run.proc.kill()
            run.finish()
        driver.quit()


@needs_browser
def test_page_shows_each_turn_as_it_happens(session_in_browser: dict) -> None:
    run, snapshots = session_in_browser["run"], session_in_browser["seen"]
    assert session_in_browser["code"] == 0, run.stdout + run.stderr
    turns = spoken_turns(run.stdout)
    assert [heard for heard, _ in turns][1] == "stop", run.stdout
    (question, said_q), (_stop, _), (emergency, said_e) = turns
    conversation = Conversation(load_content())
    answer_q = spoken_sentences(conversation.handle(question).answer)
    conversation.handle("stop")
    answer_e = spoken_sentences(conversation.handle(emergency).answer)

    # The question: what was heard (before any answer), then each sentence said with the rest below it.
    turn = _turn_snapshots(snapshots, question)
    assert turn[0]["state"] == COPY["heard"] and not turn[0]["answer"]
    for index, sentence in enumerate(said_q):
        at = next(s for s in turn if s["now"] == sentence)
        assert at["state"] == COPY["speaking"]
        assert at["said"] == answer_q[:index] and at["rest"] == answer_q[index + 1 :]
    assert 0 < len(said_q) < len(answer_q)  # "stop" cut it short
    # "stop": the page says so, and shows no sentence that was never said.
    stopped = next(i for i, s in enumerate(snapshots) if s["state"] == COPY["stopped"])
    assert snapshots.index(turn[0]) < stopped
    assert snapshots[stopped]["stopped"] == f"({COPY['stopped']})" and snapshots[stopped]["heard"] == question
    assert not any(s["now"] in answer_q[len(said_q):] for s in snapshots if s["now"])

    # The emergency: the panel, labelled in words, with the advice sentence being said now.
    turn = _turn_snapshots(snapshots, emergency)
    urgent = [s for s in turn if s["urgency"] == "emergency" and s["answer"]]
    assert urgent and all(s["urgentLabel"] == f"⚠ {COPY['emergency']}" for s in urgent)
    for index, sentence in enumerate(said_e):
        at = next(s for s in urgent if s["now"] == sentence)
        assert at["said"] == answer_e[:index] and at["rest"] == answer_e[index + 1 :]
    assert said_e == answer_e
    assert snapshots[-1]["state"] == COPY["ended"] and snapshots[-1]["said"] == answer_e  # left on screen

    latencies = session_in_browser["latencies"]
    assert len(latencies) >= 3
    print(f"\ncaption screen: heard -> painted {', '.join(f'{ms:.0f}' for ms in latencies)} ms "
          f"(target 100 ms)")


@needs_browser
def test_emergency_is_unmistakable_and_everything_is_large_and_contrasted(session_in_browser: dict) -> None:
    driver = session_in_browser["driver"]
    style = driver.execute_script(
        "const box = getComputedStyle(document.getElementById('answer-box'));"
        "const label = document.getElementById('urgent-label');"
        "return {border: box.borderTopStyle, width: parseFloat(box.borderTopWidth),"
        " back: box.backgroundColor,"
        " page: getComputedStyle(document.body).backgroundColor, label: label.textContent,"
        " labelShown: label.getClientRects().length > 0};")
    assert style["border"] == "double" and style["width"] >= 8, style
    assert style["back"] != style["page"] and style["labelShown"] and COPY["emergency"] in style["label"]
    for media in ({}, {"prefers-color-scheme": "dark"}, {"prefers-contrast": "more"},
                  {"prefers-color-scheme": "dark", "prefers-contrast": "more"}):
        emulate(driver, media=media)
        texts = driver.execute_script(CONTRAST_JS)
        assert len(texts) > 5, texts
        small = [t for t in texts if t["size"] < 48]
        low = [t for t in texts if t["ratio"] < 7]
        assert not small and not low, (media, small, low)
    emulate(driver)


@needs_browser
def test_axe_finds_no_violations(session_in_browser: dict) -> None:
    driver = session_in_browser["driver"]
    for media in ({}, {"prefers-color-scheme": "dark"}, {"prefers-contrast": "more"}):
        emulate(driver, media=media)
        result = run_axe(driver)
        assert "error" not in result, result
        assert result["violations"] == [], (media, result["violations"])
        assert result["passes"] > 10
        print(f"\naxe-core {media or 'default'}: 0 violations, {result['passes']} rules passed")
    emulate(driver)


@needs_browser
def test_reflows_at_400_percent_and_follows_reduced_motion(session_in_browser: dict) -> None:
    driver = session_in_browser["driver"]
    width, client, inner = session_in_browser["zoomed_live"]
    assert inner == 320 and width <= client, session_in_browser["zoomed_live"]  # while the emergency was said
    emulate(driver, width=320, height=200, scale=4)
    width, client = driver.execute_script("const s = document.scrollingElement;"
                                          " return [s.scrollWidth, s.clientWidth];")
    assert width <= client  # the whole emergency answer, laid out in 320 CSS px
    emulate(driver)
    moving = "return getComputedStyle(document.getElementById('now')).transitionDuration;"
    assert driver.execute_script(moving) != "0s"
    emulate(driver, media={"prefers-reduced-motion": "reduce"})
    assert driver.execute_script(moving) == "0s"
    emulate(driver)
    shots = session_in_browser["shots"]
    for name, size in (("captions-100.png", (1280, 800)), ("captions-400.png", (640, 960))):
        data = (shots / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        assert (int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")) == size


@needs_browser
def test_space_on_the_page_talks_and_stops(tmp_path: Path) -> None:
    """Push-to-talk with no terminal at all: space pressed on the page arms listening (the question after it
    is answered), and space on the focused button stops the answer; keyboard only, no mouse."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    session = build_session(tmp_path / "session.wav", [QUESTION], gaps=4.0, noise_db=None, lead=4.0)
    driver = open_browser()
    run = ListenRun(["--input-file", str(session), "--output-file", "out.wav", "--no-welcome",
                     "--push-to-talk", "--captions-web", f"127.0.0.1:{free_port()}"], tmp_path)
    try:
        driver.get(run.wait_for("Caption screen: "))
        watch(driver)
        wait_until(driver,
                   f"document.getElementById('state').textContent === {json.dumps(COPY['press_to_talk'])}")
        ActionChains(driver).send_keys(Keys.SPACE).perform()
        wait_until(driver, "document.getElementById('now').textContent !== ''")
        ActionChains(driver).send_keys(Keys.TAB).perform()
        assert driver.execute_script("return document.activeElement.id;") == "talk"
        ActionChains(driver).send_keys(Keys.SPACE).perform()
        code = run.finish()
        snapshots = seen(driver)
    finally:
        if run.proc.poll() is None:
            run.proc.kill()
            run.finish()
        driver.quit()
    assert code == 0, run.stdout + run.stderr
    turns = spoken_turns(run.stdout)
    assert len(turns) == 1, run.stdout
    heard, said = turns[0]
    answer = spoken_sentences(Conversation(load_content()).handle(heard).answer)
    assert "blood-clot-behind-knee" in (Conversation(load_content()).handle(heard).topic or "")
    assert "(Stopped.)" in run.stdout and 0 < len(said) < len(answer)
    states = [s["state"] for s in snapshots]
    assert states.index(COPY["press_to_talk"]) < states.index(COPY["heard"]) \
        < states.index(COPY["speaking"]) < states.index(COPY["stopped"])


def test_push_to_talk_without_a_terminal_needs_the_caption_screen(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "voiceguide", "listen", "--push-to-talk", "--input-file",
                           str(tmp_path / "none.wav"), "--output-file", str(tmp_path / "o.wav")],
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
                          env={**private_env(tmp_path), "PYTHONPATH": str(REPO)})
    assert proc.returncode == 2 and "--captions-web" in proc.stderr
