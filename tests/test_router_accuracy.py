"""The router on the question set: topic accuracy, emergency recall, and no clot content out of scope."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import topic_matches
from voiceguide.answer.conversation import OUT_OF_SCOPE, Conversation

QUESTIONS = yaml.safe_load((Path(__file__).parent / "questions.yaml").read_text())
# Written by a tester who had not seen the router, kept as a regression set once its failures were fixed.
BLIND = yaml.safe_load((Path(__file__).parent / "questions_blind.yaml").read_text())
# Few words, so that generated phrases often occur in generated texts, more than once and overlapping.
_WORDS = ["a", "clot", "behind", "the", "knee", "is", "it", "bad", "clot  knee"]



def test_question_set_is_large_and_varied():
    assert len(QUESTIONS) >= 60
    urgencies = {q["urgency"] for q in QUESTIONS}
    assert urgencies == {"emergency", "see-doctor", "none"}
    assert sum(q["topic"] is None and q["urgency"] == "none" for q in QUESTIONS) >= 10


def test_topic_accuracy_at_least_95_percent(content):
    misses = []
    for item in QUESTIONS:
        reply = Conversation(content).handle(item["q"])
        if not topic_matches(item["topic"], reply.topic):
            misses.append((item["q"], item["topic"], reply.topic))
    accuracy = 1 - len(misses) / len(QUESTIONS)
    assert accuracy >= 0.95, f"topic accuracy {accuracy:.1%}; misses: {misses}"


def test_every_emergency_is_caught(content):
    missed = [
        item["q"]
        for item in QUESTIONS
        if item["urgency"] == "emergency"
        and Conversation(content).handle(item["q"]).urgency.value != "emergency"
    ]
    assert not missed


def test_urgency_matches_for_every_question(content):
    wrong = [
        (item["q"], item["urgency"], reply.urgency.value)
        for item in QUESTIONS
        if (reply := Conversation(content).handle(item["q"])).urgency.value != item["urgency"]
    ]
    assert not wrong


def test_out_of_scope_never_gets_clot_content(content):
    all_sentences = {s for section in content.sections for s in section.sentences}
    for item in QUESTIONS:
        if item["topic"] is None and item["urgency"] == "none":
            reply = Conversation(content).handle(item["q"])
            assert reply.topic is None, item["q"]
            assert reply.answer == OUT_OF_SCOPE, item["q"]
            assert not any(s in reply.answer for s in all_sentences)


def _urgency_ok(expected, got: str) -> bool:
    return got in expected if isinstance(expected, list) else got == expected


def test_blind_question_set(content):
    """Topic and urgency at least 95% right, every emergency caught, nothing out of scope answered."""
    wrong, missed_emergencies, false_accepts = [], [], []
    for item in BLIND:
        reply = Conversation(content).handle(item["q"])
        if not (
            topic_matches(item["topic"], reply.topic) and _urgency_ok(item["urgency"], reply.urgency.value)
        ):
            wrong.append((item["q"], item["topic"], item["urgency"], reply.topic, reply.urgency.value))
        if item["urgency"] == "emergency" and reply.urgency.value != "emergency":
            missed_emergencies.append(item["q"])
        if item["topic"] is None and reply.topic is not None:
            false_accepts.append(item["q"])
    assert len(BLIND) >= 150
    assert not missed_emergencies
    assert not false_accepts
    assert len(wrong) / len(BLIND) <= 0.05, wrong


def test_everyday_words_do_not_push_an_anchored_question_out_of_scope():
    """A clot word or the last answer anchors a question; a common word the documents do not use ("linked",
    "bend") does not make it another subject's. Specialist words still do, and so do everyday words beside
    a place alone."""
    from voiceguide.answer.router import Router
    from voiceguide.answer.scope import everyday
    from voiceguide.content.content_model import load_content

    router = Router.for_content(load_content())
    assert everyday("dark") and everyday("linked") and not everyday("sciatica") and not everyday("migraine")
    for question, section in (
        ("are clots linked to cancer", "blood-clot-buttocks.causes"),
        ("with a clot behind my knee is it hard to bend my leg", "blood-clot-behind-knee.symptoms"),
    ):
        route = router.route(question)
        assert route.topic == section, (question, route.status, route.topic)
    for question in ("what causes sciatica", "why is my face red", "what causes hair loss",
                     "why does my knee click when i kneel"):
        assert router.route(question).status == "out-of-scope", question
    # A kind asked about a word of the documents that everyday English seldom uses is theirs.
    for question, kind in (
        ("are superficial veins a problem", "types"), ("what makes the skin discolored", "causes")
    ):
        assert router.route(question).kind == kind, question
    # After an answer, everyday words go on from it: the buttocks' symptoms say discoloration is harder to see
    # on darker skin.
    from voiceguide.answer.conversation import Conversation

    conversation = Conversation(load_content())
    conversation.handle("what are the signs of a clot in the buttocks")
    reply = conversation.handle("is it harder to see on darker skin")
    assert "harder to observe on darker skin tones" in reply.answer
    assert conversation.handle("what is the capital of france").status == "out-of-scope"
    # Everyday words after an answer, that no document speaks of: honest, and no clot content.
    reply = conversation.handle("and what causes hair loss")
    assert reply.status == "not-covered" and reply.topic is None


def test_a_word_standing_for_the_subject_makes_an_everyday_question_ours():
    """With no clot word, "one", "these" or "the doctor" with a kind of question stands for the one subject
    the assistant knows, though everyday words the documents never use come with it. A subject of its own
    ("hair loss", "a cough") has no such word and stays someone else's."""
    from voiceguide.answer.router import Router
    from voiceguide.content.content_model import load_content

    router = Router.for_content(load_content())
    for question, kind in (
        ("would the doctors send me off for a scan", "diagnosis"),
        ("is everybody more likely to get one when they are older", "causes"),
        ("are the ones near the surface less of a problem", "types"),
        ("which kinds of these are the worst", "types"),
    ):
        route = router.route(question)
        assert route.status in ("answer", "combined") and route.kind == kind, (question, route.status)
    for question in ("what causes hair loss", "will the doctor give me something for my cough",
                     "what are the symptoms of the flu", "how do they make pizza",
                     "are these shoes comfortable"):
        assert router.route(question).status in ("out-of-scope", "not-covered"), question


