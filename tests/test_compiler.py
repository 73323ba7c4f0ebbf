"""The content compiler: sections from real documents, new documents without code, bad sources refused."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from voiceguide.answer.conversation import Conversation
from voiceguide.answer.phrases import MAX_PHRASE_WORDS
from voiceguide.content.compiler import (
    DEFAULT_DOCUMENTS,
    DEFAULT_LEXICON,
    DEFAULT_OUTPUT,
    CompileError,
    compile_content,
    render_compiled,
    write_compiled,
)
from voiceguide.content.content_model import content_from_dict, load_content
from voiceguide.content.documents import DocumentError, read_document
from voiceguide.content.templates import TemplateError, expand, expand_all, rewrite_forms

SHARED_DOCS = Path(__file__).resolve().parents[2] / "shared" / "documents"


def test_committed_compiled_file_is_not_stale():
    assert DEFAULT_OUTPUT.read_text(encoding="utf-8") == render_compiled(compile_content()), (
        "voiceguide/content/compiled.json is stale: run `voiceguide compile` and commit it"
    )


def test_output_is_deterministic():
    assert render_compiled(compile_content()) == render_compiled(compile_content())


def test_documents_are_byte_for_byte_the_received_ones():
    if not SHARED_DOCS.exists():
        pytest.skip(f"{SHARED_DOCS} is not beside this checkout")
    for received in SHARED_DOCS.iterdir():
        if received.name != "README.md":
            assert (DEFAULT_DOCUMENTS / received.name).read_bytes() == received.read_bytes()


def test_markdown_noise_never_reaches_speakable_text():
    data = compile_content()
    spoken = json.dumps([s["sentences"] for s in data["sections"]])
    for junk in ("<", ">", "http", "iframe", "img", "showToc", "thumbnail", "---", "Osgood", "youtube"):
        assert junk not in spoken, junk


def test_sections_have_kinds_places_and_ids():
    data = compile_content()
    ids = [s["id"] for s in data["sections"]]
    assert len(ids) == len(set(ids))
    by_id = {s["id"]: s for s in data["sections"]}
    for doc in ("blood-clot-behind-knee", "blood-clot-buttocks"):
        for kind in (
            "overview", "symptoms", "causes", "diagnosis", "treatment", "prevention", "complications"
        ):
            assert f"{doc}.{kind}" in by_id, f"{doc}.{kind}"
    assert {d["location"] for d in data["documents"]} == {"behind-knee", "buttocks"}
    assert by_id["blood-clot-buttocks.prevention"]["sentences"][0].startswith("To prevent clots")


def test_faq_is_merged_with_the_sections_it_repeats():
    data = compile_content()
    sentences = [s for sec in data["sections"] for s in sec["sentences"]]
    assert len(sentences) == len(set(sentences)), "an answer is stored twice"
    symptoms = next(s for s in data["sections"] if s["id"] == "blood-clot-behind-knee.symptoms")
    assert "What are the symptoms of a blood clot behind the knee?" in symptoms["questions"]
    # FAQ entries that add something new are sections of their own.
    assert any(s["id"] == "blood-clot-behind-knee.fatal" for s in data["sections"])


def test_urgent_advice_is_the_documents_own_sentences():
    data = compile_content()
    all_text = " ".join(b.text for p in DEFAULT_DOCUMENTS.iterdir() for b in read_document(p).blocks)
    for level in ("emergency", "see-doctor"):
        for advice in data["urgent"][level]["advice"]:
            assert advice["text"] in all_text
    assert "pulmonary embolism" in data["urgent"]["emergency"]["advice"][0]["text"]


def test_vocabulary_has_words_and_phrases_people_will_say():
    vocab = compile_content()["vocabulary"]
    for word in ("clot", "knee", "buttocks", "anticoagulant", "thrombophlebitis", "repeat", "slower"):
        assert word in vocab["words"]
    assert "what are the symptoms of a blood clot behind the knee" in vocab["phrases"]
    assert "i have chest pain" in vocab["phrases"]
    assert all(p == p.lower() and "?" not in p for p in vocab["phrases"])


THIRD_DOCUMENT = """---
title: "Blood Clots in the Arm"
draft: false
---

