"""Whether a sentence can be heard on its own or needs the one before it to make sense.

"This can be caused by ..." means nothing to a listener who did not hear what "this" is; "These deep clots
are ..." names what it speaks of. Answers are cut from the middle of sections, so every place that picks a
first sentence asks this.
"""

from __future__ import annotations

import re

from voiceguide.answer.text import STOPWORDS, normalize

_ANAPHORA = frozenset({"this", "these", "it", "they", "those", "such", "however"})
_DETERMINERS = frozenset({"this", "these", "those"})
# After "this" or "these", a noun that only points back ("these medications": which?) or a verb ("these
# include"): the sentence still needs the one before it.
_POINTING_NOUNS = frozenset(
    "medications medicines symptoms signs factors conditions problems things steps measures "
    "treatments tests options changes ones discomfort lack".split()
)
_VERBS_AFTER_PRONOUN = frozenset(
    "include includes occur occurs happen happens work works help helps mean means "
    "cause causes lead leads require requires increase increases".split()
)
# "It is important to ...", "It can be ...": "it" that stands for what follows, not for an earlier sentence.
_DUMMY_IT = re.compile(r"^it (is|can be|may be) \w+ (to|that|if)\b")


def opens_with_reference(sentence: str) -> bool:
    """True for "This can be caused by ..." or "These can include ...": a sentence a listener cannot follow
    without the one before it. "These deep clots are ..." names what it speaks of and stands alone; "These
    medications ..." does not say which."""
    words = normalize(sentence).split()
    if not words or words[0] not in _ANAPHORA or _DUMMY_IT.match(" ".join(words)):
        return False
    if words[0] in _DETERMINERS and len(words) > 1:
        following = words[1]
        return following in STOPWORDS or following in _POINTING_NOUNS or following in _VERBS_AFTER_PRONOUN
    return True
