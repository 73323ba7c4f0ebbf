"""Batch reports, in the format the file's extension names: .json, .jsonl, .csv, .html, and JUnit XML.

A report holds what was heard, so it is written only when asked for, and whole or not at all (safe_files).
Every writer takes the same rows (`voiceguide batch --json` prints them) and the same summary.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import html
import io
import json
import os
import re
from enum import Enum
from pathlib import Path
from typing import Any
from urllib.parse import quote

from voiceguide.expectations import AUDIO_SUFFIXES


class ReportKind(str, Enum):
    JSON = ".json"
    JSONL = ".jsonl"
    CSV = ".csv"
    HTML = ".html"


def report_kind(path: Path) -> ReportKind:
    """The format for this file name, or a ValueError naming the ones there are."""
    suffix = path.suffix.lower()
    if suffix == ".htm":
        return ReportKind.HTML
    try:
        return ReportKind(suffix)
    except ValueError:
        raise ValueError(f"--report {path}: the extension {suffix or '(none)'} is not a report format; "
                         f"use {', '.join(k.value for k in ReportKind)}") from None


def write_report(path: Path, rows: list[dict[str, Any]], summary: dict[str, Any]) -> None:
    from voiceguide.safe_files import write_text

    kind = report_kind(path)
    if kind is ReportKind.JSON:
        text = json.dumps({"summary": summary, "results": rows}, indent=1, ensure_ascii=False) + "\n"
    elif kind is ReportKind.JSONL:
        text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    elif kind is ReportKind.CSV:
        text = csv_text(rows)
    else:
        text = html_page(rows, summary, path.parent)
    write_text(path, text)


# ---------------------------------------------------------------------------------------------- CSV

CSV_COLUMNS = ("input", "heard", "topic", "urgency", "command", "answer", "sources", "engine", "confidence",
               "asr_ms", "total_ms", "audio_out", "error", "expected_topic", "expected_urgency",
               "expected_answer_contains", "expected_command", "pass", "missed")


def _cell(value: Any) -> str:
    """A cell a spreadsheet shows as text: lists joined with "; ", and text that a spreadsheet would run as a
    formula (=, +, -, @, tab, return first) quoted with a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_text(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        expected = row.get("expected") or {}
        flat = {**row, **{f"expected_{k}": v for k, v in expected.items()}}
        if "expected_topic" in flat and flat["expected_topic"] is None:
            flat["expected_topic"] = "(none)"
        if "expected_command" in flat and flat["expected_command"] is None:
            flat["expected_command"] = "(none)"
        writer.writerow([_cell(flat.get(column)) for column in CSV_COLUMNS])
    return out.getvalue()


# ---------------------------------------------------------------------------------------------- JUnit

# XML 1.0 cannot hold these at all, not even escaped: a file name with a control character in it would make
# the whole report unreadable, so each becomes a visible \xNN.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(text: Any) -> str:
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", str(text))


def junit_xml(rows: list[dict[str, Any]], summary: dict[str, Any], suite: str = "voiceguide batch") -> str:
    """One test case per input. A miss is a <failure>, an input that could not be answered an <error>, and an
    input the expectations say nothing about (with --expect) is <skipped>."""
    import xml.etree.ElementTree as ET

    checking = "expect" in summary
    failures = errors = skipped = 0
    cases = []
    for row in rows:
        case = ET.Element("testcase", classname="voiceguide.batch", name=_xml_text(row.get("input", "")),
                          time=f"{(row.get('total_ms') or 0) / 1000:.3f}")
        got = _got(row)
        if row.get("error"):
            errors += 1
            ET.SubElement(case, "error", message=_xml_text(row["error"]), type="input").text = _xml_text(
                f"expected: {json.dumps(row.get('expected'), ensure_ascii=False)}" if row.get("expected") else
                row["error"])
        elif row.get("pass") is False:
            failures += 1
            missed = ", ".join(row.get("missed") or [])
            ET.SubElement(case, "failure", message=_xml_text(f"missed {missed}: heard {row.get('heard')!r}"),
                          type="expectation").text = _xml_text(
                f"expected: {json.dumps(row.get('expected'), ensure_ascii=False)}\ngot: {got}\n"
                f"heard: {row.get('heard')}\nanswer: {row.get('answer')}")
        elif checking and row.get("pass") is None:
            skipped += 1
            ET.SubElement(case, "skipped", message="no expectation for this input")
        ET.SubElement(case, "system-out").text = _xml_text(f"heard: {row.get('heard')}\ngot: {got}\n"
                                                          f"answer: {row.get('answer')}")
        cases.append(case)
    seconds = f"{sum((r.get('total_ms') or 0) for r in rows) / 1000:.3f}"
    counts = {"tests": str(len(rows)), "failures": str(failures), "errors": str(errors),
              "skipped": str(skipped), "time": seconds}
    root = ET.Element("testsuites", name=suite, **counts)
    suite_element = ET.SubElement(root, "testsuite", name=suite, **counts)
    suite_element.extend(cases)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_junit(path: Path, rows: list[dict[str, Any]], summary: dict[str, Any]) -> None:
    from voiceguide.safe_files import write_text

    write_text(path, junit_xml(rows, summary))


def _got(row: dict[str, Any]) -> str:
    parts = [f"topic {row.get('topic') or '(none)'}", f"urgency {row.get('urgency')}"]
    if row.get("command"):
        parts.append(f"command {row['command']}")
    return ", ".join(parts)


# ---------------------------------------------------------------------------------------------- HTML

_STYLE = """
:root { color-scheme: light dark; --miss: #9b1c1c; --pass: #1d5e2a; --err: #7a4b00; }
body { font: 1.125rem/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 80rem; padding: 1rem; }
h1 { font-size: 1.6rem; margin: 0 0 .5rem; }
#summary { font-size: 1.3rem; font-weight: 700; margin: .5rem 0; }
.facts { display: flex; flex-wrap: wrap; gap: .2rem 2rem; margin: 0 0 1rem; }
.facts div { display: flex; gap: .4rem; } .facts dt { font-weight: 600; } .facts dt::after { content: ":"; }
.facts dd { margin: 0; }
form { display: flex; flex-wrap: wrap; gap: 1rem 2rem; align-items: end; margin: 1rem 0; }
label, legend { font-weight: 600; }
input[type=search] { font: inherit; padding: .3rem .5rem; min-width: 18rem; display: block; }
fieldset { border: 1px solid; padding: .3rem .8rem; }
fieldset label { font-weight: 400; margin-right: 1rem; }
input:focus-visible, audio:focus-visible { outline: 3px solid #1a5fb4; outline-offset: 2px; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
col.result { width: 7.5rem; } col.input { width: 17rem; } col.heard, col.expected { width: 15%; }
col.got { width: 13%; }
th, td { border-bottom: 1px solid #8888; padding: .4rem .5rem; text-align: left; vertical-align: top;
         overflow-wrap: break-word; }
thead th { position: sticky; top: 0; background: Canvas; }
.result { font-weight: 700; white-space: nowrap; }
tr.miss .result { color: var(--miss); } tr.pass .result { color: var(--pass); }
tr.error .result { color: var(--err); }
@media (prefers-color-scheme: dark) { :root { --miss: #ff8a8a; --pass: #7ddc8f; --err: #ffc46b; } }
audio { display: block; width: 100%; max-width: 16rem; min-width: 8rem; margin-top: .3rem; }
.why { display: block; font-weight: 400; }
"""

_SCRIPT = """
(function () {
  var form = document.getElementById('filter');
  var box = document.getElementById('q');
  var shown = document.getElementById('shown');
  var rows = Array.prototype.slice.call(document.querySelectorAll('#results tbody tr'));
  form.hidden = false;
  function apply() {
    var words = box.value.toLowerCase().trim();
    var which = form.querySelector('input[name=show]:checked').value;
    var count = 0;
    rows.forEach(function (row) {
      var ok = (which === 'all' || row.dataset.result === which) &&
               (!words || row.textContent.toLowerCase().indexOf(words) !== -1);
      row.hidden = !ok;
      if (ok) { count += 1; }
    });
    shown.textContent = 'Showing ' + count + ' of ' + rows.length + ' results.';
  }
  form.addEventListener('input', apply);
  form.addEventListener('change', apply);
  form.addEventListener('submit', function (event) { event.preventDefault(); apply(); });
  apply();
})();
"""


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def _link(target: str | Path, folder: Path) -> str | None:
    """A relative link from the report's folder to a local file, so the page and its sound files can be moved
    together; None when there is no such file."""
    target = Path(target)
    if not target.is_file():
        return None
    relative = os.path.relpath(target.resolve(), folder.resolve())
    return quote(Path(relative).as_posix())


def _result_of(row: dict[str, Any]) -> tuple[str, str]:
    """(filter value, words shown): misses and errors both count as misses for the filter."""
    if row.get("pass") is False:
        return "miss", "Error" if row.get("error") else "Miss"
    if row.get("error"):
        return "miss", "Error"
    if row.get("pass") is None:
        return "pass", "Answered" if row.get("expected", "absent") == "absent" else "Not checked"
    return "pass", "Pass"


def _expected_text(expected: dict[str, Any] | None) -> str:
    if not expected:
        return ""
    parts = []
    if "topic" in expected:
        topic = expected["topic"]
        parts.append("topic " + (" or ".join(topic) if isinstance(topic, list) else topic or "(none)"))
    if "urgency" in expected:
        parts.append(f"urgency {expected['urgency']}")
    if "answer_contains" in expected:
        parts.append("answer with " + " or ".join(repr(p) for p in expected["answer_contains"]))
    if "command" in expected:
        parts.append(f"command {expected['command'] or '(none)'}")
    return "; ".join(parts)


def _order(row: dict[str, Any]) -> int:
    value, _words = _result_of(row)
    return 0 if value == "miss" else 1


def html_page(rows: list[dict[str, Any]], summary: dict[str, Any], folder: Path) -> str:
    """One page, nothing loaded from elsewhere (its style and script are inline, allowed by hash): the summary
    first, then the results with misses first,
    each recording and spoken answer playable where the files are."""
    esc = html.escape
    expect = summary.get("expect")
    headline = expect["line"] if expect else (
        f"{summary['inputs'] - summary['failed']} of {summary['inputs']} inputs answered"
        + (f", {summary['failed']} failed" if summary["failed"] else ""))
    facts = [("Inputs", summary["inputs"]), ("Failed", summary["failed"]),
             ("Given a topic", summary["answered"]), ("Emergencies", summary["emergency"]),
             ("See a doctor", summary["see_doctor"])]
    if summary.get("recognizer"):
        facts.append(("Recognizer", summary["recognizer"]))
    body = []
    for row in sorted(rows, key=_order):
        value, words = _result_of(row)
        css = "error" if row.get("error") else value
        why = ""
        if row.get("missed"):
            why = f'<span class="why">{esc("missed " + ", ".join(row["missed"]))}</span>'
        input_cell = esc(str(row.get("input", "")))
        if str(row.get("input", "")).lower().endswith(AUDIO_SUFFIXES) and row.get("engine") != "text":
            link = _link(row["input"], folder)
            if link:
                input_cell += (f'<audio controls preload="none" src="{esc(link)}" '
                               f'aria-label="{esc("Recording: " + str(row["input"]))}"></audio>')
        answer_cell = esc(row.get("answer") or "")
        if row.get("error"):
            answer_cell = f"<strong>Error:</strong> {esc(row['error'])}"
        if row.get("audio_out"):
            link = _link(row["audio_out"], folder)
            if link:
                answer_cell += (f'<audio controls preload="none" src="{esc(link)}" '
                                f'aria-label="{esc("Spoken answer to " + str(row.get("input", "")))}">'
                                '</audio>')
        got = esc(_got(row)) if not row.get("error") else ""
        body.append(
            f'<tr class="{css}" data-result="{value}"><td class="result">{esc(words)}{why}</td>'
            f"<td>{input_cell}</td><td>{esc(row.get('heard') or '')}</td>"
            f"<td>{esc(_expected_text(row.get('expected')))}</td><td>{got}</td><td>{answer_cell}</td></tr>")
    policy = (f"default-src 'none'; style-src {_sha256(_STYLE)}; script-src {_sha256(_SCRIPT)}; "
              "media-src 'self' file:")
    fact_items = "".join(f"<div><dt>{esc(name)}</dt><dd>{esc(str(value))}</dd></div>"
                         for name, value in facts)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{policy}">
<title>{esc(headline)} - VoiceGuide batch report</title>
<style>{_STYLE}</style>
</head>
<body>
<main>
<h1>VoiceGuide batch report</h1>
<p id="summary">{esc(headline)}</p>
<dl class="facts">{fact_items}</dl>
<form id="filter" role="search" aria-label="Filter the results" hidden>
<div><label for="q">Show results containing</label><input id="q" type="search" autocomplete="off"></div>
<fieldset><legend>Show</legend>
<label><input type="radio" name="show" value="all" checked> all</label>
<label><input type="radio" name="show" value="miss"> misses only</label>
<label><input type="radio" name="show" value="pass"> the rest only</label>
</fieldset>
<p id="shown" role="status" aria-live="polite"></p>
</form>
<table id="results">
<caption>Results, misses first ({len(rows)} inputs)</caption>
<colgroup><col class="result"><col class="input"><col class="heard"><col class="expected"><col class="got">
<col></colgroup>
<thead><tr><th scope="col">Result</th><th scope="col">Input</th><th scope="col">Heard</th>
<th scope="col">Expected</th><th scope="col">Got</th><th scope="col">Answer</th></tr></thead>
<tbody>
{chr(10).join(body)}
</tbody>
</table>
</main>
<script>{_SCRIPT}</script>
</body>
</html>
"""