<center><img src="https://example.invalid/arm.png" alt="arm"></center>

A blood clot in the arm is a clot in a deep vein of the arm, often after a catheter or heavy lifting.

## What Are the Symptoms of a Blood Clot in the Arm?

Symptoms of a clot in the arm include swelling of the hand and a bluish color of the skin.

## How Is a Blood Clot in the Arm Treated?

A clot in the arm is usually treated with anticoagulant medicines for several months.
"""


def test_a_third_document_needs_no_code_change(tmp_path: Path):
    docs = tmp_path / "documents"
    shutil.copytree(DEFAULT_DOCUMENTS, docs)
    (docs / "blood-clot-arm.md").write_text(THIRD_DOCUMENT, encoding="utf-8")
    data = compile_content(docs)
    ids = {s["id"] for s in data["sections"]}
    assert {"blood-clot-arm.overview", "blood-clot-arm.symptoms", "blood-clot-arm.treatment"} <= ids
    assert any(d["title"] == "Blood Clots in the Arm" for d in data["documents"])
    arm_text = " ".join(
        s for sec in data["sections"] if sec["document"] == "blood-clot-arm" for s in sec["sentences"]
    )
    assert "img" not in arm_text and "example.invalid" not in arm_text
    reply = Conversation(content_from_dict(data)).handle("what are the symptoms of a blood clot in the arm")
    assert "bluish" in reply.answer


def test_plain_text_document_with_headings(tmp_path: Path):
    doc = tmp_path / "note.txt"
    doc.write_text("A Title Line\n\nFirst paragraph.\n\nA Heading\n\nIts text.\n", encoding="utf-8")
    parsed = read_document(doc)
    assert parsed.title == "A Title Line"
    assert [(b.text, b.is_heading) for b in parsed.blocks] == [
        ("First paragraph.", False), ("A Heading", True), ("Its text.", False)
    ]


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("empty.md", b"", "empty"),
        ("blank.txt", b"  \n\n ", "empty"),
        ("frontmatter.md", b"---\ntitle: x\n---\n", "only front matter"),
        ("latin1.txt", "Caf\u00e9 heading\n\nText.\n".encode("latin-1"), "not UTF-8"),
        ("noheadings.txt", b"This is one paragraph of text. It has sentences.\n", "no headings"),
        ("picture.png", b"\x89PNG\r\n", "unsupported file type"),
    ],
)
def test_bad_sources_name_the_file_and_keep_the_previous_output(tmp_path: Path, name, data, problem):
    docs = tmp_path / "documents"
    shutil.copytree(DEFAULT_DOCUMENTS, docs)
    output = tmp_path / "compiled.json"
    write_compiled(compile_content(docs), output)
    before = output.read_bytes()
    bad = docs / name
    bad.write_bytes(data)
    if name.endswith(".png"):
        with pytest.raises(DocumentError) as info:
            read_document(bad)
    else:
        with pytest.raises(DocumentError) as info:
            write_compiled(compile_content(docs), output)
    assert name in str(info.value) and problem in str(info.value)
    assert output.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".compiled")] == []


def test_empty_folder_is_an_error(tmp_path: Path):
    with pytest.raises(CompileError, match="no documents"):
        compile_content(tmp_path)


LEG_CRAMPS = """What Causes Leg Cramps?

A leg cramp is a sudden, painful tightening of a muscle in the calf, foot or thigh. Most cramps last from a
few seconds to several minutes.

Why Leg Cramps Happen

Leg cramps are often caused by tired muscles, dehydration or standing for a long time. Some medicines can also
cause cramps.

Are Leg Cramps Dangerous?

Most leg cramps are harmless and are not a sign of a serious problem. Cramps that happen often or with
swelling should be checked by a doctor.

How Are Leg Cramps Treated?

Stretching and massaging the muscle usually eases a cramp within minutes.

How to Prevent Leg Cramps

