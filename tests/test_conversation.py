"""A conversation as a person has it: answers for the ear, commands, follow-ups, urgent advice first."""

from __future__ import annotations

from voiceguide.commands import Command
from voiceguide.conversation import DISCLAIMER, OUT_OF_SCOPE, Conversation, emergency_instruction
from voiceguide.triage import Urgency


def test_answer_is_short_names_its_source_and_comes_from_the_document(conversation, content):
    reply = conversation.handle("what are the symptoms of a blood clot behind the knee")
    section = content.section("blood-clot-behind-knee.symptoms")
    assert reply.answer.startswith(section.short_text)
    assert 1 <= len(section.short) <= 3
    assert "What Are the Symptoms of a Blood Clot Behind the Knee" in reply.answer
    assert reply.sources == ("What Are the Symptoms of a Blood Clot Behind the Knee?",)


def test_disclaimer_is_said_once_per_conversation(conversation):
    first = conversation.handle("what causes a blood clot behind the knee")
    second = conversation.handle("how is a blood clot in the buttocks treated")
    assert DISCLAIMER in first.answer
    assert DISCLAIMER not in second.answer


def test_emergency_advice_comes_first_then_the_answer(conversation, content):
    reply = conversation.handle("my leg is swollen and now i have chest pain")
    assert reply.urgency is Urgency.EMERGENCY
    assert reply.answer.startswith(emergency_instruction())
    advice = content.urgent["emergency"][0].text
    assert reply.answer.index(advice) < reply.answer.index(content.section(reply.topic).short_text)


def test_emergency_number_is_configurable(content):
    reply = Conversation(content, emergency_number="112").handle("i can't breathe")
    assert reply.answer.startswith("This could be an emergency. Call 112 now.")
    assert reply.topic is None


def test_see_doctor_advice_first(conversation, content):
    reply = conversation.handle("my calf is swollen and red")
    assert reply.urgency is Urgency.SEE_DOCTOR
    assert reply.answer.index(content.urgent["see-doctor"][0].text) < reply.answer.index("symptoms")


def test_more_gives_the_rest_then_says_it_is_done(conversation, content):
    conversation.handle("what causes blood clots in the buttocks")
    section = content.section("blood-clot-buttocks.causes")
    heard = []
    for _ in range(6):
        reply = conversation.handle("tell me more")
        assert reply.command is Command.MORE
        heard.append(reply.answer)
    joined = " ".join(heard)
    for sentence in section.rest:
        assert sentence in joined
    assert "That's everything" in heard[-1]


def test_repeat_says_the_last_answer_again(conversation):
    answer = conversation.handle("how is a blood clot behind the knee diagnosed").answer
    assert conversation.handle("say that again").answer == answer
    assert conversation.handle("repeat").answer == answer


def test_follow_up_uses_the_place_of_the_last_question(conversation):
    assert conversation.handle("what are the symptoms of a clot behind the knee").topic.startswith("blood-clot-behind-knee")
    assert conversation.handle("how is it treated").topic == "blood-clot-behind-knee.treatment"
    assert conversation.handle("what about the buttocks").topic == "blood-clot-buttocks.treatment"


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


def test_stop_inside_a_question_is_not_a_command(conversation):
    reply = conversation.handle("how can i stop a blood clot from forming")
    assert reply.command is None
    assert reply.topic is not None


def test_out_of_scope_medical_question(conversation):
    reply = conversation.handle("how do you treat a sunburn")
    assert reply.topic is None and reply.answer == OUT_OF_SCOPE


def test_every_answer_sentence_comes_from_the_documents(content):
    """Besides the fixed assistant phrases, every sentence spoken is a document sentence."""
    from voiceguide.conversation import MORE_HINT

    fixed = {DISCLAIMER, MORE_HINT, emergency_instruction(), "Please see a doctor soon."}
    allowed = {s for sec in content.sections for s in sec.sentences} | {a.text for v in content.urgent.values() for a in v}
    for question in ["what causes a blood clot behind the knee", "is a clot in the buttocks dangerous",
                     "my leg is swollen and now i have chest pain", "how can i prevent a blood clot in my buttocks"]:
        answer = Conversation(content).handle(question).answer
        rest = answer
        for sentence in sorted(allowed | fixed, key=len, reverse=True):
            rest = rest.replace(sentence, "")
        rest = rest.split("From the article")[0]
        assert not rest.strip(), f"{question!r} said something not from the documents: {rest!r}"
