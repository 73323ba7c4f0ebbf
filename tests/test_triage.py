"""Triage decisions, including negation and the uncertain cases that must err toward safety."""

from __future__ import annotations

import pytest

from voiceguide.answer.router import Router
from voiceguide.answer.text import normalize
from voiceguide.answer.triage import Urgency, assess


@pytest.fixture(scope="module")
def judge(content):
    router = Router(content)
    return lambda text: assess(router.rewrite(text), content.lexicon["triage"])[0]


@pytest.mark.parametrize(
    "text",
    [
        "i have chest pain",
        "my chest hurts",
        "i can't breathe",
        "i cannot breathe properly",
        "trouble breathing",
        "sudden shortness of breath",
        "i'm coughing up blood",
        "he's coffin up blood",  # a recognizer's "coughing"
        "i have chess pains and my leg is swollen",  # a recognizer's "chest"
        "her chess has gone tight and her calf is puffy",
        "i do not know if i have chest pain",  # uncertainty keeps the emergency
        "not sure whether this is chest pain",
        "my leg is swollen but now i have chest pain",  # the negation is in another clause
        "is chest pain a sign of a clot",  # asked in general: advice anyway
        "my leg it's wouldn't and don't chest pain",  # a recognizer's stray "don't" is no denial
        # Words between the ones that matter, in either order.
        "i coughed up a little blood this morning",
        "there was blood when she coughed",
        "there was blood on the tissue after i coughed this morning",
        "he keeps passing out",
        "i feel like i'm going to black out",
        "my heart won't slow down",
        "i keep feeling dizzy and my leg is swollen",
        "my lips have gone blue",
        "i have blood in my phlegm",
        "i feel really weak and faint",
        # Everyday alone, a warning sign with a leg described: the clot may have reached the lungs.
        "i can't stop coughing and my calf is swollen",
        "i went all clammy and my leg is swollen",
        "sudden sharp pain in my ribs and my calf is swollen",
        "i get puffed out just walking to the kitchen",
        "i brought up a bit of blood when i coughed this morning",
        "i feel like i cannot get enough oxygen",
        "my mum is struggling to find her words",
        "i just feel something is seriously wrong and my calf is swollen",
        "since this morning he gets no air when he climbs the stairs",  # said as in many other languages
        # A "not" that denies how they feel, not the sign said after it.
        "i do not feel well, chest pain",
        "i have not felt right since yesterday, breathless",
        "i do not have much breath left after the stairs",
    ],
)
def test_emergency(judge, text):
    assert judge(text) is Urgency.EMERGENCY


@pytest.mark.parametrize(
    "text",
    [
        "i don't have chest pain",
        "no chest pain",
        "i am not short of breath",
        "without any shortness of breath",
        "what are the symptoms of a blood clot behind the knee",
        "how is a clot in the buttocks treated",
        "i have not coughed up any blood but my calf is sore",
        "she did not pass out",
        "is heart disease linked to clots",
        "how long should i wait before i get out of bed",
        "i have a cough and a cold",
        "can a clot in my leg make me cough",
        "the front tyre has no air in it",
    ],
)
def test_not_emergency(judge, text):
    assert judge(text) is not Urgency.EMERGENCY


@pytest.mark.parametrize(
    "text",
    [
        "my calf is swollen",
        "my leg is red and warm",
        "i have a painful lump in my buttock",
        "i think i have a blood clot",
        "i don't have chest pain but my knee is swollen",
        "my buttock is swollen and tender but i can breathe fine",
        # A carer's report, opened with a question of what to do.
        "should we take him to the gp, his calf is red and puffy",
        "do we need a doctor, mums thigh has gone hot and sore",
        # A leg gone a bit blue is the documents' discoloration.
        "my calf has turned slightly bluish",
        # Asked as whether it is normal: the person's own case.
        "is it normal for the leg that was operated on to be so swollen and tender",
        # The buttocks in the words people use for them.
        "his backside has come up puffy and hot",
        "my rear end is sore and red on one side",
        # What happened, then the signs it left, with no "i" or "my" said.
        "did a long drive yesterday and now one calf is puffy and warm",
        # The place said to have one.
        "i reckon his thigh might have a clot",
    ],
)
def test_see_doctor(judge, text):
    assert judge(text) is Urgency.SEE_DOCTOR


