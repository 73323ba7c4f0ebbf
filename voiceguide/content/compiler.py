"""Compiles the source documents and the lexicon into one plain-data content file.

Everything the assistant says comes from this file, and this file comes only from the documents: sections are
the documents' own sentences, the urgent advice is the documents' own warning sentences (found, not written),
and the lexicon only adds the words people use to ask. The output is sorted, pretty-printed JSON so a person
can read it and a diff shows what a document change did.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from itertools import product
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from voiceguide.answer import commands
from voiceguide.answer.phrases import Rewriter, any_of, contains
from voiceguide.answer.text import STOPWORDS, normalize, slug, split_sentences
from voiceguide.content.document_titles import plural, singular, subject_of, title_place
from voiceguide.content.documents import SUPPORTED_SUFFIXES, DocumentError, SourceDocument, read_document
from voiceguide.content.lexicon_file import OPTIONAL_WORD_LISTS, LexiconError, load_lexicon

FORMAT_VERSION = 1
CONTENT_DIR = Path(__file__).parent
DEFAULT_DOCUMENTS = CONTENT_DIR / "documents"
DEFAULT_LEXICON = CONTENT_DIR / "lexicon.yaml"
DEFAULT_OUTPUT = CONTENT_DIR / "compiled.json"

_FAQ_HEADINGS = ("frequently asked questions", "faq", "faqs", "common questions")
_SHORT_MAX_SENTENCES = 3
_SHORT_MAX_WORDS = 65
_FAQ_MERGE_RATIO = 95


class CompileError(ValueError):
    """The content cannot be compiled; nothing was written."""


@dataclass
class _Section:
    document: str
    heading: str
    about: str
    sentences: list[str]
    questions: list[str] = field(default_factory=list)
    id: str = ""


class _Classifier:
    """Tells what a heading, paragraph or sentence is about, from the lexicon's kind words."""

    def __init__(self, lexicon: dict[str, Any]) -> None:
        self.kinds: dict[str, dict[str, Any]] = lexicon["kinds"]
        self.rewrite = Rewriter(rewrites(lexicon), lexicon.get("spellings"))

    def norm(self, text: str) -> str:
        return self.rewrite(normalize(text))

    def heading_kinds(self, heading: str) -> list[str]:
        text = self.norm(heading)
        return [kind for kind, spec in self.kinds.items() if any_of(text, spec["heading"])]

    def scores(self, text: str) -> Counter[str]:
        norm = self.norm(text)
        return Counter(
            {
                kind: len(any_of(norm, spec["words"] + spec.get("phrases", [])))
                for kind, spec in self.kinds.items()
            }
        )

    def salience(self, text: str, kind: str) -> int:
        """How strongly a sentence speaks to `kind`: its kind words, and twice more if it names the kind
        outright ("A common symptom is ..."), which is what a listener needs first."""
        norm = self.norm(text)
        return self.scores(text)[kind] + 2 * len(any_of(norm, self.kinds[kind]["heading"]))

    def best(self, text: str) -> str | None:
        scores = self.scores(text)
        top = max(scores.values(), default=0)
        if top == 0:
            return None
        # Ties go to the kind listed first in the lexicon, so the result never depends on dict order.
        return next(kind for kind in self.kinds if scores[kind] == top)


def compile_content(
    documents_dir: Path = DEFAULT_DOCUMENTS, lexicon_path: Path = DEFAULT_LEXICON
) -> dict[str, Any]:
    lexicon = _load_lexicon(lexicon_path)
    paths = sorted(p for p in Path(documents_dir).iterdir() if p.suffix.lower() in SUPPORTED_SUFFIXES)
    if not paths:
        raise CompileError(f"{documents_dir}: no documents ({', '.join(SUPPORTED_SUFFIXES)}) to compile")
    sources = [read_document(p) for p in paths]
    classifier = _Classifier(lexicon)

    documents, sections = [], []
    for source in sources:
        doc_id = slug(source.path.stem)
        subject = subject_of(source.title, lexicon)
        documents.append(
            {
                "id": doc_id,
                "title": source.title,
                "file": source.path.name,
                "location": title_place(normalize(source.title), lexicon) or "general",
                "subject": plural(subject),
                "subject_one": singular(subject),
            }
        )
        sections.extend(_sections_of(doc_id, source, classifier))

    doc_location = {d["id"]: d["location"] for d in documents}
    compiled_sections = [
        _section_record(s, doc_location[s.document], classifier, lexicon) for s in sections
    ]
    return {
        "format": FORMAT_VERSION,
        "about": "Compiled by `voiceguide compile` from the documents and lexicon.yaml; do not edit by hand.",
        "documents": documents,
        "sections": compiled_sections,
        "urgent": _urgent_advice(sources, documents, lexicon),
        "lexicon": _runtime_lexicon(lexicon, documents, compiled_sections),
        "vocabulary": _vocabulary(sources, compiled_sections, lexicon, classifier),
    }


