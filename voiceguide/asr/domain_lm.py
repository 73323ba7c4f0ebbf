"""A small trigram language model in ARPA format: the content's phrases, with ordinary English as a way out.

Why not a grammar or a domain-only model: either one forces every sound into a content word, so a person
ordering coffee would be "heard" asking about blood clots. Here the unigram level is a mixture,
`domain_weight * P_domain(w) + (1 - domain_weight) * P_background(w)`, over the content's words and a few
thousand common English words. Inside a known phrase the domain trigrams dominate, so questions are decoded
as the content words them; off the phrases, the decoder falls back to ordinary words that carry no topic.
Bigrams and trigrams use absolute discounting with properly normalised back-off weights, so the decoder's
scores stay comparable between paths.
"""

from __future__ import annotations

import functools
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

_DISCOUNT = 0.5
_FLOOR = -99.0


def _log10(probability: float) -> float:
    return math.log10(probability) if probability > 0 else _FLOOR


def build_arpa(
    phrases: Iterable[str],
    extra_words: Iterable[str] = (),
    background: Mapping[str, float] | None = None,
    domain_weight: float = 0.5,
) -> str:
    """ARPA text for the phrases (word sequences), extra domain words and background unigrams (log10)."""
    sentences = [phrase.split() for phrase in phrases if phrase.split()]
    counts: list[Counter[tuple[str, ...]]] = [Counter(), Counter(), Counter()]
    for words in sentences:
        tokens = ["<s>", *words, "</s>"]
        for order in (1, 2, 3):
            for start in range(len(tokens) - order + 1):
                counts[order - 1][tuple(tokens[start : start + order])] += 1
    for word in extra_words:
        if word and (word,) not in counts[0]:
            counts[0][(word,)] = 1

    # Unigrams: domain relative frequency mixed with the background distribution.
    domain_total = sum(c for gram, c in counts[0].items() if gram != ("<s>",))
    background = dict(background or {})
    background_mass = {word: 10.0**logprob for word, logprob in background.items()}
    background_total = sum(background_mass.values())
    if not domain_total and not background_total:
        raise ValueError("nothing to build a language model from: no phrases, words or background words")
    weight = (domain_weight if background_total else 1.0) if domain_total else 0.0
    vocabulary = {gram[0] for gram in counts[0]} | set(background_mass)
    unigram: dict[str, float] = {}
    for word in vocabulary:
        if word == "<s>":
            continue
        domain_p = counts[0].get((word,), 0) / domain_total if domain_total else 0.0
        background_p = background_mass.get(word, 0.0) / background_total if background_total else 0.0
        unigram[word] = weight * domain_p + (1 - weight) * background_p

    # A decoder needs a sentence end even when no phrase supplied one (background-only model).
    unigram.setdefault("</s>", 0.07)

    # Higher orders: absolute discounting; continuation lists for back-off weights.
    context_totals: list[Counter[tuple[str, ...]]] = [Counter(), Counter()]
    followers: list[defaultdict[tuple[str, ...], list[str]]] = [defaultdict(list), defaultdict(list)]
    for order in (2, 3):
        for gram, count in counts[order - 1].items():
            context_totals[order - 2][gram[:-1]] += count
            followers[order - 2][gram[:-1]].append(gram[-1])

    def probability(gram: tuple[str, ...]) -> float:
        """Interpolated-by-back-off probability, used for back-off weight normalisation."""
        if len(gram) == 1:
            return unigram.get(gram[0], 0.0)
        count = counts[len(gram) - 1].get(gram, 0)
        context = gram[:-1]
        if count:
            return (count - _DISCOUNT) / context_totals[len(gram) - 2][context]
        return backoff(context) * probability(gram[1:])

    @functools.cache
    def backoff(context: tuple[str, ...]) -> float:
        order_index = len(context) - 1  # context of length 1 -> bigram tables
        total = context_totals[order_index].get(context, 0)
        if not total:
            return 1.0
        seen = followers[order_index][context]
        left = _DISCOUNT * len(seen) / total
        lower_seen = sum(probability((*context[1:], word)) for word in seen)
        return left / max(1e-12, 1.0 - lower_seen)

    lines = ["\\data\\", f"ngram 1={len(unigram) + 1}"]
    lines += [f"ngram {order}={len(counts[order - 1])}" for order in (2, 3)]
    lines += ["", "\\1-grams:"]
    lines.append(f"{_FLOOR:.4f}\t<s>\t{_log10(backoff(('<s>',))):.4f}")
    for word in sorted(unigram):
        lines.append(f"{_log10(unigram[word]):.4f}\t{word}\t{_log10(backoff((word,))):.4f}")
    for order in (2, 3):
        lines += ["", f"\\{order}-grams:"]
        for gram in sorted(counts[order - 1]):
            text = " ".join(gram)
            p = _log10(probability(gram))
            if order == 2:
                lines.append(f"{p:.4f}\t{text}\t{_log10(backoff(gram)):.4f}")
            else:
                lines.append(f"{p:.4f}\t{text}")
    lines += ["", "\\end\\", ""]
    return "\n".join(lines)