def test_lay_shapes_of_a_risk_question_reach_the_cause_named():
    """"Up your odds", "set off a clot", "does it make a difference": a question about risk, whatever verb it
    uses; a knock or a bang is the documents' injury, and slipping "on the ice" is not putting ice on it."""
    from voiceguide.answer.router import Router
    from voiceguide.content.content_model import load_content

    router = Router.for_content(load_content())
    for question in ("does smoking up your odds of a clot",
                     "can being pregnant heighten your chances of a dvt",
                     "does surgery put people at higher risk of clots", "can a bad knock set off a clot"):
        assert router.route(question).kind == "causes", question
    conversation = Conversation(load_content())
    reply = conversation.handle("i banged my bum on the ice, can that bring on a clot")
    assert "Injury or trauma" in reply.answer.split(".")[0], reply.answer
    conversation.handle("what raises the risk of a clot in the buttocks")
    assert "advancing age" in conversation.handle("would my age make any difference").answer


def test_odds_survival_and_x_rays_are_honestly_not_covered():
    """The articles give no odds or survival figures and name other scans than x-rays: saying so beats a
    loosely related section. A cause asked in odds words is still answered from the causes."""
    from voiceguide.answer.router import Router
    from voiceguide.content.content_model import load_content

    router = Router.for_content(load_content())
    for question in ("how likely are they to happen again", "what are the chances that it returns",
                     "do most people survive a dvt", "can an x ray find a dvt", "would it show on xrays"):
        assert router.route(question).status == "not-covered", question
    assert router.route("am i more likely to get one if i smoke").kind == "causes"