def write_compiled(content: dict[str, Any], output: Path = DEFAULT_OUTPUT) -> None:
    """Writes atomically: a crash or a bad document never leaves a half-written or missing content file."""
    from voiceguide.safe_files import write_text

    write_text(output, render_compiled(content))


def render_compiled(content: dict[str, Any]) -> str:
    return json.dumps(content, indent=1, ensure_ascii=False, sort_keys=False) + "\n"


def rewrites(lexicon: dict[str, Any]) -> dict[str, str]:
    """Every rewrite to the documents' words: the lay words and the recognizer's slips."""
    return {**lexicon["synonyms"], **lexicon.get("misheard", {})}


def _load_lexicon(path: Path) -> dict[str, Any]:
    try:
        return load_lexicon(path)
    except LexiconError as exc:
        raise CompileError(str(exc)) from None


def _location_of(norm_text: str, lexicon: dict[str, Any]) -> str | None:
    counts = {
        loc: len(any_of(norm_text, spec["terms"])) for loc, spec in lexicon["locations"].items()
    }
    best = max(counts, key=lambda loc: counts[loc])
    return best if counts[best] else None


def _sections_of(doc_id: str, source: SourceDocument, classifier: _Classifier) -> list[_Section]:
    """Groups paragraphs under headings, splits mixed sections by kind, and folds the FAQ into them."""
    groups: list[tuple[str, list[str], bool]] = []  # (heading, paragraphs, is_faq_entry)
    heading, paragraphs, in_faq = source.title, [], False
    for block in source.blocks:
        if block.is_heading:
            if paragraphs:
                groups.append((heading, paragraphs, in_faq and heading != source.title))
            if normalize(block.text) in _FAQ_HEADINGS:
                in_faq = True
            heading, paragraphs = block.text, []
        else:
            paragraphs.append(block.text)
    if paragraphs:
        groups.append((heading, paragraphs, in_faq))

    sections: list[_Section] = []
    faq_entries: list[tuple[str, list[str]]] = []
    for index, (head, paras, is_faq) in enumerate(groups):
        if is_faq:
            faq_entries.append((head, paras))
        elif index == 0 and head == source.title:
            # A title that asks no particular kind of question ("Can you get a clot in your buttocks?") is the
            # question the opening answers; one that does ("What are the symptoms...") belongs to that
            # section.
            asks = [] if classifier.heading_kinds(source.title) else [source.title]
            sections.append(_Section(doc_id, head, "overview", _sentences(paras), questions=asks))
        else:
            sections.extend(_split_by_kind(doc_id, head, paras, classifier))

    for question, paras in faq_entries:
        answer = " ".join(paras)
        twin = max(
            sections,
            key=lambda s: fuzz.token_set_ratio(normalize(answer), normalize(" ".join(s.sentences))),
            default=None,
        )
        if twin and (
            fuzz.token_set_ratio(normalize(answer), normalize(" ".join(twin.sentences))) >= _FAQ_MERGE_RATIO
        ):
            twin.questions.append(question)
        else:
            kinds = classifier.heading_kinds(question)
            about = kinds[0] if len(kinds) == 1 else classifier.best(question + " " + answer) or "overview"
            sections.append(_Section(doc_id, question, about, _sentences(paras), questions=[question]))

    _assign_ids(doc_id, source.title, sections, classifier)
    return sections


def _sentences(paragraphs: list[str]) -> list[str]:
    return [s for p in paragraphs for s in split_sentences(p)]


