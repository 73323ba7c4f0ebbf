"""A conversation as a person has it: answers for the ear, commands, follow-ups, urgent advice first."""

from __future__ import annotations

import json

import pytest

from tests.answer_scoring import content_words
from tests.conftest import reply_after
from voiceguide.answer import messages
from voiceguide.answer.commands import Command
from voiceguide.answer.conversation import (
    DISCLAIMER,
    MORE_HINT,
    OUT_OF_SCOPE,
    Conversation,
    emergency_instruction,
)
from voiceguide.answer.reply import ReplyStatus
from voiceguide.answer.router import RouteStatus
from voiceguide.answer.triage import Urgency


def test_answer_is_short_names_its_source_and_comes_from_the_document(conversation, content):
    reply = conversation.handle("what are the symptoms of a blood clot behind the knee")
    section = content.section("blood-clot-behind-knee.symptoms")
    # It leads with the sentence that names symptoms, not with "The symptoms ... can vary from person to
    # person".
    assert reply.answer.startswith(section.sentences[1])
    assert section.sentences[0] not in reply.answer
    assert content_words(reply.answer, reply.sources) <= 40
    assert "From the article 'What Are the Symptoms of a Blood Clot Behind the Knee'." in reply.answer
    assert reply.sources == ("What Are the Symptoms of a Blood Clot Behind the Knee?",)


def test_the_sentence_that_answers_leads(content):
    def first(question: str, *before: str) -> str:
        conversation = Conversation(content)
        for said in before:
            conversation.handle(said)
        return conversation.handle(question).answer

    assert first("can a clot behind the knee change the colour of my skin").startswith(
        "Other symptoms may include discoloration of the skin"
    )
    assert first("why would i get a clot in my buttocks").startswith("Extended periods of immobility")
    assert first("can a blood clot behind the knee kill you").startswith(
        "In some cases, a blood clot behind the knee can be fatal"
    )
    assert first("can hrt cause a clot in the buttocks").startswith("Hormonal influences")
    # "This can be caused by ..." is never said without the sentence it refers to.
    causes = first("what causes a blood clot behind the knee")
    assert causes.startswith("Blood clots behind the knee occur when")
    assert "This can be caused by a number of factors" in causes


def test_no_answer_opens_with_a_dangling_reference(content):
    from voiceguide.answer.reference import opens_with_reference

    for question in [
        "is it dangerous", "what are the risks of a clot behind the knee", "how do i prevent a clot",
        "what types of clots happen in the buttocks", "is a clot in the buttocks serious",
    ]:
        answer = Conversation(content).handle(question).answer
        opening = answer.split(": ", 1)[1] if answer.startswith("For a ") else answer
        assert not opens_with_reference(opening), (question, answer)


def test_kinds_are_routed_to_the_section_that_answers(content):
    def topic(question: str) -> str | None:
        return Conversation(content).handle(question).topic

    assert topic("what are the complications of a clot in the buttocks") == (
        "blood-clot-buttocks.complications"
    )
    assert topic("what's the worst that can happen with a clot behind the knee").startswith(
        "blood-clot-behind-knee.")
    assert content.section(topic("what's the worst that can happen with a clot behind the knee")).about == (
        "complications")
    assert content.section(topic("how do i keep clots from coming back in my legs")).about == "prevention"


def test_worried_questions_are_answered_from_the_documents(content):
    what_to_do = Conversation(content).handle("what should i do")
    assert "seek medical attention" in what_to_do.answer or "medical evaluation" in what_to_do.answer
    er = Conversation(content).handle("when to see a doctor for a clot behind the knee")
    assert "seek medical attention as soon as possible" in er.answer
    # Asked about their own clot, a person gets the see-a-doctor advice and the next step.
    mine = Conversation(content).handle("should i go to the er with a clot behind my knee")
    assert mine.urgency is Urgency.SEE_DOCTOR and messages.next_after_see_doctor() in mine.answer
    away = Conversation(content).handle("will a blood clot go away on its own")
    assert "natural processes work to dissolve them over time" in away.answer
    untreated = Conversation(content).handle("what happens if a clot behind the knee is not treated")
    assert untreated.topic.startswith("blood-clot-behind-knee.")
    assert "untreated" in untreated.answer or "not treated" in untreated.answer
    for question in ("will it go away", "is it serious", "what should i do", "should i go to the hospital"):
        reply = Conversation(content).handle(question)
        assert reply.answer != OUT_OF_SCOPE and reply.status not in (
            "not-understood", "out-of-scope"
        ), question


def test_what_should_i_do_after_advice_repeats_it_and_says_what_next(content):
    conversation = Conversation(content)
    conversation.handle("my calf is swollen and red")
    reply = conversation.handle("what should i do")
    assert reply.urgency is Urgency.SEE_DOCTOR
    assert reply.answer.startswith(messages.text("see_doctor") + " " + content.urgent["see-doctor"][0].text)
    assert messages.next_after_see_doctor() in reply.answer
    conversation = Conversation(content, emergency_number="112")
    conversation.handle("i have chest pain")
    assert conversation.handle("what do i do now").answer.startswith(
        "This could be an emergency. Call 112 now."
    )


def test_what_the_documents_do_not_cover_is_said_plainly(content):
    for question in ("how long does it take to recover from a blood clot", "can i fly with a blood clot",
                     "can i drink alcohol with a clot in my leg"):
        reply = Conversation(content).handle(question)
        assert reply.answer == messages.text("not_covered"), question
        assert reply.topic is None