def test_flying_or_driving_after_a_clot_is_not_covered_however_it_is_asked():
    """The articles say nothing of flying or driving with a clot, its danger, or a date for it ("next month",
    "three months after" is a time, not the lasting effects); a journey asked as a cause is still answered."""
    from voiceguide.answer.router import Router
    from voiceguide.content.content_model import load_content

    router = Router.for_content(load_content())
    for question in ("would flying be risky with a dvt", "is a plane trip next month ok after my clot",
                     "can i drive two months after a dvt", "could flying make the clot worse"):
        assert router.route(question).status == "not-covered", question
    assert router.route("can a long flight give you a clot").kind == "causes"


def test_two_named_medicines_side_by_side_are_not_covered_but_two_names_for_one_are_answered():
    """The articles name blood thinners but no brand or drug, nor drinking on them or when to wear stockings;
    "blood thinners" and "anticoagulants" are the documents' two names for one thing, and that is answered."""
    from voiceguide.answer.router import Router
    from voiceguide.content.content_model import load_content

    router = Router.for_content(load_content())
    assert router.route("is there any difference between heparin and warfarin").status == "not-covered"
    for question in ("can he still drink when hes on warfarin",
                     "should i keep compression stockings on overnight"):
        assert router.route(question).status == "not-covered", question
    same = router.route("what is the difference between blood thinners and anticoagulants")
    assert same.kind == "treatment"


def test_fillers_and_word_families_do_not_hide_what_is_asked():
    """"What even is it" asks what it is; "afterwards" is "after"; "everybody" is "people"."""
    from voiceguide.answer.router import Router
    from voiceguide.content.content_model import load_content

    router = Router.for_content(load_content())
    assert router.route("so what even is a dvt").kind == "overview"
    route = router.route("will my calf ever be the same afterwards")
    assert route.status == "answer" and route.kind == "complications", route.status
    assert router.route("does everybody get symptoms").kind == "symptoms"


def test_a_lay_phrase_for_the_documents_words_keeps_a_question_in_scope():
    """"Dark skin" is the documents' "darker skin tones": with a symptom word it is a clot question, though
    "dark" alone is a word the documents never use."""
    from voiceguide.answer.router import Router
    from voiceguide.content.content_model import load_content

    router = Router.for_content(load_content())
    for question in ("can you spot the redness on black skin", "does discoloration show on dark skin"):
        route = router.route(question)
        assert route.topic == "blood-clot-buttocks.symptoms", (question, route.status, route.topic)
    assert router.route("why does my dark skin get red in the sun").status == "out-of-scope"


def test_a_word_as_wide_as_the_leg_gives_way_to_a_place_named():
    """"Leg" names the knee's article only when no other place is named: beside the buttocks it is where a
    buttock clot's swelling reaches, or what clots are usually thought of."""
    from voiceguide.answer.router import Router
    from voiceguide.content.content_model import load_content

    router = Router.for_content(load_content())
    assert router.understand("does the swelling from a bum clot go down the leg").location == "buttocks"
    assert router.understand("are clots in the glutes rarer than in the legs").location == "buttocks"
    assert router.understand("can i get a clot in my leg").location == "behind-knee"
    assert router.understand("is a clot in the calf worse than in the buttock").location is None


def test_a_subject_left_behind_is_cut_from_what_was_heard():
    """"Forget the clots, ...": the clots are named only to be left, so what is understood is the rest, and
    the Query says a new subject began (the conversation forgets the place and kind asked before)."""
    from voiceguide.answer.router import Router
    from voiceguide.content.content_model import load_content

    router = Router.for_content(load_content())
    left = router.understand("forget about the clots, will it rain at the weekend")
    assert left.new_subject and "clot" not in left.heard and left.heard.endswith("weekend")
    assert not router.understand("can i forget my tablets for a day with a clot").new_subject


