"""Text analysis blocks: offline extractive summaries and keyword extraction (no AI model).

Everything runs locally without network or models; big inputs are processed in a worker thread.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from pydantic import Field

from autogpt_app.blocks.builtin._document_helpers import MAX_DOCUMENT_CHARS, offload
from autogpt_app.blocks.sdk import Block, BlockCategory, BlockExample, BlockInput, BlockOutput, RunContext

_STOP_WORDS_TEXT = """
    a about above after again against all also am an and any are aren't as at be because been before being
    below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down
    during each either etc even ever every few for from further get gets got had hadn't has hasn't have
    haven't having he he'd he'll he's her here here's hers herself him himself his how how's however i i'd
    i'll i'm i've if in into is isn't it it's its itself just let's like made make many may me might more
    most much must mustn't my myself neither no nor not now of off often on once one only or other ought
    our ours ourselves out over own per quite rather really same say says shall shan't she she'd she'll
    she's should shouldn't since so some such than that that's the their theirs them themselves then there
    there's these they they'd they'll they're they've this those though through thus to too under until up
    upon us use used uses using very via was wasn't we we'd we'll we're we've well were weren't what what's when
    when's where where's whether which while who who's whom whose why why's will with within without won't
    would wouldn't yet you you'd you'll you're you've your yours yourself yourselves
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_SENTENCE_END = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][\"'”’)\]]))\s+(?=[^\sa-z])")