@pytest.mark.parametrize(
    "text",
    [
        "how do i know if i have a clot",  # a question about a clot, not a report of one
        "my leg is not swollen",
        "what causes swelling behind the knee",
        "how do i keep my legs warm in winter",  # a sign wanted, not reported
        "my grandson has a chesty cough",  # a cold, not a warning sign
        "what's good for a chest infection",  # "chest" names the infection, not a sign
        "did a long flight make her ankles swell",  # asked, not told
    ],
)
def test_none(judge, text):
    assert judge(text) is Urgency.NONE



def test_a_repair_does_not_hide_a_warning_sign(content):
    """Were a repair toward the documents' words to change a sign ("blacked out" -> "blocked out"), the sign
    as heard still counts."""
    from voiceguide.answer.triage import assess_heard

    triage = content.lexicon["triage"]
    assert assess(normalize("i blocked out earlier"), triage)[0] is Urgency.NONE
    heard, repaired = normalize("i blacked out earlier"), normalize("i blocked out earlier")
    assert assess_heard(heard, repaired, triage)[0] is Urgency.EMERGENCY
    assert assess_heard(repaired, heard, triage)[0] is Urgency.EMERGENCY


@pytest.mark.parametrize("said", [
    "her face has gone all lopsided", "he can't lift his arm and his words are coming out jumbled",
    "my wife's gone floppy down one side", "his lips are turning a bit blue", "i think i'm having a stroke",
    "her fingertips look bluish",
])
def test_a_strokes_signs_and_blue_lips_as_people_put_them_are_emergencies(judge, said):
    assert judge(said) is Urgency.EMERGENCY, said


@pytest.mark.parametrize("said", [
    "my arm went numb from lying on it but it came back after a minute",
    "my heart was racing after a strong coffee but it's settled now",
])
def test_a_loose_sign_said_to_have_passed_is_not_an_emergency(judge, said):
    assert judge(said) is not Urgency.EMERGENCY, said


def test_a_sign_said_outright_stays_an_emergency_though_said_to_have_passed(judge):
    assert judge("i had chest pain and coughed up blood but it's gone now") is Urgency.EMERGENCY


@pytest.mark.parametrize("said", [
    "do we need to phone for the paramedics", "my pulse is going like the clappers",
    "i feel like i might keel over", "should i phone 911",
])
def test_calling_for_help_and_everyday_words_for_a_racing_heart_or_fainting_are_emergencies(judge, said):
    assert judge(said) is Urgency.EMERGENCY, said


def test_a_leg_gone_purple_is_a_sign_to_see_a_doctor(judge):
    assert judge("her calf has gone purple") is Urgency.SEE_DOCTOR


@pytest.mark.parametrize("said", [
    "my right leg is bigger than my left since the weekend", "her calf is twice the size of the other one",
])
def test_one_leg_bigger_than_the_other_side_is_see_a_doctor(judge, said):
    assert judge(said) == Urgency.SEE_DOCTOR, said


@pytest.mark.parametrize("said", ["best pillow for a sore knee", "recommend a cushion for a sore bottom"])
def test_asking_for_something_for_a_sore_place_is_not_a_report_of_signs(judge, said):
    assert judge(said) == Urgency.NONE, said


@pytest.mark.parametrize("said", [
    "my face and arm on the right have gone all heavy", "my leg and arm on one side have gone all heavy",
])
def test_an_arm_and_a_leg_or_face_gone_weak_together_is_an_emergency(judge, said):
    assert judge(said) == Urgency.EMERGENCY, said


def test_asking_to_be_told_if_it_is_a_clot_while_reporting_signs_is_see_a_doctor(judge):
    assert judge("could you tell me if this is a clot, my calf is red and swollen") == Urgency.SEE_DOCTOR
    assert judge("would my calf go red if i had a clot") == Urgency.NONE