def test_emergency_answer_is_short_and_more_gives_the_answer(content):
    conversation = Conversation(content)
    reply = conversation.handle("my leg is swollen and now i have chest pain")
    assert reply.answer.startswith(emergency_instruction() + " " + content.urgent["emergency"][0].text)
    assert len(reply.answer.split()) <= 45
    more = conversation.handle("more").answer
    assert "Common symptoms include pain, swelling, warmth, and redness" in more
    assert "From the article" in more
    assert len(Conversation(content, emergency_number="112").handle("i can't breathe").answer.split()) <= 45


def test_disclaimer_is_said_once_per_conversation(conversation):
    first = conversation.handle("what causes a blood clot behind the knee")
    second = conversation.handle("how is a blood clot in the buttocks treated")
    assert DISCLAIMER in first.answer
    assert DISCLAIMER not in second.answer


def test_emergency_advice_comes_first(conversation, content):
    reply = conversation.handle("my leg is swollen and now i have chest pain")
    assert reply.urgency is Urgency.EMERGENCY
    assert reply.answer.startswith(emergency_instruction())
    assert content.urgent["emergency"][0].text in reply.answer


def test_emergency_number_is_configurable(content):
    reply = Conversation(content, emergency_number="112").handle("i can't breathe")
    assert reply.answer.startswith("This could be an emergency. Call 112 now.")
    assert reply.topic is None


def test_see_doctor_advice_first(conversation, content):
    reply = conversation.handle("my calf is swollen and red")
    assert reply.urgency is Urgency.SEE_DOCTOR
    assert reply.answer.index(content.urgent["see-doctor"][0].text) < reply.answer.index("symptoms")


def test_more_gives_the_rest_then_says_it_is_done(conversation, content):
    first = conversation.handle("what causes blood clots in the buttocks").answer
    section = content.section("blood-clot-buttocks.causes")
    heard = [first]
    for _ in range(6):
        reply = conversation.handle("tell me more")
        assert reply.command is Command.MORE
        heard.append(reply.answer)
    joined = " ".join(heard)
    for sentence in section.sentences:
        assert joined.count(sentence) == 1, sentence
    assert "That's everything" in heard[-1]


@pytest.mark.parametrize(
    "said", ["anything else", "is there anything else", "what else is there", "any others", "any more"]
)
def test_asking_for_anything_else_is_asking_for_more(content, said):
    conversation = Conversation(content)
    conversation.handle("what are the symptoms of a clot in the buttocks")
    reply = conversation.handle(said)
    assert reply.command is Command.MORE and reply.answer, said


def test_repeat_says_the_last_answer_again(conversation):
    answer = conversation.handle("how is a blood clot behind the knee diagnosed").answer
    assert conversation.handle("say that again").answer == answer
    assert conversation.handle("repeat").answer == answer
    # Said as a person who missed it says it.
    assert conversation.handle("sorry, i didn't catch that").answer == answer
    # Said round about, as someone hard of hearing says it.
    assert conversation.handle("i'm so sorry love, i'm hard of hearing, can you repeat it").answer == answer
    # Near a saying in letters, but questions.
    assert conversation.handle("what is that").command is None
    assert conversation.handle("why was that").command is None


def test_shorter_says_the_first_sentence_of_the_last_answer_as_written(conversation, content):
    said = conversation.handle("how do they find out if you have a clot behind your knee")
    reply = conversation.handle("could you make that shorter please")
    assert reply.command is Command.SHORTER
    assert said.answer.startswith(reply.answer) and len(reply.answer) < len(said.answer)
    sentences = {s for section in content.sections for s in section.sentences}
    assert any(reply.answer.endswith(s) for s in sentences), reply.answer
    assert reply.sources == said.sources
    # A sentence that leans on the first ("This can include ...") comes with it, or it would name nothing.
    conversation.handle("what stops you getting one")
    simpler = conversation.handle("simpler").answer
    assert simpler.count(". ") == 1 and simpler.split(". ")[1].startswith("This can include"), simpler


def test_shorter_after_urgent_advice_says_what_to_do(content):
    conversation = Conversation(content, emergency_number="112")
    conversation.handle("my chest went tight and i can hardly breathe, and my calf is swollen")
    assert conversation.handle("in a nutshell").answer == emergency_instruction("112")
    conversation = Conversation(content)
    conversation.handle("the back of my knee has been swollen and sore for three days")
    assert conversation.handle("too long").answer == messages.text("see_doctor")


def test_shorter_before_anything_was_said_and_inside_a_question(conversation):
    assert conversation.handle("shorter").answer == conversation.handle("repeat").answer
    # Inside a question, the words are the question's.
    reply = conversation.handle("what do they do to treat it, in a nutshell, for a clot in the buttocks")
    assert reply.command is None and reply.topic == "blood-clot-buttocks.treatment"
    assert conversation.handle("thrombosis in plain words").command is None


def test_an_apology_for_not_hearing_before_a_question_leaves_the_question(conversation):
    conversation.handle("how is a blood clot behind the knee diagnosed")
    assert "Doppler ultrasound" in conversation.handle("sorry which tests were they").answer


def test_follow_up_uses_the_place_of_the_last_question(conversation):
    assert conversation.handle("what are the symptoms of a clot behind the knee").topic.startswith(
        "blood-clot-behind-knee"
    )
    assert conversation.handle("how is it treated").topic == "blood-clot-behind-knee.treatment"
    assert conversation.handle("what about the buttocks").topic == "blood-clot-buttocks.treatment"


def test_a_follow_up_that_names_only_a_place_asks_the_last_question_again_there(content):
    # The specific thing asked (a fever) is kept, not only its kind.
    reply = reply_after(
        content, "does a clot in the bum ever give you a fever", "and what about behind the knee?"
    )
    assert reply.answer.startswith("In some cases, the clot may cause a fever or chills.")
    # After advice alone (no section answered), the place still carries the question over.
    reply = reply_after(content, "should i go to the doctor about a clot in my bum", "and behind the knee?")
    assert reply.urgency is Urgency.SEE_DOCTOR and reply.status != "out-of-scope"
    assert all(advice.text in reply.answer for advice in content.urgent["see-doctor"])


