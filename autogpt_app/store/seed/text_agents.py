"""Seed agents for text: summaries, keywords, clean-up, extraction, Markdown, counts, slugs, line lists.

All of them run offline on the built-in blocks: nothing pasted into them leaves the platform.
"""

from __future__ import annotations

from autogpt_app.blocks.builtin.conversion import UniversalTypeConverterBlock
from autogpt_app.blocks.builtin.markup import HtmlToTextBlock, MarkdownToHtmlBlock
from autogpt_app.blocks.builtin.text import (
    ChangeCaseBlock,
    ExtractTextInformationBlock,
    FillTextTemplateBlock,
    WordCharacterCountBlock,
)
from autogpt_app.blocks.builtin.text_analysis import ExtractiveSummaryBlock, KeywordExtractionBlock
from autogpt_app.store.seed.builder import (
    dropdown_input,
    graph,
    long_text_input,
    node,
    number_input,
    output,
    text_input,
    toggle_input,
)
from autogpt_app.store.seed.model import Sample, SeedAgent, all_of, contains, equals, excludes

_ARTICLE = (
    "Remote work changed how teams communicate. Many companies now run most meetings online. "
    "The office coffee machine broke on Tuesday. Written updates replace many status meetings in remote teams. "
    "Clear written communication has become the most valued skill in remote work. "
    "Lunch was pizza again."
)

# ---------------------------------------------------------------------------------------------
# Extractive summary
# ---------------------------------------------------------------------------------------------