@pytest.mark.parametrize("said", ["my wife is not able to breathe", "he is suddenly unable to breathe"])
def test_not_able_to_breathe_is_an_emergency(judge, said):
    assert judge(said) == Urgency.EMERGENCY, said


@pytest.mark.parametrize("said", [
    "i sprained my ankle and the calf is swollen", "my knee aches when i play rugby",
    "my backside hurts from horse riding", "my bottom is sore and swollen, it's my haemorrhoids again",
    "both knees are sore whenever it is damp",
    "the gp says the swelling behind my knee is a baker's cyst, what is that",
    "i overdid it at the gym and now my bum is stiff and sore",
    "my buttock is really sore and tight from a strained glute",
])
def test_a_sign_put_down_to_a_sprain_a_sport_a_condition_or_the_weather_is_not_a_report(judge, said):
    assert judge(said) is Urgency.NONE, said


@pytest.mark.parametrize(("said", "urgency"), [
    ("my calf is swollen after a long flight", Urgency.SEE_DOCTOR),  # a risk, not an explanation
    ("i pulled my calf at the gym and the swelling is spreading", Urgency.SEE_DOCTOR),
    ("i twisted my knee and now i have chest pain", Urgency.EMERGENCY),
    ("i sprained my ankle and now the calf is swollen and warm, my sister reckons dvt", Urgency.SEE_DOCTOR),
    ("my calf is swollen and red, could it be a bakers cyst or a clot", Urgency.SEE_DOCTOR),
])
def test_a_risk_a_worsening_sign_or_a_warning_sign_is_never_explained_away(judge, said, urgency):
    assert judge(said) is urgency, said


@pytest.mark.parametrize("said", [
    "i have been diagnosed with a dvt how is it treated",
    "the gp thinks i have a clot what tests will i have",
    "my doctor told me i have a dvt what does that mean", "i was told i have a clot in my bottom",
    "am i allowed to go swimming while i have a dvt",  # asking what one may do with the clot one has
])
def test_a_clot_a_doctor_has_found_is_not_a_suspicion_to_see_a_doctor_about(judge, said):
    assert judge(said) is Urgency.NONE, said


@pytest.mark.parametrize(("said", "urgency"), [
    ("i was diagnosed with a dvt and now my calf is more swollen and red", Urgency.SEE_DOCTOR),
    ("i was diagnosed with a clot and now i have chest pain", Urgency.EMERGENCY),
    ("i think i have a dvt", Urgency.SEE_DOCTOR),
    ("can i go for walks while i have a clot, my calf is hot and red", Urgency.SEE_DOCTOR),
])
def test_signs_reported_under_care_still_get_advice(judge, said, urgency):
    assert judge(said) is urgency, said


@pytest.mark.parametrize("said", [
    "i think ive got a clot in my leg", "i might have got a dvt", "both my ankles are swollen and tender",
])
def test_a_suspected_clot_said_with_got_and_ankles_reported_are_see_a_doctor(judge, said):
    assert judge(said) is Urgency.SEE_DOCTOR, said


@pytest.mark.parametrize("said", [
    "i knocked my knee on the door and its bruised and sore", "my sciatica makes my leg ache",
    "my little ones bottom is red and sore with nappy rash",
    "i bruised my bottom falling off a chair and it hurts",
])
def test_a_knock_a_bruise_or_sciatica_the_person_names_is_not_a_report(judge, said):
    assert judge(said) is Urgency.NONE, said


def test_a_fall_onto_the_buttocks_with_its_signs_still_needs_seeing(judge):
    assert judge("i fell on my bum last week and now it is swollen and painful") is Urgency.SEE_DOCTOR


@pytest.mark.parametrize("said", [
    "my gran is after collapsing in the hall", "he keeps collapsing", "she fell and we cannot wake her",
    "my husband is unresponsive",
])
def test_collapsing_or_not_waking_is_an_emergency(judge, said):
    assert judge(said) is Urgency.EMERGENCY, said