def test_they_and_it_in_a_follow_up_stand_for_what_was_just_asked_about(content):
    reply = reply_after(content, "are compression stockings any use for a knee clot", "how do they work")
    assert "They work by applying pressure to the leg" in reply.answer
    assert not reply.answer.startswith("They")  # said after the sentence that says what "they" are
    reply = reply_after(content, "could a clot behind my knee kill me", "how would it do that")
    assert "A blood clot can travel to the lungs and cause a pulmonary embolism" in reply.answer
    # Words with nothing in them are still not understood, context or not.
    reply = reply_after(content, "what are the symptoms of a clot behind the knee", "is that it")
    assert reply.status == "not-understood"


def test_the_answering_sentence_leads_even_from_another_section(content):
    # Routed among the types (superficial), answered among the symptoms (the lump).
    reply = reply_after(content, "does a superficial clot in the buttocks make a lump")
    assert reply.answer.startswith("For superficial clots, a visible, firm, or hard lump may be felt")
    # A yes/no question leads with the sentence that says yes in the document's words.
    reply = reply_after(content, "can you actually get a clot in the buttocks")
    assert reply.answer.startswith(
        "While most commonly associated with the legs, blood clots can occur in or affect the buttocks region"
    )
    # A promise ("a range of serious problems") is said with the sentence that spells it out.
    reply = reply_after(content, "what complications can a clot behind the knee lead to")
    assert "These can include pulmonary embolism" in reply.answer


def test_with_no_place_only_the_article_that_says_what_was_asked_answers(content):
    reply = reply_after(content, "does hormone replacement therapy raise the risk of clots")
    assert reply.answer.startswith("Hormonal influences")
    assert reply.sources == ("Can You Get a Blood Clot in Your Buttocks?",)


def test_uncovered_clot_questions_are_said_to_be_uncovered(content):
    for question in ["is a blood clot in my arm dangerous", "can i take ibuprofen for a clot behind the knee",
                     "can kids get a dvt", "is it safe to drive with a dvt"]:
        reply = reply_after(content, question)
        assert reply.status == "not-covered", (question, reply.answer)
        assert "don't cover" in reply.answer


def test_a_limb_gone_cold_and_pale_is_an_emergency_and_a_supposed_case_is_not_a_report(content):
    assert reply_after(content, "my calf has gone pale and cold").urgency is Urgency.EMERGENCY
    assert reply_after(content, "i think i'm about to pass out").urgency is Urgency.EMERGENCY
    supposed = reply_after(content, "would my calf swell up if i had a clot behind the knee")
    assert supposed.urgency is Urgency.NONE and supposed.topic == "blood-clot-behind-knee.symptoms"
    # "What can i do to ..." asks how, not what to do now.
    how = reply_after(content, "what can i do to avoid getting clots in my legs")
    assert how.urgency is Urgency.NONE and how.topic.endswith("prevention")


def test_unspecified_place_gets_a_combined_answer_and_can_be_narrowed(conversation):
    reply = conversation.handle("what are the symptoms of a blood clot")
    assert reply.topic == "general.symptoms"
    assert "For a clot behind the knee:" in reply.answer and "For a clot in the buttocks:" in reply.answer
    assert len(reply.sources) == 2
    assert conversation.handle("knee").topic == "blood-clot-behind-knee.symptoms"


def test_start_over_forgets_context(conversation):
    conversation.handle("what are the symptoms of a clot behind the knee")
    conversation.handle("start over")
    assert conversation.handle("how is it treated").topic == "general.treatment"


def test_help_lists_topics_and_commands(conversation):
    reply = conversation.handle("what can i ask")
    assert reply.command is Command.HELP
    for word in ("symptoms", "treatment", "prevention", "behind the knee", "buttocks", "repeat", "slower"):
        assert word in reply.answer


def test_speech_setting_commands_and_goodbye_are_recognised(conversation):
    assert conversation.handle("slower please").command is Command.SLOWER
    assert conversation.handle("speak up").command is Command.LOUDER
    assert conversation.handle("quieter").command is Command.QUIETER
    assert conversation.handle("faster").command is Command.FASTER
    stop = conversation.handle("stop")
    assert stop.command is Command.STOP and stop.answer == ""
    assert conversation.handle("goodbye").command is Command.GOODBYE


@pytest.mark.parametrize("said", [
    "thanks", "thank you very much", "thanks, that's really helpful", "cheers",
    # Relief said in thanks, longer than a command usually is.
    "okay, you've put my mind at rest", "oh thanks, what a relief",
])
def test_thanks_gets_a_welcome_and_keeps_the_conversation(conversation, said):
    conversation.handle("what is a venogram")
    reply = conversation.handle(said)
    assert reply.command is Command.THANKS and reply.topic is None
    assert reply.answer.startswith("You're welcome.")
    # What was said before stays: "repeat" says the venogram answer again.
    assert conversation.handle("repeat").topic is not None


def test_thanks_inside_a_question_is_not_a_command(conversation):
    reply = conversation.handle("thanks, and how is a clot behind the knee treated")
    assert reply.command is None and reply.topic is not None


def test_stop_inside_a_question_is_not_a_command(conversation):
    reply = conversation.handle("how can i stop a blood clot from forming")
    assert reply.command is None
    assert reply.topic is not None


def test_out_of_scope_medical_question(conversation):
    reply = conversation.handle("how do you treat a sunburn")
    assert reply.topic is None and reply.answer == OUT_OF_SCOPE