def test_getting_rid_of_them_is_treatment_and_giving_you_one_is_a_cause():
    """"How do you get rid of them" asks for treatment, though "how do you get" opens a cause question;
    "can X give you one" asks whether X causes one."""
    from voiceguide.answer.router import Router
    from voiceguide.content.content_model import load_content

    router = Router.for_content(load_content())
    assert router.route("how do doctors get rid of these").kind == "treatment"
    assert router.route("can sitting on a long coach trip give someone one").kind == "causes"


def test_it_with_only_the_documents_words_is_about_the_subject():
    """"Does it hurt when you walk": with "it", the documents' own words make the question theirs; a word
    they never use ("rain") does not."""
    from voiceguide.answer.router import Router
    from voiceguide.content.content_model import load_content

    router = Router.for_content(load_content())
    assert router.route("does it hurt when you walk").kind == "symptoms"
    assert router.route("what makes it rain").status == "out-of-scope"
    assert router.route("why is it glowing").status == "out-of-scope"


def test_long_phrase_lists_match_as_short_ones_do():
    """A long list's folded forms are kept per list object: the answer is the same as folding each phrase,
    in the list's order, and a list that grows is folded again."""
    from voiceguide.answer.phrases import any_of, any_of_each

    phrases = [f"word{i} here" for i in range(100)] + ["a  clot", "behind the knee", "knee"]
    text = "is a clot behind the knee bad"
    assert any_of(text, phrases) == ["a  clot", "behind the knee", "knee"]
    phrases.append("bad")
    assert any_of(text, phrases)[-1] == "bad"
    assert any_of_each(text, ["knee"], phrases[:3], ("is a",)) == ["knee", "is a"]


@given(
    st.lists(st.sampled_from(_WORDS), max_size=16).map(" ".join),
    st.dictionaries(
        st.sampled_from(["a", "b", "c"]),
        st.lists(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=4).map(" ".join), max_size=80),
    ),
)
@settings(max_examples=200, deadline=None)
def test_one_index_over_many_lists_finds_what_each_list_finds(text, lists):
    """The intents' phrases are looked up in one pass: every list must get exactly the hits it gets alone,
    short lists and long ones (over 64, looked up from the text's side) alike."""
    from voiceguide.answer.phrases import PhraseIndex, find_all

    found = PhraseIndex(lists).find(text)
    assert found == {name: find_all(text, phrases) for name, phrases in lists.items()}


def test_how_sure_a_test_is_and_how_big_a_clot_gets_are_not_covered():
    """The articles name the tests but not how often they miss, and give no sizes."""
    from voiceguide.answer.router import Router
    from voiceguide.content.content_model import load_content

    router = Router.for_content(load_content())
    for question in ("could the ultrasound miss my dvt", "is a venogram reliable",
                     "how large do clots get in the buttocks"):
        assert router.route(question).status == "not-covered", question
    assert router.route("what tests find a clot").kind == "diagnosis"



def test_a_real_word_is_not_repaired_into_a_document_word(content):
    """Fuzzy repair is for near-misses ("symtoms"); "raining" is no misheard "raising", and the weather is not
    a clot's cause."""
    for question in ("why is it raining", "why is it snowing"):
        reply = Conversation(content).handle(question)
        assert reply.topic is None and reply.answer == OUT_OF_SCOPE, (question, reply.answer)


# 160 questions about other things, written to be hard for a keyword router (other illnesses that share its
# words, everyday questions with "swelling", "flight" or "treat", "it" and "one" standing for something else,
# garbled speech); kept as a regression set once its failures were fixed: none may get clot content.
LOOK_ALIKES = yaml.safe_load((Path(__file__).parent / "questions_out_of_scope.yaml").read_text())


def test_look_alike_questions_about_other_things_get_no_clot_content(content):
    sentences = [s for section in content.sections for s in section.sentences]
    assert len(LOOK_ALIKES) == 167
    answered = []
    for item in LOOK_ALIKES:
        reply = Conversation(content).handle(item["q"])
        if reply.topic is not None or any(s in reply.answer for s in sentences):
            answered.append((item["q"], reply.answer[:80]))
    assert not answered