Regular stretching before bed and drinking enough water help prevent leg cramps.
"""


def test_a_document_on_another_subject_changes_the_wording_not_the_code(tmp_path: Path):
    """Scope reply, help and welcome take their subject from the compiled content: with an article on leg
    cramps they speak of leg cramps, and its questions reach it, with no code change."""
    from voiceguide.answer import messages

    docs = tmp_path / "documents"
    shutil.copytree(DEFAULT_DOCUMENTS, docs)
    (docs / "leg-cramps.txt").write_text(LEG_CRAMPS, encoding="utf-8")
    content = content_from_dict(compile_content(docs))
    cramps = content.documents["leg-cramps"]
    assert (cramps.subject, cramps.location) == ("leg cramps", "general")
    conversation = Conversation(content)
    assert "leg cramps" in conversation.help_text()
    assert "leg cramps" in messages.about(content, "out_of_scope")
    assert "leg cramps" in messages.welcome(content)
    assert "blood clots behind the knee or in the buttocks, and leg cramps" in messages.welcome(content, True)
    dangerous = Conversation(content).handle("are leg cramps dangerous")
    assert dangerous.topic.startswith("leg-cramps."), dangerous
    assert "Most leg cramps are harmless" in dangerous.answer
    assert Conversation(content).handle("what causes leg cramps").topic.startswith("leg-cramps.")
    assert Conversation(content).handle("how do i stop getting leg cramps").topic.startswith("leg-cramps.")
    # The clot articles still answer clot questions.
    assert Conversation(content).handle("what causes a blood clot behind the knee").topic.startswith(
        "blood-clot"
    )


def test_lexicon_templates_are_written_out_when_compiled():
    """One template in the lexicon stands for the near wordings people use: each reaches the same intent."""
    phrases = expand("(should i|do i need to) (go to|see) [a|the|my] (doctor|gp)")
    assert "should i see a gp" in phrases and "do i need to go to the doctor" in phrases
    assert "should i see gp" in phrases and len(phrases) == len(set(phrases)) == 2 * 2 * 4 * 2
    assert expand("what is") == ["what is"]
    router = Conversation(load_content()).router
    for question in ("do i need to go to the doctor", "should i phone my gp", "do i have to go to the er"):
        assert router.understand(question).intent == "what-to-do", question
    # A synonym's key may be a template too: each wording is rewritten to the documents' words.
    synonyms = load_content().lexicon["synonyms"]
    assert synonyms["an operation on his tummy"] == synonyms["surgery on the stomach"] == "abdomen surgery"
    # Its value may keep the noun said: one template, each noun its own meaning.
    assert synonyms["milk has clots"] == "milk gone off"
    assert synonyms["paint is lumpy with clotted"] == "paint gone off"
    forms = rewrite_forms("(milk|cream) [has] clots", "{said} gone off")
    assert forms == {"milk has clots": "milk gone off", "milk clots": "milk gone off",
                     "cream has clots": "cream gone off", "cream clots": "cream gone off"}
    with pytest.raises(TemplateError, match="does not begin with a group"):
        rewrite_forms("the (milk|cream) has clots", "{said} gone off")


def test_a_list_named_once_is_shared_written_out(tmp_path: Path):
    """A YAML alias puts a named list inside another list: it is written out in place, templates and all, so
    two intents share one list of phrases and a phrase added to it reaches both."""
    assert expand_all([["raise (my|the) risk"], "smoke"]) == ["raise my risk", "raise the risk", "smoke"]
    lexicon = tmp_path / "lexicon.yaml"
    text = DEFAULT_LEXICON.read_text(encoding="utf-8")
    shared = text.replace("not_with: &raises_risk [", "not_with: &raises_risk ['(bring|brings) on a clot', ")
    assert shared != text
    lexicon.write_text(shared, encoding="utf-8")
    compiled = compile_content(DEFAULT_DOCUMENTS, lexicon)
    intents = compiled["lexicon"]["intents"]
    for name in ("side-effects", "permission"):
        assert {"bring on a clot", "brings on a clot", "raise my risk"} <= set(intents[name]["not_with"])
    question = "is it safe to sit at my desk all day, or does that bring on a clot"
    assert Conversation(content_from_dict(compiled)).router.understand(question).intent != "permission"
    assert Conversation(load_content()).router.understand(question).intent == "permission"


@pytest.mark.parametrize("template", ["(a|b", "a)b", "[a", "(a|b|c|d|e|f|g|h) " * 4])
def test_a_bad_template_is_a_one_line_compile_error(tmp_path: Path, template: str):
    lexicon = tmp_path / "lexicon.yaml"
    text = DEFAULT_LEXICON.read_text(encoding="utf-8")
    bad = text.replace("    phrases: [what causes,", f"    phrases: ['{template}', what causes,")
    assert bad != text
    lexicon.write_text(bad, encoding="utf-8")
    with pytest.raises(CompileError, match=r"lexicon\.yaml") as info:
        compile_content(DEFAULT_DOCUMENTS, lexicon)
    assert "\n" not in str(info.value)


def test_a_phrase_too_long_to_be_recognized_is_a_compile_error(tmp_path: Path):
    """Phrases are found by looking up runs of words: one longer than any run looked up would never match."""
    lexicon = tmp_path / "lexicon.yaml"
    text = DEFAULT_LEXICON.read_text(encoding="utf-8")
    long_phrase = " ".join(["word"] * (MAX_PHRASE_WORDS + 1))
    bad = text.replace("    phrases: [what causes,", f"    phrases: [{long_phrase}, what causes,")
    assert bad != text
    lexicon.write_text(bad, encoding="utf-8")
    with pytest.raises(CompileError, match="too many to be recognized") as info:
        compile_content(DEFAULT_DOCUMENTS, lexicon)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(("said", "written", "problem"), [
    # `true` or `no` bare in a word list is a boolean to YAML.
    ("neutral: [people,", "neutral: [true, people,", "put it in quotes"),
    # A rewrite is a lay word or a recognizer's slip, not both.
    ("misheard:\n", "misheard:\n  whats: what is\n", "both a synonym and a slip"),
    # ... nor when a slip's template, written out, says a synonym's wording.
    ("misheard:\n", "misheard:\n  '(blood|bled) clock': blood clot\n", "'blood clock' is both a synonym"),
    # YAML would keep the second of two equal keys and drop the first without a word.
    ("synonyms:\n", "synonyms:\n  whats: what is\n", "'whats' is given twice"),
    # Spellings are respelt word by word: a phrase there would never be found.
    ("spellings:\n", "spellings:\n  r u: are you\n", "is not one word"),
])
def test_a_lexicon_mistake_is_a_one_line_compile_error(tmp_path: Path, said, written, problem):
    """Caught when compiling, not when a question is asked."""
    lexicon = tmp_path / "lexicon.yaml"
    text = DEFAULT_LEXICON.read_text(encoding="utf-8")
    bad = text.replace(said, written, 1)
    assert bad != text
    lexicon.write_text(bad, encoding="utf-8")
    with pytest.raises(CompileError, match=problem) as info:
        compile_content(DEFAULT_DOCUMENTS, lexicon)
    assert "\n" not in str(info.value)


def test_a_long_worried_phrase_is_recognized_whole():
    """Nine or ten words written out from a template ("do i need to go to the emergency room") still reach
    their intent."""
    from voiceguide.answer.router import Router

    content = load_content()
    router = Router.for_content(content)
    for question in ("do i need to go to the emergency room", "should i go and see the a and e"):
        assert router.understand(question).intent == "what-to-do", question
        # Matched whole, not by a shorter phrase inside it.
        assert router._intent(question, question) == ("what-to-do", len(question.split())), question
        # Asked with nothing before it, the person asking is the one worried: the see-a-doctor advice.
        reply = Conversation(content).handle(question)
        assert reply.urgency.value == "see-doctor" and "Prompt medical evaluation" in reply.answer, question


def test_a_number_yaml_reads_as_an_integer_in_triage_is_a_compile_error(tmp_path: Path):
    """A bare 999 in a triage pair is an integer to YAML and would never match a heard word."""
    lexicon = tmp_path / "lexicon.yaml"
    text = DEFAULT_LEXICON.read_text(encoding="utf-8")
    bad = text.replace("['999', '911', '112',", "[999, '911', '112',")
    assert bad != text
    lexicon.write_text(bad, encoding="utf-8")
    with pytest.raises(CompileError, match="put it in quotes"):
        compile_content(DEFAULT_DOCUMENTS, lexicon)