@pytest.mark.parametrize("said", [
    "so what is the time in new york", "best way to build up my glutes",
    "and is it going to snow in yorkshire this weekend",  # "it" and "and" join no clot question to it
])
def test_the_time_or_gym_work_after_a_clot_answer_is_another_subject(content, said):
    reply = reply_after(content, "what are the symptoms of a clot behind the knee", said)
    assert reply.topic is None and reply.answer == OUT_OF_SCOPE, said


def test_every_answer_sentence_comes_from_the_documents(content):
    """Besides the assistant's own messages (content/messages.yaml), every sentence spoken is a document
    sentence: first answers, "more", worried questions, advice."""
    places = [content.location_name(loc) for loc in content.lexicon["locations"]]
    fixed = messages.fixed_phrases() | {emergency_instruction(), DISCLAIMER, MORE_HINT}
    fixed |= {messages.text("say_more_for", topic=content.kind_label(k)) for k in content.lexicon["kinds"]}
    fixed |= {messages.text("place_intro", noun="clot", place=p) for p in places}
    fixed |= {messages.text("narrow", names=n) for n in ("knee or buttocks", "buttocks or knee")}
    fixed.add(messages.next_after_see_doctor())
    fixed |= {messages.source_line([d.title]) for d in content.documents.values()}
    fixed.add(messages.source_line([d.title for d in content.documents.values()]))
    fixed.add(messages.source_line([d.title for d in reversed(content.documents.values())]))
    allowed = {s for sec in content.sections for s in sec.sentences} | {
        a.text for v in content.urgent.values() for a in v
    }
    sessions = [
        ["what causes a blood clot behind the knee", "more"], ["is a clot in the buttocks dangerous", "more"],
        ["my leg is swollen and now i have chest pain", "more", "more"],
        ["how can i prevent a blood clot in my buttocks"], ["what are the symptoms of a blood clot", "more"],
        ["what should i do"], ["my calf is swollen", "what should i do", "more"], ["will it go away", "more"],
        ["is it dangerous"], ["can i fly with a blood clot"], ["what happens if a piece breaks off"],
    ]
    for session in sessions:
        conversation = Conversation(content)
        for said in session:
            rest = conversation.handle(said).answer
            for sentence in sorted(allowed | fixed, key=len, reverse=True):
                rest = rest.replace(sentence, "")
            assert not rest.strip(), f"{session!r} said something not from the documents: {rest!r}"


def test_everyday_activities_with_a_clot_are_not_covered_and_lend_no_scope(content):
    """"Can I go swimming with a DVT": the articles do not say, and that is said honestly; but "swimming"
    alone does not make a question about a sore knee one of ours."""
    not_covered = messages.text("not_covered")
    for question in ("can i go swimming with a dvt", "is it okay to play sport after a blood clot",
                     "should i put an ice pack on my clot", "how much anticoagulant do people take",
                     "are blood thinner injections painful", "can you catch a clot off someone else"):
        assert reply_after(content, question).answer == not_covered, question
    assert reply_after(content, "what causes knee pain after swimming").status == "out-of-scope"


@pytest.mark.parametrize("said", [
    "what's the difference between a blood clot and a sprain", "could you tell a dvt from a bruise",
    "how would you know if it was sciatica or a clot",
])
def test_telling_a_clot_from_a_look_alike_is_not_covered(content, said):
    assert reply_after(content, said).answer == messages.text("not_covered"), said


@pytest.mark.parametrize("said", ["would a hot water bottle on my calf help", "is it worth icing my calf"])
def test_care_of_a_leg_the_articles_do_not_speak_of_is_not_covered(content, said):
    reply = reply_after(content, said)
    assert reply.urgency is Urgency.NONE and reply.answer == messages.text("not_covered"), said


def test_what_to_do_one_question_after_reporting_signs_is_still_the_see_a_doctor_advice(content):
    reply = reply_after(
        content, "the back of my thigh has been red and sore since sunday", "what causes a clot in the leg",
        "right so what should i do",
    )
    assert reply.urgency is Urgency.SEE_DOCTOR and reply.answer.startswith(messages.text("see_doctor"))


@pytest.mark.parametrize("said", [
    ["can a dvt make you feel exhausted"], ["could his superficial thrombophlebitis turn into a dvt"],
    ["what causes a clot behind the knee", "should i use ice or heat on it"],
])
def test_signs_they_never_name_and_changes_they_never_describe_are_not_covered(content, said):
    assert reply_after(content, *said).answer == messages.text("not_covered"), said


@pytest.mark.parametrize("said", ["my husband called me a clot, what does he mean",
                                  "my back has been sore all week, what helps"])
def test_being_called_a_clot_or_a_sore_back_is_another_subject(content, said):
    reply = reply_after(content, said)
    assert reply.topic is None and reply.answer == OUT_OF_SCOPE, said


@pytest.mark.parametrize("said", [
    "i've got all of them since friday", "yes i have got all of those in my calf",
    "she's got all of that down her left side now", "we have got these all",
])
def test_saying_one_has_the_signs_just_heard_is_see_a_doctor(content, said):
    reply = reply_after(content, "what are the signs of a clot in the bum", said)
    assert reply.urgency is Urgency.SEE_DOCTOR, said


@pytest.mark.parametrize("said", [
    ["what is the difference between a pulled muscle and a blood clot"],
    ["could shin splints ever lead to a dvt"], ["is arthritis a sign of a clot"],
    ["can a clot need surgery", "what type of operation would it be"],
    ["which blood thinner is the better one"], ["why does your weight affect the risk of a dvt"],
    ["can getting older make a clot more likely", "how come age does that"],
    ["which type of consultant treats a dvt"], ["should she lie down or keep active with her clot"],
    ["when can she start dancing again after a clot"],
])
def test_look_alikes_details_and_reasons_the_articles_never_give_are_not_covered(content, said):
    assert reply_after(content, *said).answer == messages.text("not_covered"), said


