"""The `batch --report r.html` page in a real browser (Debian's chromium, headless, driven by selenium): the
summary at the top, misses first, the filter used from the keyboard, and every player's sound file there and
playable. The run behind it is real too: recordings through the recognizer, answers spoken by the real TTS."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from tests.hostile import OTHER_QUESTION_WAV, QUESTION_WAV, run_cli

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")


@pytest.fixture(scope="module")
def browser():
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip("Debian's chromium and chromium-driver are not installed (apt-get install -y chromium "
                    "chromium-driver): the report page is tested in a real browser only")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is in the test extra")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1300,900",
                     "--autoplay-policy=no-user-gesture-required"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> tuple[Path, list[dict]]:
    """Two recordings (one expected wrongly on purpose), a typed question answered as expected, one expected
    wrongly, and one that is not a question of the file: answers spoken into --out-dir."""
    root = tmp_path_factory.mktemp("page")
    recordings = root / "recordings"
    recordings.mkdir()
    shutil.copy(QUESTION_WAV, recordings / "knee symptoms #1.wav")  # a name that needs escaping in a link
    shutil.copy(OTHER_QUESTION_WAV, recordings / "causes.wav")
    expect = recordings / "expect.jsonl"
    expect.write_text("".join(json.dumps(line) + "\n" for line in (
        {"input": "knee symptoms #1.wav", "topic": "blood-clot-behind-knee.symptoms", "urgency": "none"},
        {"input": "causes.wav", "topic": "blood-clot-buttocks.treatment"},
        {"input": "what causes a blood clot behind the knee", "topic": "blood-clot-behind-knee.causes"},
        {"input": "how is a clot in the buttocks treated", "urgency": "emergency"},
    )))
    questions = root / "typed.txt"
    questions.write_text("what causes a blood clot behind the knee\nhow is a clot in the buttocks treated\n"
                         "what is a d dimer test\n")
    (root / "out").mkdir()
    page = root / "out" / "report.html"
    proc = run_cli(root, "batch", "--json", "--expect", str(expect), "--min-pass", "0", "--report", str(page),
                   "--out-dir", str(root / "answers"), str(recordings), str(questions), timeout=300)
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["pass"] for r in rows] == [False, True, True, False, None]
    return page, rows


def test_the_page_in_chromium(browser, report):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    page, rows = report
    browser.get(page.as_uri())
    summary = browser.find_element(By.ID, "summary")
    assert summary.is_displayed()
    assert summary.text == ("2 of 4 as expected (topic 2/3, urgency 1/2, answer 0/0); "
                            "1 input not in the expectations")
    table = browser.find_element(By.ID, "results")
    # the summary first, the results in the first view
    assert summary.location["y"] < table.location["y"] < 900

    lines = browser.find_elements(By.CSS_SELECTOR, "#results tbody tr")
    assert [line.get_attribute("data-result") for line in lines] == ["miss", "miss", "pass", "pass", "pass"]
    firsts = [line.find_elements(By.TAG_NAME, "td")[0].text.split("\n")[0] for line in lines]
    assert firsts == ["Miss", "Miss", "Pass", "Pass", "Not checked"]
    assert "causes.wav" in lines[0].text and "buttocks treated" in lines[1].text  # misses in input order

    # The filter, by keyboard only: words typed into the box, then the arrow key in the radio group.
    shown = browser.find_element(By.ID, "shown")
    assert shown.text == "Showing 5 of 5 results."
    box = browser.find_element(By.ID, "q")
    box.send_keys("d dimer")
    assert [line.is_displayed() for line in lines] == [False, False, False, False, True]
    assert shown.text == "Showing 1 of 5 results."
    box.send_keys(Keys.CONTROL, "a", Keys.BACKSPACE)
    assert all(line.is_displayed() for line in lines)
    box.send_keys(Keys.TAB, Keys.ARROW_RIGHT)  # into the group (at "all"), then on to "misses only"
    assert browser.switch_to.active_element.get_attribute("value") == "miss"
    assert [line.is_displayed() for line in lines] == [True, True, False, False, False]
    assert shown.text == "Showing 2 of 5 results."
    assert browser.find_element(By.CSS_SELECTOR, "label[for=q]").text == "Show results containing"

    # Every player points at a file that is there (by a relative link) and the browser can play it.
    players = browser.find_elements(By.TAG_NAME, "audio")
    spoken = [r for r in rows if r.get("audio_out")]
    assert len(players) == 2 + len(spoken) == 7
    for player in players:
        assert not player.get_attribute("outerHTML").split('src="')[1].startswith(("/", "file:"))
        target = Path(unquote(urlparse(player.get_attribute("src")).path))
        assert target.is_file(), target
        assert player.get_attribute("aria-label")
    states = browser.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const players = Array.from(document.querySelectorAll('audio'));
        Promise.all(players.map(a => new Promise(ok => {
            a.addEventListener('loadedmetadata', () => ok([a.readyState, a.duration]), {once: true});
            a.addEventListener('error', () => ok([-1, 0]), {once: true});
            a.preload = 'metadata'; a.load();
        }))).then(done);
    """)
    assert all(state >= 1 and duration > 0.3 for state, duration in states), states
    # Nothing was blocked or failed: the page's own policy lets its inline style, script and sounds through.
    problems = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert problems == []