def test_a_leg_that_aches_and_has_changed_colour_needs_seeing(judge):
    assert judge("my calf aches and the skin has gone a funny colour") is Urgency.SEE_DOCTOR
    assert judge("her ankle has turned a purplish colour") is Urgency.SEE_DOCTOR


def test_asking_whether_to_be_seen_if_a_leg_looks_so_reports_it(judge):
    """"If" after asking for the doctor is the person's own case, not a case supposed."""
    assert judge("do we need the doctor if dads calf is red and hot") is Urgency.SEE_DOCTOR
    assert judge("would dads calf be red and hot if it was a clot") is Urgency.NONE


@pytest.mark.parametrize("said", ["the swelling keeps getting worse", "my pain has been getting worse"])
def test_a_sign_getting_worse_needs_seeing(judge, said):
    assert judge(said) is Urgency.SEE_DOCTOR, said


def test_a_chest_infection_with_a_sign_of_its_own_is_still_an_emergency(judge):
    assert judge("i've had a chest infection all week and now my chest feels tight") is Urgency.EMERGENCY


@pytest.mark.parametrize(("said", "urgency"), [
    ("how do you tell if a clot went to my lungs", Urgency.NONE),
    ("what signs would show it had reached my lungs", Urgency.NONE),
    ("what if it moved to my lungs", Urgency.NONE),
    ("i think the clot went to my lungs", Urgency.EMERGENCY),
    ("it has reached my lungs, what are the signs", Urgency.EMERGENCY),
    ("the clot moved to my lungs, how do you know what to do now", Urgency.EMERGENCY),
    ("how do i know if it has gone to my lungs i cannot breathe", Urgency.EMERGENCY),
])
def test_a_clot_reaching_the_lungs_is_an_emergency_when_said_not_when_asked_how_to_tell(judge, said, urgency):
    """How to tell asked first, it is a question; said first (whatever is asked after) or with a sign, it is
    an emergency."""
    assert judge(said) is urgency, said


@pytest.mark.parametrize("said", ["my left glute has been swollen and tender for days"])
def test_a_glute_is_the_buttock_for_its_signs(judge, said):
    assert judge(said) is Urgency.SEE_DOCTOR, said


@pytest.mark.parametrize("said", ["both my hamstrings are swollen and warm to touch"])
def test_a_hamstring_is_the_back_of_the_thigh_for_its_signs(judge, said):
    assert judge(said) is Urgency.SEE_DOCTOR, said


@pytest.mark.parametrize("said", ["what's this deep vein thrombosis my gp keeps mentioning",
                                  "so what is this dvt then"])
def test_asking_what_this_clot_is_asks_what_the_word_means(judge, said):
    """"Is this a dvt" suspects one; "what is this dvt" asks what one is."""
    assert judge(said) is Urgency.NONE, said


@pytest.mark.parametrize("said", [
    "he cant get his breeth", "her heart is raising again", "i keep feeling feint",
    "really short of bread since this morning", "she says she can hardly breeve",
])
def test_a_warning_sign_misspelt_or_misheard_is_still_an_emergency(judge, said):
    assert judge(said) is Urgency.EMERGENCY, said


@pytest.mark.parametrize("said", ["his calf's all swole up", "my ankle has been swole since sunday"])
def test_swole_is_swollen(judge, said):
    assert judge(said) is Urgency.SEE_DOCTOR, said


def test_a_word_made_from_a_warning_word_is_not_a_slip_for_it(judge):
    assert judge("my little boy has a chesty cough") is Urgency.NONE


@pytest.mark.parametrize("said", [
    "i reckon she might have a clot in her calf", "could he have a dvt, his leg is huge",
    "my wife thinks she's got a blood clot",
    # Only thought to have one: "my dad has a clot" is often one diagnosed.
    "i reckon our grandad has a clot behind his knee", "i think our nan has a dvt in her leg",
])
def test_someone_they_look_after_suspected_of_a_clot_is_see_a_doctor(judge, said):
    assert judge(said) is Urgency.SEE_DOCTOR, said