def test_how_soon_just_after_the_see_a_doctor_advice_keeps_it(content):
    reply = reply_after(
        content, "the back of my knee is red and tender, do i need a doctor", "how quickly then"
    )
    assert reply.urgency is Urgency.SEE_DOCTOR


@pytest.mark.parametrize(("said", "topic"), [
    (["my leg is swollen and sore, should i get it checked", "what'll the doctor do to find it"],
     "blood-clot-behind-knee.diagnosis"),
    (["mum has had her hip done, can that cause a clot in the leg", "so how will we know whether she has it"],
     "blood-clot-behind-knee.symptoms"),
])
def test_what_will_they_do_and_how_we_would_know_are_tests_and_signs(content, said, topic):
    assert reply_after(content, *said).topic == topic, said


def test_cramp_after_a_clot_answer_is_another_subject(content):
    reply = reply_after(content, "does a clot make the leg ache", "and what about cramp, is that dangerous")
    assert reply.topic is None and reply.answer == OUT_OF_SCOPE


def test_conditions_near_the_subject_are_not_covered_rather_than_out_of_scope(content):
    not_covered = messages.text("not_covered")
    for question in (
        "what are varicose veins", "is a bakers cyst the same as a clot", "what is thrombophilia"
    ):
        assert reply_after(content, question).answer == not_covered, question
    # A cause the documents name is answered, though "heart" alone is a place they do not cover.
    assert reply_after(content, "does heart disease make clots more likely").answer.startswith(
        "Certain medical conditions"
    )


def test_a_possessive_is_its_noun(content):
    for said in ("my calf's swollen and warm", "gran's ankle's gone puffy and warm since she came home"):
        assert reply_after(content, said).urgency is Urgency.SEE_DOCTOR, said


def test_another_place_after_a_clot_question_is_not_covered(content):
    reply = reply_after(content, "what are the symptoms of a clot in the buttocks", "what about my wrist")
    assert reply.answer == messages.text("not_covered")


def test_other_in_a_follow_up_asks_past_what_was_just_said(content):
    first = reply_after(content, "what is a venogram")
    assert "venogram" in first.answer
    reply = reply_after(content, "what is a venogram", "what other tests can they do")
    assert not reply.answer.startswith("In some cases, they may also recommend a venogram")
    assert "Doppler ultrasound" in reply.answer


def test_the_place_asked_about_answers_in_its_own_words(content):
    """The knee article says "fatal", the buttocks article "life-threatening": a question about the buttocks
    hears the buttocks article."""
    reply = reply_after(content, "could a clot in my backside be fatal")
    assert reply.sources == ("Can You Get a Blood Clot in Your Buttocks?",), reply.answer
    assert "life-threatening" in reply.answer


def test_see_doctor_advice_is_not_said_twice_and_leaves_room_for_the_answer(content):
    reply = reply_after(content, "my bum is sore, what would the doctor do first")
    advice = content.urgent["see-doctor"][0].text
    assert reply.urgency is Urgency.SEE_DOCTOR
    assert reply.answer.count(advice) == 1
    assert "A healthcare provider begins with a physical examination" in reply.answer


def test_signs_no_place_article_lists_are_found_where_a_document_names_them(content):
    """No symptoms section names the signs of a clot in the lungs; the sentence that does (shortness of
    breath, chest pain) answers."""
    reply = reply_after(content, "what signs show a clot has travelled to the lungs")
    assert "shortness of breath or chest pain" in reply.answer.split("From the article")[0]


def test_a_short_word_is_not_repaired_into_one_with_another_first_letter(content):
    from voiceguide.answer.router import Router

    assert "pain" not in Router.for_content(content).understand("can i go to spain with a clot").text.split()


def test_a_kind_word_outweighs_another_kinds_cue(content):
    assert reply_after(content, "can i prevent a clot by giving up smoking").topic.endswith(".prevention")
    # "cause" asks for an effect as often as for a cause, so it does not outweigh a symptom.
    assert reply_after(content, "could a clot make my bottom ache").topic.endswith(".symptoms")


def test_statuses_are_enums_that_read_as_their_text(conversation):
    """Route and reply statuses are enums, and still the plain words in JSON and in comparisons."""
    answered = conversation.handle("what are the symptoms of a blood clot behind the knee")
    command = conversation.handle("help")
    lost = conversation.handle("what is the capital of france")
    assert answered.status is ReplyStatus.ANSWER and answered.status == "answer"
    assert command.status is ReplyStatus.COMMAND
    assert isinstance(lost.status, ReplyStatus) and lost.status in ("out-of-scope", "not-understood")
    assert json.dumps([answered.status, command.status]) == '["answer", "command"]'
    route = conversation.router.route("what are the symptoms of a blood clot behind the knee")
    assert route.status is RouteStatus.ANSWER and json.dumps(route.status) == '"answer"'


def test_a_continuation_keeps_what_was_asked_and_takes_its_own_words(content):
    """"And if the tablets do not work" after a treatment answer asks about treatment still; its own words
    ("do not work") choose the sentence about worse cases."""
    conv = Conversation(content)
    conv.handle("how do they treat a clot behind my knee")
    reply = conv.handle("and if the tablets do not work")
    assert reply.topic == "blood-clot-behind-knee.treatment"
    assert "In some cases, surgery may be necessary" in reply.answer
    conv = Conversation(content)
    conv.handle("are clots near the surface of the skin in the buttocks serious")
    reply = conv.handle("and what about the deep ones")
    assert reply.topic == "blood-clot-buttocks.complications", reply.answer