TEXT_SUMMARY = SeedAgent(
    slug="extractive-text-summary",
    name="Extractive Text Summary",
    subheading="Shorten any long text to its key sentences, offline and without an AI model",
    description=(
        "Paste an article, a report or meeting notes and get back its few most representative sentences, in "
        "their original order. Sentences are scored by how many of the text's important words they share "
        "(an extractive summary): nothing is rewritten or made up, and no language model or API key is needed.\n\n"
        "Choose how many sentences to keep. The result also tells you how much shorter the summary is than "
        "the original."
    ),
    categories=("writing", "research", "productivity"),
    creator="datasmith",
    changelog="First release: extractive summary with a length report.",
    graph=graph(
        "Extractive Text Summary",
        "Keeps the most representative sentences of a text.",
        [
            long_text_input("text", "text", "Text", "The text to summarise (an article, report or notes)"),
            number_input("sentences", "sentences", "Sentences to keep", "How many sentences the summary has", 3),
            node("summarise", ExtractiveSummaryBlock),
            node("count_in", WordCharacterCountBlock),
            node("count_out", WordCharacterCountBlock),
            node(
                "stats",
                FillTextTemplateBlock,
                format="{{ after }} of {{ before }} words kept "
                "({{ (100 * after / before)|round|int if before else 100 }}%).",
            ),
            output("out_summary", "summary", "Summary", "The key sentences, in their original order"),
            output("out_stats", "length", "Length", "How much shorter the summary is"),
        ],
        [
            "text.result -> summarise.text",
            "sentences.result -> summarise.sentences",
            "summarise.summary -> out_summary.value",
            "text.result -> count_in.text",
            "summarise.summary -> count_out.text",
            "count_in.word_count -> stats.values_#_before",
            "count_out.word_count -> stats.values_#_after",
            "stats.output -> out_stats.value",
        ],
    ),
    samples=(
        Sample(
            inputs={"text": _ARTICLE, "sentences": 2},
            expect={
                "summary": all_of(
                    contains("Written updates replace many status meetings in remote teams."),
                    excludes("coffee", "pizza"),
                ),
                "length": equals("21 of 45 words kept (47%)."),
            },
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# Keywords
# ---------------------------------------------------------------------------------------------

KEYWORDS = SeedAgent(
    slug="keyword-extractor",
    name="Keyword Extractor",
    subheading="Find the key words and phrases of a text, for tags, SEO or a quick overview",
    description=(
        "Reads a text and lists its key words and short key phrases, most important first. Phrases are found "
        "between stop words and punctuation and scored by how strongly their words go together (the RAKE "
        "method), so “machine learning” stays one phrase. It runs offline, with no AI model.\n\n"
        "You get the keywords as a list, as one comma-separated line ready for a tag field, and as hashtags "
        "for social media."
    ),
    categories=("research", "marketing", "writing"),
    creator="datasmith",
    changelog="First release: keywords as a list, a comma-separated line and hashtags.",
    graph=graph(
        "Keyword Extractor",
        "Lists the key words and phrases of a text.",
        [
            long_text_input("text", "text", "Text", "The text to read"),
            number_input("count", "count", "How many keywords", "The most keywords to list", 8),
            node("extract", KeywordExtractionBlock),
            node("line", FillTextTemplateBlock, format="{{ keywords|join(', ') }}"),
            node(
                "tags",
                FillTextTemplateBlock,
                format="{% for k in keywords %}#{{ k.title().replace(' ', '').replace('-', '') }}"
                "{{ ' ' if not loop.last }}{% endfor %}",
            ),
            output("out_list", "keywords", "Keywords", "Key words and phrases, most important first"),
            output("out_line", "keywords_text", "Keywords (one line)", "The keywords separated by commas"),
            output("out_tags", "hashtags", "Hashtags", "The keywords as hashtags"),
        ],
        [
            "text.result -> extract.text",
            "count.result -> extract.count",
            "extract.keywords -> out_list.value",
            "extract.keywords -> line.values_#_keywords",
            "extract.keywords -> tags.values_#_keywords",
            "line.output -> out_line.value",
            "tags.output -> out_tags.value",
        ],
    ),
    samples=(
        Sample(
            inputs={
                "text": "Machine learning helps computers learn from data. Deep learning is part of machine learning. "
                "Data quality matters for machine learning.",
                "count": 3,
            },
            expect={
                "keywords": equals(["machine learning", "data quality matters", "machine learning helps"]),
                "keywords_text": equals("machine learning, data quality matters, machine learning helps"),
                "hashtags": equals("#MachineLearning #DataQualityMatters #MachineLearningHelps"),
            },
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# Text cleaner
# ---------------------------------------------------------------------------------------------

_PARAGRAPHS = "{% for p in text.replace('\\r\\n', '\\n').split('\\n\\n') %}<p>{{ p }}</p>{% endfor %}"
_STRAIGHTEN = (
    "{%- if straighten -%}"
    "{{ text|replace('\u201c', '\"')|replace('\u201d', '\"')|replace('\u201e', '\"')|replace('\u2018', \"'\")"
    "|replace('\u2019', \"'\")|replace('\u2013', '-')|replace('\u2014', '-')|replace('\u2026', '...')"
    "|replace('\u200b', '') }}"
    "{%- else -%}{{ text }}{%- endif -%}"
)

TEXT_CLEANER = SeedAgent(
    slug="text-cleaner",
    name="Text Cleaner",
    subheading="Strip HTML tags, extra spaces and typographic quotes from pasted text",
    description=(
        "Cleans text copied from web pages, PDFs or e-mails: removes HTML tags and entities, collapses runs "
        "of spaces, joins lines that were broken in the middle of a sentence, keeps paragraphs apart, drops "
        "empty lines and invisible zero-width characters. Curly quotes, long dashes and the ellipsis "
        "character become plain ASCII (switch that off to keep them).\n\n"
        "Anything that looks like an HTML tag is removed, so the result is safe to paste into plain-text "
        "fields, spreadsheets and code."
    ),
    categories=("utilities", "writing"),
    creator="datasmith",
    changelog="First release: tags, entities, whitespace, broken lines and typographic characters.",
    graph=graph(
        "Text Cleaner",
        "Removes markup and stray whitespace from text.",
        [
            long_text_input("text", "text", "Text to clean", "Paste the text (HTML is fine)"),
            toggle_input(
                "straighten",
                "straighten_quotes",
                "Plain quotes and dashes",
                "Turn curly quotes, long dashes and … into plain ASCII characters",
                True,
            ),
            node("paragraphs", FillTextTemplateBlock, format=_PARAGRAPHS),
            node("strip", HtmlToTextBlock),
            node("plain", FillTextTemplateBlock, format=_STRAIGHTEN),
            node("count", WordCharacterCountBlock),
            output("out_text", "cleaned", "Clean text", "The cleaned text, one paragraph per block"),
            output("out_words", "word_count", "Words", "How many words the clean text has"),
        ],
        [
            "text.result -> paragraphs.values_#_text",
            "paragraphs.output -> strip.html",
            "strip.text -> plain.values_#_text",
            "straighten.result -> plain.values_#_straighten",
            "plain.output -> out_text.value",
            "plain.output -> count.text",
            "count.word_count -> out_words.value",
        ],
    ),
    samples=(
        Sample(
            inputs={
                "text": "  <p>Hello&nbsp;&nbsp;<b>world</b>!</p>\n\n"
                "It\u2019s   a \u201csmart\u201d quote \u2014 test\u2026\n\n\n\n"
                "Line  one\nwrapped\u200b here.<br>"
            },
            expect={
                "cleaned": equals('Hello world!\n\nIt\'s a "smart" quote - test...\n\nLine one wrapped here.'),
                "word_count": equals(12),
            },
        ),
        Sample(
            inputs={"text": "Keep \u201cthese\u201d \u2014 please", "straighten_quotes": False},
            expect={"cleaned": equals("Keep \u201cthese\u201d \u2014 please")},
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# E-mail and URL extractor
# ---------------------------------------------------------------------------------------------

EMAIL_PATTERN = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
URL_PATTERN = r"https?://[^\s<>\"'()\[\]]*[^\s<>\"'()\[\].,;:!?]"

CONTACT_EXTRACTOR = SeedAgent(
    slug="email-and-url-extractor",
    name="E-mail and URL Extractor",
    subheading="Pull every email address and web link out of a block of text with regular expressions",
    description=(
        "Finds all e-mail addresses and all http(s) links in any text: an e-mail thread, a web page's source, "
        "a CSV export or a chat log. Duplicates are removed (e-mail addresses regardless of capitals), the order "
        "of first appearance is kept, and punctuation at the end of a sentence is not taken as part of a link.\n\n"
        "Matching uses regular expressions (regex) with a time limit, so even a huge paste cannot hang the agent."
    ),
    categories=("data", "utilities"),
    creator="datasmith",
    changelog="First release: de-duplicated e-mail addresses and links with counts.",
    graph=graph(
        "E-mail and URL Extractor",
        "Extracts e-mail addresses and links from text.",
        [
            long_text_input("text", "text", "Text", "The text to search"),
            node("find_emails", ExtractTextInformationBlock, pattern=EMAIL_PATTERN, find_all=True),
            node("find_urls", ExtractTextInformationBlock, pattern=URL_PATTERN, find_all=True, case_sensitive=False),
            node("unique_emails", FillTextTemplateBlock, format="{{ items|map('lower')|unique|list|tojson }}"),
            node("unique_urls", FillTextTemplateBlock, format="{{ items|unique|list|tojson }}"),
            node("emails", UniversalTypeConverterBlock, type="list"),
            node("urls", UniversalTypeConverterBlock, type="list"),
            node(
                "summary",
                FillTextTemplateBlock,
                format="Found {{ emails|length }} e-mail address{{ 'es' if emails|length != 1 }} "
                "and {{ urls|length }} link{{ 's' if urls|length != 1 }}.",
            ),
            output("out_emails", "emails", "E-mail addresses", "Every address found, once each"),
            output("out_urls", "urls", "Links", "Every http(s) link found, once each"),
            output("out_summary", "summary", "Summary", "How many of each were found"),
        ],
        [
            "text.result -> find_emails.text",
            "text.result -> find_urls.text",
            "find_emails.matched_results -> unique_emails.values_#_items",
            "find_urls.matched_results -> unique_urls.values_#_items",
            "unique_emails.output -> emails.value",
            "unique_urls.output -> urls.value",
            "emails.value -> out_emails.value",
            "urls.value -> out_urls.value",
            "emails.value -> summary.values_#_emails",
            "urls.value -> summary.values_#_urls",
            "summary.output -> out_summary.value",
        ],
    ),
    samples=(
        Sample(
            inputs={
                "text": "Write to Sales@Example.com or support@example.co.uk (not sales@example.com twice). "
                "Docs: https://example.com/docs/start?lang=en. Status at https://status.example.com, "
                "and again https://example.com/docs/start?lang=en!"
            },
            expect={
                "emails": equals(["sales@example.com", "support@example.co.uk"]),
                "urls": equals(["https://example.com/docs/start?lang=en", "https://status.example.com"]),
                "summary": equals("Found 2 e-mail addresses and 2 links."),
            },
        ),
        Sample(
            inputs={"text": "Nothing to see here."},
            expect={
                "emails": equals([]),
                "urls": equals([]),
                "summary": equals("Found 0 e-mail addresses and 0 links."),
            },
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# Markdown to HTML
# ---------------------------------------------------------------------------------------------

_PAGE = """\
{%- if full_page -%}
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title|e }}</title>
<style>body{max-width:42rem;margin:2rem auto;padding:0 1rem;font:16px/1.6 system-ui,sans-serif}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem .5rem}pre{overflow:auto}</style>
</head>
<body>
{{ html }}</body>
</html>
{% else -%}
{{ html }}
{%- endif -%}"""

MARKDOWN_TO_HTML = SeedAgent(
    slug="markdown-to-html-converter",
    name="Markdown to HTML Converter",
    subheading="Turn Markdown notes into clean, safe HTML, or a complete web page",
    description=(
        "Converts Markdown (CommonMark with tables and strikethrough) into HTML: headings, lists, links, "
        "emphasis, code blocks and tables. Raw HTML in the input is shown as text rather than run, so the "
        "result is safe to paste into a website, a CMS or an HTML e-mail.\n\n"
        "Switch on “complete page” to get a stand-alone HTML document with a title and simple readable styles, "
        "ready to save as a .html file."
    ),
    categories=("developer", "writing"),
    creator="datasmith",
    changelog="First release: HTML fragment or a complete styled page.",
    graph=graph(
        "Markdown to HTML Converter",
        "Converts Markdown to HTML.",
        [
            long_text_input("markdown", "markdown", "Markdown", "The Markdown text"),
            text_input("title", "title", "Page title", "Title of the page (used for a complete page)", "Document"),
            toggle_input(
                "full", "full_page", "Complete page", "Wrap the HTML in a stand-alone page with a title", False
            ),
            node("convert", MarkdownToHtmlBlock),
            node("page", FillTextTemplateBlock, format=_PAGE),
            output("out_html", "html", "HTML", "The HTML"),
        ],
        [
            "markdown.result -> convert.markdown",
            "convert.html -> page.values_#_html",
            "title.result -> page.values_#_title",
            "full.result -> page.values_#_full_page",
            "page.output -> out_html.value",
        ],
    ),
    samples=(
        Sample(
            inputs={
                "markdown": "# Release notes\n\n- **Faster** search\n- [Docs](https://example.com/docs)\n\n"
                "| a | b |\n|---|---|\n| 1 | 2 |\n\n<script>alert(1)</script>",
                "title": "Release <notes>",
                "full_page": True,
            },
            expect={
                "html": all_of(
                    contains("<!DOCTYPE html>", "<title>Release &lt;notes&gt;</title>", "<h1>Release notes</h1>"),
                    contains("<strong>Faster</strong>", '<a href="https://example.com/docs">Docs</a>', "<table>"),
                    contains("&lt;script&gt;"),
                    excludes("<script>"),
                )
            },
        ),
        Sample(
            inputs={"markdown": "Some *emphasis*."},
            expect={"html": equals("<p>Some <em>emphasis</em>.</p>\n")},
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# Word count and reading time
# ---------------------------------------------------------------------------------------------

_TIMES = (
    "About {{ (words / wpm)|round(0, 'ceil')|int }} min to read and "
    "{{ (words / 130)|round(0, 'ceil')|int }} min to say aloud ({{ words }} words, {{ characters }} characters)."
)

WORD_COUNT = SeedAgent(
    slug="word-count-reading-time",
    name="Word Count and Reading Time",
    subheading="Count words and characters and estimate how long a text takes to read or say aloud",
    description=(
        "Counts the words and characters of a text and estimates how long it takes to read silently (238 "
        "words a minute by default, the average for adults reading non-fiction) and to speak aloud (130 words "
        "a minute, a relaxed presentation pace).\n\n"
        "Useful for blog posts (“5 min read”), talks, speeches, podcast scripts and essays with a word limit. "
        "Lower the reading speed for technical material."
    ),
    categories=("writing", "utilities"),
    creator="datasmith",
    changelog="First release: words, characters, reading and speaking time.",
    graph=graph(
        "Word Count and Reading Time",
        "Counts words and estimates reading time.",
        [
            long_text_input("text", "text", "Text", "The text to measure"),
            number_input("wpm", "words_per_minute", "Reading speed", "Words read per minute", 238),
            node("count", WordCharacterCountBlock),
            node("times", FillTextTemplateBlock, format=_TIMES),
            output("out_words", "word_count", "Words", "Number of words"),
            output("out_chars", "character_count", "Characters", "Number of characters, spaces included"),
            output("out_times", "reading_time", "Reading time", "Reading and speaking time"),
        ],
        [
            "text.result -> count.text",
            "count.word_count -> out_words.value",
            "count.character_count -> out_chars.value",
            "count.word_count -> times.values_#_words",
            "count.character_count -> times.values_#_characters",
            "wpm.result -> times.values_#_wpm",
            "times.output -> out_times.value",
        ],
    ),
    samples=(
        Sample(
            inputs={"text": " ".join(["The quick brown fox jumps over the lazy dog."] * 60)},
            expect={
                "word_count": equals(540),
                "character_count": equals(2699),
                "reading_time": equals("About 3 min to read and 5 min to say aloud (540 words, 2699 characters)."),
            },
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# Slugs and identifiers
# ---------------------------------------------------------------------------------------------

SLUG_GENERATOR = SeedAgent(
    slug="slug-generator",
    name="URL Slug Generator",
    subheading="Make a URL slug, a snake_case and a camelCase name from any title",
    description=(
        "Turns a title or phrase into a URL slug (lower-case words joined by hyphens, punctuation dropped), "
        "and into snake_case and camelCase identifiers for code, plus a Title Case headline. Abbreviations "
        "are split sensibly: “HTTPResponse” becomes “http-response”.\n\n"
        "Handy for blog post addresses, file names, database columns and variables."
    ),
    categories=("developer", "marketing", "utilities"),
    creator="datasmith",
    changelog="First release: slug, snake_case, camelCase and Title Case.",
    graph=graph(
        "URL Slug Generator",
        "Makes a slug and identifiers from a title.",
        [
            text_input("text", "text", "Title or phrase", "e.g. 10 Tips for Better Sleep!"),
            node("kebab", ChangeCaseBlock, case="kebab"),
            node("snake", ChangeCaseBlock, case="snake"),
            node("camel", ChangeCaseBlock, case="camel"),
            node("title", ChangeCaseBlock, case="title"),
            output("out_slug", "slug", "Slug", "lower-case-words-with-hyphens"),
            output("out_snake", "snake_case", "snake_case", "lower_case_words_with_underscores"),
            output("out_camel", "camel_case", "camelCase", "wordsJoinedWithCapitals"),
            output("out_title", "title_case", "Title Case", "Every Word Capitalised"),
        ],
        [
            "text.result -> kebab.text",
            "text.result -> snake.text",
            "text.result -> camel.text",
            "text.result -> title.text",
            "kebab.output -> out_slug.value",
            "snake.output -> out_snake.value",
            "camel.output -> out_camel.value",
            "title.output -> out_title.value",
        ],
    ),
    samples=(
        Sample(
            inputs={"text": "10 Tips for Better Sleep — Parse the HTTPResponse!"},
            expect={
                "slug": equals("10-tips-for-better-sleep-parse-the-http-response"),
                "snake_case": equals("10_tips_for_better_sleep_parse_the_http_response"),
                "camel_case": equals("10TipsForBetterSleepParseTheHttpResponse"),
                "title_case": equals("10 Tips For Better Sleep — Parse The Httpresponse!"),
            },
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# Sort and de-duplicate lines
# ---------------------------------------------------------------------------------------------

_LINES = """\
{%- set all = text.splitlines()|map('trim')|reject('equalto', '')|list -%}
{%- set kept = all|unique(case_sensitive=not ignore_case)|list -%}
{%- if order == 'A to Z' -%}{%- set kept = kept|sort(case_sensitive=not ignore_case)|list -%}
{%- elif order == 'Z to A' -%}{%- set kept = kept|sort(reverse=true, case_sensitive=not ignore_case)|list -%}
{%- endif -%}
{{ {'lines': kept|join('\\n'), 'kept': kept|length, 'duplicates': all|length - kept|length,
     'blank': text.splitlines()|length - all|length}|tojson }}"""

SORT_LINES = SeedAgent(
    slug="sort-and-deduplicate-lines",
    name="Sort and De-duplicate Lines",
    subheading="Remove duplicate lines from a list and sort it A to Z",
    description=(
        "Paste a list, one item per line (e-mail addresses, keywords, names, URLs), and get it back without "
        "duplicates and without blank lines, sorted A to Z, Z to A, or in the original order. Choose whether "
        "“Apple” and “apple” count as the same line.\n\n"
        "The result says how many lines were kept and how many duplicates were removed."
    ),
    categories=("utilities", "data"),
    creator="datasmith",
    changelog="First release: de-duplicate, sort either way or keep the order, optional case-insensitivity.",
    graph=graph(
        "Sort and De-duplicate Lines",
        "Removes duplicate and blank lines and sorts the rest.",
        [
            long_text_input("text", "text", "Lines", "One item per line"),
            dropdown_input(
                "order", "order", "Order", "How to order the lines", ["A to Z", "Z to A", "original order"], "A to Z"
            ),
            toggle_input(
                "ignore_case", "ignore_case", "Ignore capitals", "Treat 'Apple' and 'apple' as the same line", True
            ),
            node("process", FillTextTemplateBlock, format=_LINES),
            node("parse", UniversalTypeConverterBlock, type="dictionary"),
            node(
                "report",
                FillTextTemplateBlock,
                format="{{ r.kept }} line{{ 's' if r.kept != 1 }} kept; "
                "{{ r.duplicates }} duplicate{{ 's' if r.duplicates != 1 }} "
                "and {{ r.blank }} blank line{{ 's' if r.blank != 1 }} removed.",
            ),
            node("lines", FillTextTemplateBlock, format="{{ r.lines }}"),
            output("out_lines", "lines", "Lines", "The list, de-duplicated and ordered"),
            output("out_report", "report", "Report", "What changed"),
        ],
        [
            "text.result -> process.values_#_text",
            "order.result -> process.values_#_order",
            "ignore_case.result -> process.values_#_ignore_case",
            "process.output -> parse.value",
            "parse.value -> report.values_#_r",
            "parse.value -> lines.values_#_r",
            "lines.output -> out_lines.value",
            "report.output -> out_report.value",
        ],
    ),
    samples=(
        Sample(
            inputs={"text": "banana\nApple\n\napple\ncherry\nbanana  \n"},
            expect={
                "lines": equals("Apple\nbanana\ncherry"),
                "report": equals("3 lines kept; 2 duplicates and 1 blank line removed."),
            },
        ),
        Sample(
            inputs={"text": "b\na\nB\na", "order": "original order", "ignore_case": False},
            expect={
                "lines": equals("b\na\nB"),
                "report": equals("3 lines kept; 1 duplicate and 0 blank lines removed."),
            },
        ),
    ),
)

TEXT_AGENTS = (
    TEXT_SUMMARY,
    KEYWORDS,
    TEXT_CLEANER,
    CONTACT_EXTRACTOR,
    MARKDOWN_TO_HTML,
    WORD_COUNT,
    SLUG_GENERATOR,
    SORT_LINES,
)