@pytest.mark.parametrize("said", [
    "my son has been told he's got a dvt, what happens now", "now she has a clot what can she eat",
    "the doctor says he has a clot behind his knee", "my dad has a clot in his calf, is that serious",
    # Clots in the family are a risk told, not a clot had.
    "i have blood clots in my family, am i more likely to get one",
    "she has clots in her family, is she at risk",
])
def test_a_clot_found_in_someone_they_look_after_is_not_a_suspicion(judge, said):
    assert judge(said) is Urgency.NONE, said


@pytest.mark.parametrize("said", [
    "will her possible dvt go away by itself", "is my maybe clot going to get worse",
])
def test_their_own_clot_not_yet_confirmed_is_see_a_doctor(judge, said):
    assert judge(said) is Urgency.SEE_DOCTOR, said


@pytest.mark.parametrize("said", ["what are the signs of a clot behing the knee", "my wrist is paining"])
def test_a_slip_nearer_a_body_word_or_a_word_for_pain_is_no_warning_sign(content, said):
    """"Behing" is nearer "behind" than "breathing"; "paining" is "hurting" in much of the world's English,
    not a slip for "panting"."""
    from voiceguide.answer.triage import assess_heard

    heard = normalize(said)
    assert assess_heard(heard, Router(content).rewrite(heard), content.lexicon["triage"])[0] is Urgency.NONE


@pytest.mark.parametrize("said", [
    "i ought to be checked for a dvt", "should she be seen for a possible clot",
    "i think it is probably a clot", "i think it's just a small clot in my calf",
])
def test_wanting_to_be_checked_for_a_clot_or_hedging_one_is_see_a_doctor(judge, said):
    assert judge(said) is Urgency.SEE_DOCTOR, said


@pytest.mark.parametrize(("said", "urgency"), [
    # A "no" cried out denies nothing; one just before the sign does.
    ("oh no his chest has gone really tight", Urgency.EMERGENCY),
    ("no no her lips are turning blue", Urgency.EMERGENCY),
    ("ah no, my breathing's suddenly gone funny", Urgency.EMERGENCY),
    ("oh no, no chest pain, just a sore calf", Urgency.SEE_DOCTOR),
    # The cry may lie further back than the words just before the sign; a plain "no" answering still denies.
    ("oh no she keeps getting chest pain", Urgency.EMERGENCY),
    ("no she hasn't coughed up any blood, her calf is just sore", Urgency.SEE_DOCTOR),
    # "One of them" clots, reckoned to be had.
    ("i reckon i've got one of those clots in my calf", Urgency.SEE_DOCTOR),
    ("no chest pain but my calf is sore", Urgency.SEE_DOCTOR),
    # One suspected in a relative; a limb gone "a bit" blue.
    ("i reckon my husband might have a clot", Urgency.SEE_DOCTOR),
    ("his foot has gone a bit blue", Urgency.EMERGENCY),
    # Signs no look-alike explains: a bruise never knocked, a condition had before "but this time", a Baker's
    # cyst only wondered about.
    ("my thigh looks bruised but i never bumped it and it's swollen", Urgency.SEE_DOCTOR),
    ("i pulled a hamstring once but this time the back of my thigh is swollen and red", Urgency.SEE_DOCTOR),
    ("the back of her knee is puffy and warm, could it be a baker's cyst", Urgency.SEE_DOCTOR),
    # Pain alone after the exercise is its ache; swelling or warmth after it needs seeing.
    ("my thighs are really sore after doing lunges", Urgency.NONE),
    ("my calf is sore and swollen after football", Urgency.SEE_DOCTOR),
    ("the back of my knee is red and hot since yesterdays run", Urgency.SEE_DOCTOR),
    # A racing heart in everyday words; the same words of a heart doctor are no sign.
    ("my pulse is going ten to the dozen and my calf is swollen", Urgency.EMERGENCY),
    ("i get so mad at my heart doctor", Urgency.NONE),
    # A clinician's words for breathlessness and coughing blood.
    ("sudden dyspnea and my calf is sore", Urgency.EMERGENCY),
    ("hemoptysis since this morning and a swollen leg", Urgency.EMERGENCY),
    # A condition the person names does not explain signs beyond what it usually does.
    ("my arthritic ankle is more swollen than normal and warm", Urgency.SEE_DOCTOR),
    # Breath as some say it ("breff"), "breathe" heard as "breed", "calf" heard as "cafe"; the words alone
    # report nothing.
    ("i'm short of breff and my calf is swollen", Urgency.EMERGENCY),
    ("all of a sudden no air and my leg's swollen", Urgency.EMERGENCY),
    ("he can't breed properly", Urgency.EMERGENCY),
    ("my cafe is swollen and warm", Urgency.SEE_DOCTOR),
    ("the cafe on the corner does great breakfasts", Urgency.NONE),
    ("which dogs are best to breed", Urgency.NONE),
])
def test_how_a_report_is_said_does_not_hide_or_invent_a_sign(judge, said, urgency):
    assert judge(said) is urgency, said