def test_a_follow_up_keeps_the_place_unless_its_words_are_said_elsewhere(content):
    """A place kept from the last question weighs less than one said: pregnancy is named among the buttocks'
    causes, so that is where "and pregnancy" is answered after the knee's causes. A
    question that only asks ("what would happen then") is about what was just answered."""
    conv = Conversation(content)
    conv.handle("why do clots form behind the knee")
    reply = conv.handle("and pregnancy")
    assert reply.topic == "blood-clot-buttocks.causes" and "pregnancy" in reply.answer
    conv = Conversation(content)
    conv.handle("can a piece of a clot behind my knee break off and reach my lungs")
    reply = conv.handle("what would happen then")
    assert reply.topic is not None and reply.topic.endswith(("complications", "fatal")), reply.topic


def test_clot_care_the_articles_do_not_name_is_not_covered(content):
    """Which blood thinner by name or for a baby, where to get stockings, a treatment named in words the
    articles lack, or a habit folk say brings on a clot: the honest "not covered", never a section and never
    "I can't help"."""
    for question in ("which tablets will they give me for my clot", "what blood thinner do they use",
                     "what is an inferior vena cava filter",
                     "im expecting which anticoagulant is ok for baby",
                     "do water pills raise the risk of a dvt", "where would i get a pair of the stockings",
                     "can cracking my knuckles cause a clot",
                     "is it bad for clots to sit with my legs crossed",
                     "could this be shin splints rather than a clot"):
        reply = Conversation(content).handle(question)
        assert reply.status == "not-covered", (question, reply.answer)
    # A meaning asked is still answered.
    assert Conversation(content).handle("what is a blood thinner").status in ("answer", "combined")


def test_is_it_serious_and_can_it_kill_are_answered_in_the_documents_words(content):
    """"Is it serious" is answered by the place's sentence that says "serious"; "can it kill" by the one that
    says "fatal"."""
    for question in ("is a clot at the back of my knee serious", "are clots behind the knee harmful",
                     "is a clot in the back of my leg risky"):
        serious = Conversation(content).handle(question)
        assert serious.topic.startswith("blood-clot-behind-knee."), question
        assert "serious" in serious.answer.split(".")[0], question
    deadly = Conversation(content).handle("could a clot behind my knee kill me")
    assert "fatal" in deadly.answer.split(".")[0]


def test_a_question_about_what_is_not_covered_is_still_not_covered(content):
    """After "the articles don't cover that", "and what is it called" refers to the same uncovered thing: the
    same honest reply, not "I can't help"; a new question is answered as usual."""
    conv = Conversation(content)
    assert conv.handle("which tablets will they give me for my clot").status == "not-covered"
    assert conv.handle("and what is it called").status == "not-covered"
    assert conv.handle("what are the symptoms of a clot behind the knee").status == "answer"


def test_the_signs_of_a_clot_in_the_lungs_just_named_are_its_signs(content):
    """"What are the main signs of one", just after what a PE is: the signs the documents give for it
    (sudden shortness of breath or chest pain), not a leg clot's; "of it" after a DVT is still the leg's."""
    reply = reply_after(content, "what's a pe", "what are the main signs of one")
    assert "suggest a pulmonary embolism" in reply.answer.split(". ")[0], reply.answer
    reply = reply_after(content, "what is a dvt", "what are the symptoms of it")
    assert "Common symptoms include pain" in reply.answer, reply.answer


def test_another_uncovered_thing_said_as_a_continuation_is_still_not_covered(content):
    """"And a heat pad", just after whether to ice a clot: no clot word of its own, but the same kind of
    care the articles never speak of, so not "I can't help"; alone it is not a clot question at all."""
    conv = Conversation(content)
    assert conv.handle("is it a good idea to ice my clot").status == "not-covered"
    assert conv.handle("and how about a heat pad").status == "not-covered"
    assert Conversation(content).handle("how about a heat pad").status == "out-of-scope"


def test_a_noun_said_as_a_continuation_may_keep_the_last_kind(content):
    """"And after an operation" after the causes: a treatment's word, but said as a continuation of the causes
    it asks whether that is a cause too; "and how do i stop it" asks anew."""
    reply = reply_after(content, "what causes clots behind the knee", "and after an operation")
    assert "surgical procedure" in reply.answer, reply.answer
    reply = reply_after(content, "what causes clots behind the knee", "and how do i stop that")
    assert reply.topic.endswith("prevention")


def test_does_it_still_need_a_doctor_is_answered_by_the_documents_advice_for_it(content):
    """"Does a shallow clot still need a doctor": the types section's "still require medical attention",
    found through the sentence before it that names superficial clots."""
    for question in ("does a shallow clot still need a doctor", "do superficial clots still need the gp"):
        reply = Conversation(content).handle(question)
        assert reply.answer.startswith("These are less severe than deep clots but still require medical"), (
            question, reply.answer)


def test_asking_whether_to_see_a_doctor_about_signs_gets_the_advice(content):
    """Asked in general ("a painful red calf"), not of "my" calf: still the see-a-doctor advice and the next
    step, since that is what the person is weighing up."""
    for question in ("is it worth seeing a doctor about a painful red calf",
                     "would the doctor want to check my leg if it is warm and swollen"):
        reply = Conversation(content).handle(question)
        assert reply.urgency is Urgency.SEE_DOCTOR, question
        assert messages.next_after_see_doctor() in reply.answer, question