_ABBREVIATIONS = frozenset({"mr.", "mrs.", "ms.", "dr.", "prof.", "st.", "jr.", "sr.", "vs.", "e.g.", "i.e.", "fig."})


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``: split after . ! ? … before a capital, and at blank lines.

    Common abbreviations ('Dr.', 'e.g.') and initials ('J. Smith') do not end a sentence."""
    sentences: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text):
        flat = " ".join(paragraph.split())
        start = 0
        for gap in _SENTENCE_END.finditer(flat):
            last = flat[start : gap.start()].rsplit(" ", 1)[-1].lower()
            if last in _ABBREVIATIONS or re.fullmatch(r"[^\W\d_]\.", last):
                continue
            sentences.append(flat[start : gap.start()])
            start = gap.end()
        if flat[start:].strip():
            sentences.append(flat[start:])
    return sentences


def _content_words(text: str) -> list[str]:
    words = (w.replace("’", "'") for w in _WORD.findall(text.lower()))
    return [w for w in words if len(w) > 1 and w not in STOP_WORDS]


def summarize(text: str, count: int) -> str:
    """The ``count`` sentences with the most frequent content words, kept in their original order."""
    sentences = split_sentences(text)
    if len(sentences) <= count:
        return " ".join(sentences)
    frequencies = Counter(_content_words(text))
    top = max(frequencies.values(), default=1)
    scores: list[tuple[float, int]] = []
    for index, sentence in enumerate(sentences):
        words = _content_words(sentence)
        score = sum(frequencies[w] / top for w in words) / math.sqrt(len(words)) if words else 0.0
        scores.append((-score, index))
    chosen = sorted(index for _, index in sorted(scores)[:count])
    return " ".join(sentences[i] for i in chosen)


class ExtractiveSummaryBlock(Block):
    """Summarises text by picking its most representative sentences (offline, no AI model)."""

    id = "d035aa9f-4d01-4cc6-a19b-4bbc606c1e95"
    name = "Summarise text (offline)"
    description = "Shortens a text to its few most important sentences, without using an AI model."
    categories = (BlockCategory.TEXT,)

    class Input(BlockInput):
        text: str = Field(max_length=MAX_DOCUMENT_CHARS, description="The text to summarise")
        sentences: int = Field(default=3, ge=1, le=100, description="How many sentences to keep")

    class Output(BlockOutput):
        summary: str = Field(description="The chosen sentences, in the order they appear in the text")

    examples = (
        BlockExample(
            input={
                "text": "Solar power is growing fast. Many homes now have solar panels on the roof. "
                "The weather was nice yesterday. Solar panels turn sunlight into power for homes. "
                "My cat likes to sleep.",
                "sentences": 2,
            },
            output=[
                (
                    "summary",
                    "Many homes now have solar panels on the roof. Solar panels turn sunlight into power for homes.",
                )
            ],
        ),
        BlockExample(
            input={"text": "Only one sentence here."},
            output=[("summary", "Only one sentence here.")],
            description="shorter texts come back whole",
        ),
        BlockExample(input={"text": ""}, output=[("summary", "")]),
    )

    async def run(self, input: Input, context: RunContext):
        yield "summary", await offload(summarize, len(input.text), input.text, input.sentences)


_PHRASE_TOKEN = re.compile(r"(?P<word>[^\W_]+(?:['’-][^\W_]+)*)|(?P<stop>[^\w\s])")
MAX_PHRASE_WORDS = 3


def _candidate_phrases(text: str) -> list[tuple[str, ...]]:
    phrases: list[tuple[str, ...]] = []
    current: list[str] = []

    def close() -> None:
        for start in range(0, len(current), MAX_PHRASE_WORDS):
            phrases.append(tuple(current[start : start + MAX_PHRASE_WORDS]))
        current.clear()

    for match in _PHRASE_TOKEN.finditer(text.lower()):
        word = match.group("word")
        if word is None:
            close()
            continue
        word = word.replace("’", "'")
        if word in STOP_WORDS or len(word) < 2 or not any(ch.isalpha() for ch in word):
            close()
        else:
            current.append(word)
    close()
    return phrases


def extract_keywords(text: str, count: int) -> list[str]:
    """Key phrases of ``text``, RAKE style: candidate phrases lie between stop words and punctuation;
    a word scores its degree over its frequency (it keeps company with other content words), a phrase
    the sum of its words' scores times how often it occurs. Ties keep the order of the text."""
    phrases = _candidate_phrases(text)
    degree: Counter[str] = Counter()
    frequency: Counter[str] = Counter()
    for phrase in phrases:
        for word in phrase:
            degree[word] += len(phrase)
            frequency[word] += 1
    occurrences = Counter(phrases)
    best: dict[tuple[str, ...], tuple[float, int]] = {}
    for position, phrase in enumerate(phrases):
        if phrase not in best:
            score = sum(degree[w] / frequency[w] for w in phrase) * occurrences[phrase]
            best[phrase] = (-score, position)
    ranked = sorted(best.items(), key=lambda item: item[1])
    return [" ".join(phrase) for phrase, _ in ranked[:count]]


class KeywordExtractionBlock(Block):
    """Finds the key words and phrases of a text (offline, no AI model)."""

    id = "62b635dc-d7c4-4a76-a4ef-f89d8935b7cc"
    name = "Extract keywords (offline)"
    description = "Lists the most important words and short phrases of a text, without using an AI model."
    categories = (BlockCategory.TEXT,)

    class Input(BlockInput):
        text: str = Field(max_length=MAX_DOCUMENT_CHARS, description="The text to read")
        count: int = Field(default=10, ge=1, le=200, description="How many keywords at most")

    class Output(BlockOutput):
        keywords: list[str] = Field(description="Keywords and key phrases in lower case, most important first")

    examples = (
        BlockExample(
            input={
                "text": "Machine learning helps computers learn from data. Deep learning is part of machine "
                "learning. Data quality matters for machine learning.",
                "count": 3,
            },
            output=[("keywords", ["machine learning", "data quality matters", "machine learning helps"])],
        ),
        BlockExample(input={"text": "the and of to"}, output=[("keywords", [])], description="only stop words"),
    )

    async def run(self, input: Input, context: RunContext):
        yield "keywords", await offload(extract_keywords, len(input.text), input.text, input.count)