def _split_by_kind(
    doc_id: str, heading: str, paragraphs: list[str], classifier: _Classifier
) -> list[_Section]:
    """A heading that names one kind keeps its text whole; otherwise each paragraph is classified.

    A trailing run of sentences that is clearly about another kind (it scores for that kind and not at all for
    the paragraph's) becomes its own section, so a closing prevention tip in a treatment paragraph can be
    found.
    """
    kinds = classifier.heading_kinds(heading)
    if len(kinds) == 1:
        return [_Section(doc_id, heading, kinds[0], _sentences(paragraphs))]
    out: list[_Section] = []
    for para in paragraphs:
        about = classifier.best(para) or (out[-1].about if out else "overview")
        sentences = split_sentences(para)
        cut = len(sentences)
        while cut > 1:
            tail_kind = classifier.best(sentences[cut - 1])
            if tail_kind and tail_kind != about and classifier.scores(sentences[cut - 1])[about] == 0:
                cut -= 1
            else:
                break
        if out and out[-1].about == about and out[-1].heading == heading:
            out[-1].sentences.extend(sentences[:cut])
        else:
            out.append(_Section(doc_id, heading, about, sentences[:cut]))
        tail = sentences[cut:]
        if tail:
            out.append(_Section(doc_id, heading, classifier.best(" ".join(tail)) or about, tail))
    return out


def _assign_ids(doc_id: str, title: str, sections: list[_Section], classifier: _Classifier) -> None:
    """`doc.kind` for the first section of a kind; later ones are named by their heading's distinctive words
    (what the heading says that the document's title and every question do not)."""
    taken: set[str] = set()
    common = set(classifier.norm(title).split()) | STOPWORDS | {"help", "get", "clots"}
    for section in sections:
        candidate = f"{doc_id}.{section.about}"
        if candidate in taken:
            words = [w for w in classifier.norm(section.heading).split() if w not in common]
            candidate = f"{doc_id}.{'-'.join(words) or section.about}"
        base, n = candidate, 2
        while candidate in taken:
            candidate, n = f"{base}-{n}", n + 1
        section.id = candidate
        taken.add(candidate)


def _section_record(
    section: _Section, doc_location: str, classifier: _Classifier, lexicon: dict[str, Any]
) -> dict[str, Any]:
    text = " ".join(section.sentences)
    location = _location_of(classifier.norm(text + " " + section.heading), lexicon)
    keywords = sorted(
        {
            w
            for part in [section.heading, *section.questions, text]
            for w in classifier.norm(part).split()
            if w not in STOPWORDS and len(w) > 1
        }
    )
    return {
        "id": section.id,
        "document": section.document,
        "heading": section.heading,
        "about": section.about,
        "location": doc_location if location else "general",
        "questions": section.questions,
        "short": _short_indices(section, classifier),
        "key": _key_index(section, classifier),
        "sentences": section.sentences,
        "keywords": keywords,
    }


def _key_index(section: _Section, classifier: _Classifier) -> int:
    """The one sentence that says most about the section's kind, for answers that cover several places."""
    return min(
        range(len(section.sentences)),
        key=lambda i: (-classifier.salience(section.sentences[i], section.about), i),
    )


def _short_indices(section: _Section, classifier: _Classifier) -> list[int]:
    """The sentences that answer the question best, in document order, within a budget a listener can hold."""
    ranked = sorted(
        range(len(section.sentences)),
        key=lambda i: (-classifier.salience(section.sentences[i], section.about), i),
    )
    chosen: list[int] = []
    words = 0
    for i in ranked:
        n = len(section.sentences[i].split())
        if chosen and (len(chosen) >= _SHORT_MAX_SENTENCES or words + n > _SHORT_MAX_WORDS):
            continue
        chosen.append(i)
        words += n
    return sorted(chosen)


def _urgent_advice(
    sources: list[SourceDocument], documents: list[dict[str, Any]], lexicon: dict[str, Any]
) -> dict[str, Any]:
    """Finds each advice fragment's whole sentence in the documents; a fragment found nowhere is an error."""
    out: dict[str, Any] = {}
    for level in ("emergency", "see-doctor"):
        spec = lexicon["triage"][level]
        advice = []
        for fragment in spec["advice_sentences"]:
            found = None
            for source, doc in zip(sources, documents, strict=True):
                for block in source.blocks:
                    for sentence in split_sentences(block.text):
                        if contains(normalize(sentence), normalize(fragment)):
                            found = found or {"text": sentence, "document": doc["id"]}
            if not found:
                raise CompileError(f"urgent advice {fragment!r} ({level}) is not in any document")
            advice.append(found)
        out[level] = {"advice": advice}
    return out