def test_lay_shapes_of_onset_variation_help_and_worry_reach_the_sentence(content):
    """Word families, not one wording: "out of the blue" / "bit by bit" are the documents' suddenly and
    gradually; "is it the same for everybody" is what varies from person to person; "can they help with"
    after a treatment asks about that treatment; "so big a deal" asks how serious."""
    reply = reply_after(content, "what are the signs of a clot in the buttocks",
                        "does the ache start out of the blue or build up bit by bit")
    assert "appear suddenly or develop gradually" in reply.answer, reply.answer
    reply = Conversation(content).handle("do all people feel the same thing with these")
    assert "vary from person to person" in reply.answer, reply.answer
    reply = reply_after(content, "what do compression stockings do", "can they help ease the swelling")
    assert "manage swelling" in reply.answer, reply.answer
    reply = Conversation(content).handle("why are the deep ones so big of a deal")
    assert "serious concern" in reply.answer, reply.answer


def test_is_it_serious_after_a_named_type_is_answered_by_the_types(content):
    """"How worrying is it" after superficial clots: the types section says they are less severe than deep
    ones. After the types in general, "is that the bad kind" asks which one is, and the complications say."""
    reply = reply_after(content, "tell me about superficial clots", "how worrying is that")
    assert "less severe than deep clots" in reply.answer, reply.answer
    reply = reply_after(content, "which types of clot happen in the buttocks", "is that the bad kind")
    assert "more concerning" in reply.answer or "serious concern" in reply.answer, reply.answer


def test_how_far_a_sign_reaches_is_a_symptom_question(content):
    """"Can the swelling run down into the thigh": where a sign reaches is in the symptoms, not the clot
    travelling to the lungs."""
    reply = Conversation(content).handle("with a clot in the buttock does the swelling extend down my leg")
    assert "extending down the leg" in reply.answer, reply.answer
    reply = Conversation(content).handle("can a clot spread to my lungs")
    assert "lungs" in reply.answer.split(".")[0] or "pulmonary embolism" in reply.answer, reply.answer


def test_whether_a_test_hurts_is_honestly_not_covered(content):
    """The articles name the tests but not how they feel: "is the MRI painful", and "will it hurt" right
    after a test was described. "Does it hurt" after the symptoms is still about the clot."""
    assert Conversation(content).handle("is the mri going to be painful").status == "not-covered"
    conversation = Conversation(content)
    conversation.handle("what is a d dimer test")
    assert conversation.handle("will it hurt").status == "not-covered"
    conversation = Conversation(content)
    conversation.handle("what are the signs of a clot behind the knee")
    assert "pain" in conversation.handle("will it hurt").answer


def test_why_a_clot_does_not_go_away_is_answered_by_why_clots_fail_to_dissolve(content):
    """"Why won't my body clear it": the overview says clots can fail to dissolve; "will it go away" is
    still the go-away question, answered by treatment."""
    reply = Conversation(content).handle("why will not the body just clear a clot")
    assert "fail to dissolve" in reply.answer, reply.answer
    assert Conversation(content).handle("will it go away on its own").topic != "blood-clot-buttocks.overview"


def test_heavy_said_of_a_person_is_their_weight(content):
    """"Being heavy" is being overweight (the documents' obesity); a heavy leg is still heaviness."""
    reply = Conversation(content).handle("does being heavy raise the chances of a clot in the buttocks")
    assert "obesity" in reply.answer, reply.answer
    reply = Conversation(content).handle("my calf feels heavy and swollen")
    assert "heaviness" in reply.answer or reply.urgency.value != "none", reply.answer


@pytest.mark.parametrize("follow_up", [
    "she seems better now is she alright", "could it be the clot", "he takes warfarin so is he ok",
    "they diagnosed a dvt in her leg on monday, could that be why",
    "can it hang on until monday or should i go to hospital",
    "should we just let her rest and see if it passes",
])
def test_right_after_an_emergency_a_follow_up_hears_the_emergency_advice_again(content, follow_up):
    reply = reply_after(content, "my mum's calf is swollen and she is suddenly short of breath", follow_up)
    assert reply.urgency is Urgency.EMERGENCY and reply.answer.startswith(emergency_instruction()), follow_up


@pytest.mark.parametrize(("first", "follow_up"), [
    ("my dad has a dvt and he's fighting for breath", "and now he's gone all muddled and clammy"),
    ("my calf has been red and puffy since the weekend", "now i've come over sweaty and grey"),
])
def test_after_advice_a_sign_that_may_be_the_lungs_is_an_emergency(content, first, follow_up):
    """A clot is suspected once signs were described, so a cold sweat is what it would be beside a swollen
    leg: the clot may have reached the lungs."""
    reply = reply_after(content, first, follow_up)
    assert reply.urgency is Urgency.EMERGENCY and reply.answer.startswith(emergency_instruction()), follow_up


def test_a_cold_sweat_with_no_signs_described_is_no_emergency(content):
    assert reply_after(content, "i get sweaty and grey when i run").urgency is Urgency.NONE


@pytest.mark.parametrize("follow_up", ["play some music", "what is sciatica"])
def test_something_else_after_an_emergency_is_out_of_scope(content, follow_up):
    assert reply_after(content, "i suddenly cannot breathe", follow_up).urgency is Urgency.NONE, follow_up


def test_a_kind_of_question_after_an_emergency_is_answered(content):
    reply = reply_after(content, "i suddenly cannot breathe", "what are the symptoms of a clot in the bum")
    assert reply.urgency is Urgency.NONE


@pytest.mark.parametrize("follow_up", ["but it's only a little bit swollen", "surely it's not that bad"])
def test_playing_the_signs_down_keeps_the_see_a_doctor_advice(content, follow_up):
    reply = reply_after(content, "the back of my knee is puffy and aching", follow_up)
    assert reply.urgency is Urgency.SEE_DOCTOR, follow_up


@pytest.mark.parametrize("turns", [
    ("what are the signs of a clot in the calf", "what do i do if i have those"),
    ("would a clot behind the knee make it red", "do i need to see a doctor about that"),
    ("how does a clot in the bum feel", "yeah thats what im getting what should i do"),
])
def test_what_to_do_about_the_signs_just_heard_is_to_see_a_doctor(content, turns):
    assert reply_after(content, *turns).urgency is Urgency.SEE_DOCTOR, turns