@pytest.mark.parametrize(("said", "urgency"), [
    # "One" said after a clot was named is that clot, suspected ...
    ("a friend swears vinegar dissolves clots and i reckon i have one", Urgency.SEE_DOCTOR),
    ("my sister had a dvt last spring and i think i've got one now", Urgency.SEE_DOCTOR),
    # ... not one of something else.
    ("i have a question about dvt, just one thing really", Urgency.NONE),
    ("could a clot be one of those things that clear up by themselves", Urgency.NONE),
    # A recognizer's "its" for "it's", and a suspicion someone passed on.
    ("i reckon its a clot in my thigh", Urgency.SEE_DOCTOR),
    ("the nurse said this might be a dvt", Urgency.SEE_DOCTOR),
])
def test_a_clot_suspected_as_one_just_named_or_as_told(judge, said, urgency):
    assert judge(said) is urgency, said


@pytest.mark.parametrize(("said", "urgency"), [
    # A question asked indirectly is asked, not reported: its "i" is the one asking ...
    ("i was wondering if the scan on your leg hurts", Urgency.NONE),
    ("i was just wondering whether a dye test in the leg is painful", Urgency.NONE),
    # ... unless it is of their own body, which they wonder about.
    ("i was wondering whether the swelling in my calf is a clot", Urgency.SEE_DOCTOR),
    ("i wonder if my sore red calf is something to worry about", Urgency.SEE_DOCTOR),
])
def test_a_question_asked_indirectly_reports_only_the_askers_own_signs(judge, said, urgency):
    assert judge(said) is urgency, said


@pytest.mark.parametrize("said", [
    "my flatmate thinks they have a dvt", "someone at work reckons they might have a clot in the calf",
])
def test_someone_said_as_they_who_thinks_they_have_one_is_see_a_doctor(judge, said):
    assert judge(said) is Urgency.SEE_DOCTOR, said


@pytest.mark.parametrize(("said", "urgency"), [
    # An idiom holding a warning sign's words is no sign; the sign said outright still is.
    ("the nurse said clots in passing on her way out, which illnesses make them likelier", Urgency.NONE),
    ("she passed on the message on her way out, can a long flight cause a clot", Urgency.NONE),
    ("she passed out on her way out of the shop", Urgency.EMERGENCY),
    # Someone else's suspicion supposed after "if" is no report; one's own, or theirs said outright, is.
    ("which scan would i get if they suspect i have a dvt", Urgency.NONE),
    ("how do they treat you if they think i have a clot", Urgency.NONE),
    ("they think i have a clot in my calf", Urgency.SEE_DOCTOR),
    ("what do i do if i think i have a clot", Urgency.SEE_DOCTOR),
    # A breathing exercise is no warning sign; a sign said beside it is.
    ("can you teach me a breathing exercise for anxiety", Urgency.NONE),
    ("my chest is tight, are breathing exercises any good", Urgency.EMERGENCY),
])
def test_words_that_only_look_like_a_sign_or_a_suspicion_are_neither(judge, said, urgency):
    assert judge(said) is urgency, said