def _runtime_lexicon(
    lexicon: dict[str, Any], documents: list[dict[str, Any]], sections: list[dict[str, Any]]
) -> dict[str, Any]:
    """The parts of the lexicon the router needs at run time (the compiled file is all it reads).

    A place the lexicon calls uncovered stops being so as soon as a document's title names it: adding an
    article about clots in the arm makes "arm" answerable with no other change. Likewise each document's
    subject ("leg cramps") anchors a question in the domain.
    """
    named = " ".join(normalize(d["title"]) for d in documents)
    subject_terms = []
    for doc in documents:
        for phrase in (doc["subject_one"], doc["subject"]):
            subject_terms += [phrase, phrase.split()[-1]]
    anchors = list(dict.fromkeys([*lexicon["anchors"], *subject_terms]))
    return {
        "kinds": lexicon["kinds"],
        "locations": lexicon["locations"],
        "spellings": dict(sorted(lexicon.get("spellings", {}).items())),
        "synonyms": dict(sorted(rewrites(lexicon).items())),
        "anchors": anchors,
        "subjects": lexicon["subjects"],
        "subject_phrases": sorted(
            {d[k] for d in documents for k in ("subject", "subject_one") if " " in d[k]}
        ),
        "uncovered": [term for term in lexicon["uncovered"] if not contains(named, normalize(term))],
        "neutral": lexicon["neutral"],
        "foreign": lexicon["foreign"],
        "triage": lexicon["triage"],
        **{key: lexicon.get(key, {}) for key in ("focus_synonyms", "stem_exceptions", "spread")},
        **{key: lexicon.get(key, []) for key in OPTIONAL_WORD_LISTS},
        "intents": _intents(lexicon.get("intents", {}), sections),
    }


def _intents(intents: dict[str, Any], sections: list[dict[str, Any]]) -> dict[str, Any]:
    """Each intent as written, plus `covered`: whether any document sentence has one of its evidence words
    (an intent without evidence words is answered from whatever section it routes to)."""
    words = {w for sec in sections for s in sec["sentences"] for w in normalize(s).split()}
    out = {}
    for name, spec in intents.items():
        evidence = spec.get("evidence")
        out[name] = {
            **spec,
            "covered": True if evidence is None else any(normalize(e) in words for e in evidence),
        }
    return out


def _vocabulary(
    sources: list[SourceDocument],
    sections: list[dict[str, Any]],
    lexicon: dict[str, Any],
    classifier: _Classifier,
) -> dict[str, list[str]]:
    frames = lexicon["question_frames"]
    phrases: set[str] = set()
    for frame, subject, place in product(frames["frames"], frames["subjects"], frames["places"]):
        phrases.add(normalize(frame.format(clot=subject, where=place)))
    phrases.update(normalize(p) for p in frames["extra"])
    for section in sections:
        phrases.update(normalize(q) for q in section["questions"])
        phrases.add(normalize(section["heading"]))
    for source in sources:
        phrases.add(normalize(source.title))
    for spec in lexicon["kinds"].values():
        phrases.update(normalize(p) for p in spec.get("phrases", []) + spec.get("occurs_in", []))
    phrases.update(normalize(p) for p in lexicon["triage"]["emergency"]["signs"])
    phrases.update(normalize(p) for p in lexicon["triage"]["see-doctor"]["phrases"])
    for frame in lexicon["triage"]["see-doctor"]["suspect"][:6]:
        phrases.update(
            f"{normalize(frame)} a {c}" for c in ("blood clot", "clot", "dvt", "pulmonary embolism")
        )
    phrases.update(normalize(p) for p in commands.PHRASES)

    words: set[str] = set()
    for text in [*phrases, *(s for sec in sections for s in sec["sentences"])]:
        words.update(normalize(text).split())
    for spec in lexicon["locations"].values():
        for term in spec["terms"]:
            words.update(normalize(term).split())
    for key, value in lexicon["synonyms"].items():
        words.update(normalize(key).split())
        words.update(normalize(value).split())
    for value in lexicon.get("misheard", {}).values():
        words.update(normalize(value).split())
    return {"words": sorted(w for w in words if w), "phrases": sorted(p for p in phrases if p)}


__all__ = ["CompileError", "DocumentError", "compile_content", "render_compiled", "write_compiled"]