def test_asking_whether_to_see_a_doctor_about_a_leg_gone_bluish_gets_the_advice(content):
    """A colour word the router did not know once made the whole question someone else's subject."""
    reply = Conversation(content).handle("do i need the gp if my thigh is heavy and a bit blueish")
    assert reply.urgency.value == "see-doctor"


@pytest.mark.parametrize("turns", [
    ("what causes a clot behind the knee", "should i see a doctor if my calf is red and sore"),
    ("how do they test for a clot", "do i need the gp, my thigh has gone hot and puffy"),
])
def test_asking_what_to_do_about_signs_after_another_answer_still_gets_the_advice(content, turns):
    """Just after the causes, "what should i do" asks what can be done about them; with signs of one's own
    described, it asks whether to see a doctor."""
    assert reply_after(content, *turns).urgency is Urgency.SEE_DOCTOR, turns


def test_asking_what_else_to_do_just_after_the_emergency_advice_keeps_it_first(content):
    """A bare "what else" is the command for more (the emergency answer offers the warning signs); asking what
    else to do must not trade the advice for them."""
    reply = reply_after(content, "my leg is swollen and i have chest pain", "what else should i do")
    assert reply.urgency is Urgency.EMERGENCY, reply.answer


def test_asking_whether_a_doctor_should_look_at_signs_just_told_is_see_a_doctor(content):
    reply = reply_after(content, "my calf has a hard sore lump", "is that something the gp ought to look at")
    assert reply.urgency is Urgency.SEE_DOCTOR, reply.answer


def test_asking_what_else_one_can_do_goes_on_with_what_was_just_answered(content):
    """"Is there anything else i could be doing", after how to keep clots away: more of the same kind of
    answer, not "I can't help"."""
    reply = reply_after(
        content, "how can i stop getting a clot in my leg", "is there anything else i could be doing"
    )
    assert reply.status == "answer" and reply.topic.endswith("prevention"), reply.answer


@pytest.mark.parametrize("turns", [
    ("i can feel a firm tender bump on my backside", "do we need to get a nurse to check it"),
    ("how would i know i had a clot in my leg", "my calf is just like that"),
    ("what would i notice with a clot in my bum", "yeah my right buttock's exactly like that"),
    ("what would i notice with a clot in my bum", "right well my left leg has got most of those"),
    ("what are the signs of a clot in the leg", "i've got a warm red patch there now"),
    # Signs told of the place just asked about, whatever was asked of it.
    ("i knocked my calf hard on a step, can that start a clot", "it's gone red and warm there now"),
    ("could a bad bruise on my bottom bring on a clot", "well it's swollen and tender there now"),
])
def test_signs_said_to_be_theirs_or_a_look_asked_for_in_other_words_is_see_a_doctor(content, turns):
    """"Should i get someone to look at it" asks for a doctor without naming one; "my calf is just like that",
    just after the signs, says they have them."""
    assert reply_after(content, *turns).urgency is Urgency.SEE_DOCTOR, turns


def test_how_that_works_just_after_an_answer_is_a_question_not_the_help_command(content):
    """"How does this work" asks for help; "how does that work", just after the stockings, asks how they
    work: a word that points back is no near-miss of one that points at VoiceGuide."""
    assert Conversation(content).handle("how does this work").command is Command.HELP
    reply = reply_after(content, "can wearing compression socks help a clot", "how does that work")
    assert reply.command is None and "applying pressure" in reply.answer, reply.answer
    reply = reply_after(content, "can wearing compression socks help a clot", "and how do they do that")
    assert "applying pressure" in reply.answer, reply.answer


@pytest.mark.parametrize("turns", [
    ("what are the signs of a clot in your leg", "ive got one of those in the back of my knee"),
    ("what does a superficial clot look like", "well i've got one of them on my thigh now"),
])
def test_suspecting_what_was_just_described_while_naming_a_place_is_see_a_doctor(content, turns):
    """To the router a place named just after an answer asks the last question of that place; "i've got one
    of those on my thigh" is a suspicion all the same."""
    assert reply_after(content, *turns).urgency is Urgency.SEE_DOCTOR, turns


@pytest.mark.parametrize("turns", [
    ("how long does a clot take to dissolve", "never mind the clots, what's a good remedy for hay fever"),
    ("what causes a dvt", "enough about clots, how do i get rid of a headache"),
])
def test_the_subject_left_behind_is_not_what_is_asked(content, turns):
    """"Enough about clots, what's good for a headache" names clots only to leave them."""
    reply = reply_after(content, *turns)
    sentences = [s for sec in content.sections for s in sec.sentences]
    assert reply.topic is None and not any(s in reply.answer for s in sentences), reply.answer
    reply = reply_after(content, turns[0], "enough about that, what are the signs of one in the bum")
    assert reply.topic.endswith("buttocks.symptoms"), reply.answer


@pytest.mark.parametrize("turns", [
    ("what raises the risk of a dvt", "should i see my gp then"),
    ("can a clot in the bum be dangerous", "does she need to go to a and e"),
    ("how is a clot treated", "do we have to take him to hospital"),
])
def test_asking_whether_to_be_seen_after_any_answer_gets_the_advice(content, turns):
    """Whether the person, or one they look after, should be seen is asked of their own worry, whatever was
    answered before; a kind of clot asked about is not a person ("does that type still need a doctor")."""
    assert reply_after(content, *turns).urgency is Urgency.SEE_DOCTOR
    kind = reply_after(
        content, "are there different types of clot", "does the surface type still need a doctor"
    )
    assert kind.urgency is Urgency.NONE, kind.answer
