"""Seed agents that use a language model through an OpenAI-compatible API key (OpenAI, Ollama, vLLM…).

The person running them picks their own credential; the model is the credential's (or the platform's
default). Prompts take the run's inputs through ``prompt_values``, so what a person typed is sent as
data inside clear instructions.
"""

from __future__ import annotations

import json

from autogpt_app.blocks.builtin.dict_blocks import FindInDictionaryBlock
from autogpt_app.blocks.builtin.llm import (
    AIStructuredResponseGeneratorBlock,
    AITextGeneratorBlock,
    AITextSummarizerBlock,
)
from autogpt_app.blocks.builtin.markup import MarkdownToHtmlBlock
from autogpt_app.blocks.builtin.text import FillTextTemplateBlock, WordCharacterCountBlock
from autogpt_app.blocks.builtin.web_page import FetchWebPageBlock
from autogpt_app.store.seed.builder import (
    dropdown_input,
    graph,
    long_text_input,
    node,
    number_input,
    output,
    text_input,
)
from autogpt_app.store.seed.model import Sample, SeedAgent, Served, contains, equals

_NEEDS_KEY = (
    "\n\nNeeds an OpenAI API key, or a key for any OpenAI-compatible server (Ollama, vLLM, LM Studio…) with its "
    "address: add it under Credentials and pick it when you run the agent."
)

# ---------------------------------------------------------------------------------------------
# Blog post writer
# ---------------------------------------------------------------------------------------------

_BLOG_POST = (
    "# Sleep better tonight\n\nGood sleep starts hours before bed.\n\n## Keep a rhythm\n\nGo to bed at the same time."
)

BLOG_WRITER = SeedAgent(
    slug="blog-post-writer",
    name="Blog Post Writer",
    subheading="Draft a complete, structured blog article from a topic with AI",
    description=(
        "Give a topic, the readers you write for, a tone and a rough length, and get a complete blog post "
        "draft in Markdown: a title, an introduction that hooks, sections with headings, and a conclusion "
        "with a call to action. The agent also gives the post as HTML, ready to paste into a CMS, and its "
        "word count.\n\n"
        "Treat it as a first draft: check the facts and add your own examples and voice." + _NEEDS_KEY
    ),
    categories=("writing", "marketing", "ai"),
    creator="quill-and-ink",
    featured=True,
    changelog="First release: Markdown and HTML drafts with audience, tone and length.",
    graph=graph(
        "Blog Post Writer",
        "Writes a blog post draft with a language model.",
        [
            text_input("topic", "topic", "Topic", "What the post is about, e.g. How to sleep better"),
            text_input("audience", "audience", "Readers", "Who it is for", "general readers"),
            dropdown_input(
                "tone",
                "tone",
                "Tone",
                "How it should sound",
                ["friendly", "professional", "witty", "inspiring", "academic"],
                "friendly",
            ),
            number_input("words", "length_words", "Length (words)", "About how long the post should be", 800),
            node(
                "write",
                AITextGeneratorBlock,
                sys_prompt="You are an experienced blog writer and editor. You write clear, well-structured "
                "articles in Markdown, with a # title, an engaging introduction, ## section headings, "
                "short paragraphs and a conclusion with a call to action. Answer with the article only.",
                prompt="Write a blog post of about {{ words }} words on this topic: {{ topic }}\n"
                "Readers: {{ audience }}\nTone: {{ tone }}",
            ),
            node("html", MarkdownToHtmlBlock),
            node("count", WordCharacterCountBlock),
            output("out_post", "post", "Blog post (Markdown)", "The draft in Markdown"),
            output("out_html", "html", "Blog post (HTML)", "The draft as HTML"),
            output("out_words", "word_count", "Words", "Length of the draft"),
        ],
        [
            "topic.result -> write.prompt_values_#_topic",
            "audience.result -> write.prompt_values_#_audience",
            "tone.result -> write.prompt_values_#_tone",
            "words.result -> write.prompt_values_#_words",
            "write.response -> out_post.value",
            "write.response -> html.markdown",
            "html.html -> out_html.value",
            "write.response -> count.text",
            "count.word_count -> out_words.value",
        ],
    ),
    samples=(
        Sample(
            inputs={"topic": "How to sleep better", "audience": "busy parents", "tone": "witty", "length_words": 600},
            llm_reply=_BLOG_POST,
            prompt_contains=(
                "about 600 words on this topic: How to sleep better",
                "Readers: busy parents",
                "Tone: witty",
            ),
            expect={
                "post": equals(_BLOG_POST),
                "html": contains("<h1>Sleep better tonight</h1>", "<h2>Keep a rhythm</h2>"),
                "word_count": equals(21),
            },
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# Social post writer
# ---------------------------------------------------------------------------------------------

_LIMITS = "{'LinkedIn': 3000, 'X (Twitter)': 280, 'Mastodon': 500, 'Bluesky': 300, 'Instagram': 2200}"
_SOCIAL_REPLY = "Our new app is live! Plan meals in minutes and shop smarter. Try it free today. #MealPlanning #Launch"

SOCIAL_WRITER = SeedAgent(
    slug="social-post-writer",
    name="Social Media Post Writer",
    subheading="Turn an announcement into a ready-to-post update for LinkedIn, X, Mastodon or Instagram",
    description=(
        "Describe what you want to announce — a launch, an event, an article, a hire — pick the platform and "
        "how many hashtags you want, and get a post written for that platform's audience and style. The agent "
        "checks the length against the platform's character limit (280 on X, 500 on Mastodon, 300 on "
        "Bluesky, 2,200 on Instagram, 3,000 on LinkedIn) so you know it fits before you paste it." + _NEEDS_KEY
    ),
    categories=("marketing", "writing", "ai"),
    creator="quill-and-ink",
    changelog="First release: five platforms, hashtags and a length check.",
    graph=graph(
        "Social Media Post Writer",
        "Writes a social media post with a language model.",
        [
            long_text_input("what", "announcement", "What to announce", "The news, in your own words"),
            dropdown_input(
                "platform",
                "platform",
                "Platform",
                "Where it will be posted",
                ["LinkedIn", "X (Twitter)", "Mastodon", "Bluesky", "Instagram"],
                "LinkedIn",
            ),
            number_input("tags", "hashtags", "Hashtags", "How many hashtags to add", 3),
            node(
                "write",
                AITextGeneratorBlock,
                sys_prompt="You write social media posts that people want to read: a strong first line, plain "
                "words, one clear call to action, no clichés. Answer with the post text only.",
                prompt="Write a {{ platform }} post announcing the following, with {{ hashtags }} relevant "
                "hashtags at the end. Stay within {{ platform }}'s length limit.\n\n{{ announcement }}",
            ),
            node("count", WordCharacterCountBlock),
            node(
                "fit",
                FillTextTemplateBlock,
                format="{%- set limit = " + _LIMITS + "[platform] -%}"
                "{{ n }} of {{ limit }} characters: "
                "{{ 'fits' if n <= limit else 'too long by ' ~ (n - limit) ~ ' characters' }}.",
            ),
            output("out_post", "post", "Post", "The post, ready to paste"),
            output("out_fit", "length_check", "Length check", "Whether the post fits the platform's limit"),
        ],
        [
            "what.result -> write.prompt_values_#_announcement",
            "platform.result -> write.prompt_values_#_platform",
            "tags.result -> write.prompt_values_#_hashtags",
            "write.response -> out_post.value",
            "write.response -> count.text",
            "count.character_count -> fit.values_#_n",
            "platform.result -> fit.values_#_platform",
            "fit.output -> out_fit.value",
        ],
    ),
    samples=(
        Sample(
            inputs={
                "announcement": "We launched our meal planning app today; free for everyone.",
                "platform": "X (Twitter)",
                "hashtags": 2,
            },
            llm_reply=_SOCIAL_REPLY,
            prompt_contains=("Write a X (Twitter) post", "with 2 relevant hashtags", "meal planning app"),
            expect={
                "post": equals(_SOCIAL_REPLY),
                "length_check": equals(f"{len(_SOCIAL_REPLY)} of 280 characters: fits."),
            },
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# Translator
# ---------------------------------------------------------------------------------------------

TRANSLATOR = SeedAgent(
    slug="ai-translator",
    name="AI Translator",
    subheading="Translate text into any language, keeping its meaning, tone and formatting",
    description=(
        "Translates text into the language you choose — French, Spanish, German, Japanese, Portuguese, "
        "or any other language the model knows — the way a professional translator would: natural phrasing "
        "rather than word-for-word, the original's tone, and its formatting (paragraphs, lists, Markdown, "
        "placeholders such as {name}) kept intact.\n\n"
        "Choose formal or informal address where the language makes the difference (vous/tu, Sie/du)." + _NEEDS_KEY
    ),
    categories=("writing", "ai"),
    creator="quill-and-ink",
    featured=True,
    changelog="First release: any target language, formality, formatting preserved.",
    graph=graph(
        "AI Translator",
        "Translates text with a language model.",
        [
            long_text_input("text", "text", "Text", "The text to translate"),
            text_input("language", "target_language", "Translate into", "The language to translate into", "French"),
            dropdown_input(
                "formality",
                "formality",
                "Formality",
                "How to address the reader",
                ["neutral", "formal", "informal"],
                "neutral",
            ),
            node(
                "translate",
                AITextGeneratorBlock,
                sys_prompt="You are a professional translator. Translate faithfully and naturally, keep the tone, "
                "keep formatting, line breaks, Markdown and placeholders such as {name} unchanged. "
                "Answer with the translation only, without notes.",
                prompt="Translate the text below into {{ language }} ({{ formality }} register).\n\nText:\n{{ text }}",
            ),
            output("out", "translation", "Translation", "The translated text"),
        ],
        [
            "text.result -> translate.prompt_values_#_text",
            "language.result -> translate.prompt_values_#_language",
            "formality.result -> translate.prompt_values_#_formality",
            "translate.response -> out.value",
        ],
    ),
    samples=(
        Sample(
            inputs={"text": "Thank you for your order, {name}!", "target_language": "German", "formality": "formal"},
            llm_reply="Vielen Dank für Ihre Bestellung, {name}!",
            prompt_contains=("into German (formal register)", "Thank you for your order, {name}!"),
            expect={"translation": equals("Vielen Dank für Ihre Bestellung, {name}!")},
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# E-mail reply drafter
# ---------------------------------------------------------------------------------------------

_REPLY = "Hi Sam,\n\nThanks for the invitation. Thursday at 10:00 works for me.\n\nBest,\nAlex"

EMAIL_REPLY = SeedAgent(
    slug="email-reply-drafter",
    name="E-mail Reply Drafter",
    subheading="Draft a polite, clear reply to an email in the tone you choose",
    description=(
        "Paste an e-mail you received and, in a few words, what you want to answer (“yes to Thursday, ask "
        "for the agenda”). The agent drafts a complete reply that answers every question in the message, "
        "in the tone you pick — friendly, formal, brief or apologetic — signed with your name.\n\n"
        "Nothing is sent: you get a draft to check and paste into your mail program." + _NEEDS_KEY
    ),
    categories=("productivity", "writing", "ai"),
    creator="quill-and-ink",
    changelog="First release: replies that follow your points, in four tones.",
    graph=graph(
        "E-mail Reply Drafter",
        "Drafts a reply to an e-mail with a language model.",
        [
            long_text_input("email", "email", "E-mail received", "Paste the message you want to answer"),
            long_text_input(
                "points", "what_to_say", "What to say", "Your answer in a few words", "Thank them and say yes."
            ),
            dropdown_input(
                "tone",
                "tone",
                "Tone",
                "How the reply should sound",
                ["friendly", "formal", "brief", "apologetic"],
                "friendly",
            ),
            text_input("name", "your_name", "Your name", "How to sign the reply"),
            node(
                "draft",
                AITextGeneratorBlock,
                sys_prompt="You draft e-mail replies for the user. Answer every question in the received message, "
                "follow the user's points, never invent commitments, and answer with the reply only "
                "(greeting, body, sign-off).",
                prompt="Received e-mail:\n{{ email }}\n\nWhat I want to say: {{ points }}\nTone: {{ tone }}\n"
                "Sign the reply as: {{ name }}",
            ),
            output("out", "reply", "Reply", "The draft reply"),
        ],
        [
            "email.result -> draft.prompt_values_#_email",
            "points.result -> draft.prompt_values_#_points",
            "tone.result -> draft.prompt_values_#_tone",
            "name.result -> draft.prompt_values_#_name",
            "draft.response -> out.value",
        ],
    ),
    samples=(
        Sample(
            inputs={
                "email": "Hi Alex, could we meet on Thursday at 10:00 to plan the launch? Sam",
                "what_to_say": "Yes, Thursday works",
                "your_name": "Alex",
            },
            llm_reply=_REPLY,
            prompt_contains=(
                "could we meet on Thursday",
                "What I want to say: Yes, Thursday works",
                "Sign the reply as: Alex",
            ),
            expect={"reply": equals(_REPLY)},
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# Meeting notes to action items (structured answer)
# ---------------------------------------------------------------------------------------------

_NOTES_REPORT = """\
{%- set decisions = r.decisions if r.decisions is sequence and r.decisions is not string else [r.decisions] -%}
{%- set items = r.action_items if r.action_items is sequence and r.action_items is not string else [r.action_items] -%}
## Summary
{{ r.summary }}

## Decisions
{% for d in decisions if d -%}
- {{ d }}
{% else -%}
- None recorded
{% endfor %}
## Action items
{% for a in items if a -%}
- [ ] {{ a }}
{% else -%}
- None recorded
{% endfor -%}"""
_NOTES_REPLY = json.dumps(
    {
        "summary": "The team agreed to ship the beta on 3 March.",
        "decisions": ["Beta ships on 3 March", "Dark mode waits for version 2"],
        "action_items": ["Priya: write release notes (by 28 Feb)", "Tom: update the pricing page"],
    }
)

MEETING_NOTES = SeedAgent(
    slug="meeting-notes-action-items",
    name="Meeting Notes to Action Items",
    subheading="Turn raw meeting notes into a summary, decisions and a task list",
    description=(
        "Paste rough notes or a transcript of a meeting and get a tidy recap: a two-sentence summary, the "
        "decisions that were made, and the action items with their owners and due dates when the notes "
        "mention them, as a Markdown checklist ready for your wiki, chat or tracker.\n\n"
        "The model answers in a fixed structure that the agent checks (and asks again if needed), so the "
        "recap always has the same three parts." + _NEEDS_KEY
    ),
    categories=("productivity", "ai"),
    creator="quill-and-ink",
    changelog="First release: summary, decisions and action items as a Markdown checklist.",
    graph=graph(
        "Meeting Notes to Action Items",
        "Summarises meeting notes into decisions and action items.",
        [
            long_text_input("notes", "notes", "Meeting notes", "Notes or a transcript of the meeting"),
            node(
                "extract",
                AIStructuredResponseGeneratorBlock,
                sys_prompt="You turn meeting notes into a precise recap. Use only what the notes say.",
                prompt="Meeting notes:\n{{ notes }}",
                expected_format={
                    "summary": "two sentences on what the meeting was about and its outcome",
                    "decisions": "a list of the decisions made (empty list if none)",
                    "action_items": "a list of tasks, each as 'Owner: task (due date)' when known",
                },
            ),
            node("report", FillTextTemplateBlock, format=_NOTES_REPORT),
            node("items", FindInDictionaryBlock, key="action_items"),
            output("out_report", "recap", "Recap", "Summary, decisions and action items in Markdown"),
            output("out_items", "action_items", "Action items", "The tasks as a list"),
        ],
        [
            "notes.result -> extract.prompt_values_#_notes",
            "extract.response -> report.values_#_r",
            "report.output -> out_report.value",
            "extract.response -> items.input",
            "items.output -> out_items.value",
        ],
    ),
    samples=(
        Sample(
            inputs={
                "notes": "priya: beta 3 march ok? all agree. dark mode -> v2. "
                "priya does notes by 28/2, tom pricing page"
            },
            llm_reply=_NOTES_REPLY,
            prompt_contains=("priya: beta 3 march ok?", '"action_items"'),
            expect={
                "recap": contains(
                    "## Summary\nThe team agreed to ship the beta on 3 March.",
                    "- Dark mode waits for version 2",
                    "- [ ] Priya: write release notes (by 28 Feb)",
                ),
                "action_items": equals(["Priya: write release notes (by 28 Feb)", "Tom: update the pricing page"]),
            },
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# Web article summariser (AI)
# ---------------------------------------------------------------------------------------------

_NEWS_PAGE = """<html><head><title>City adds 40 km of bike lanes</title></head><body>
<article><h1>City adds 40 km of bike lanes</h1><p>The council approved 40 km of protected bike lanes on Monday.
Construction starts in April and ends next year.</p></article></body></html>"""
_NEWS_SUMMARY = "- 40 km of protected bike lanes approved\n- Work runs from April until next year"

ARTICLE_SUMMARY = SeedAgent(
    slug="ai-article-summarizer",
    name="AI Article Summarizer",
    subheading="Summarise any news article or blog post from its web address with AI",
    description=(
        "Give the address of an article, a blog post or a documentation page: the agent reads the page, "
        "leaves out menus and scripts, and has a language model summarise it in the style you choose — a "
        "concise paragraph, a detailed summary, bullet points or a numbered list — focused on what you care "
        "about (“the main findings”, “what changes for users”). Long pages are summarised piece by piece and "
        "then combined.\n\n"
        "For a summary without an AI model, see Web Page Summary (Offline)." + _NEEDS_KEY
    ),
    categories=("research", "ai"),
    creator="quill-and-ink",
    changelog="First release: four styles, a focus, and long pages in pieces.",
    graph=graph(
        "AI Article Summarizer",
        "Summarises a web page with a language model.",
        [
            text_input("url", "url", "Article address", "e.g. https://example.com/news/story"),
            dropdown_input(
                "style",
                "style",
                "Style",
                "How the summary is written",
                ["concise", "detailed", "bullet points", "numbered list"],
                "bullet points",
            ),
            text_input("focus", "focus", "Focus on", "What the summary should concentrate on", "the main points"),
            node("read", FetchWebPageBlock),
            node("summarise", AITextSummarizerBlock),
            output("out_title", "title", "Title", "The page's title"),
            output("out_summary", "summary", "Summary", "The summary"),
        ],
        [
            "url.result -> read.url",
            "read.text -> summarise.text",
            "style.result -> summarise.style",
            "focus.result -> summarise.focus",
            "read.title -> out_title.value",
            "summarise.summary -> out_summary.value",
        ],
    ),
    samples=(
        Sample(
            inputs={"url": "{server}/news/bike-lanes"},
            serve={"/news/bike-lanes": Served(_NEWS_PAGE)},
            llm_reply=_NEWS_SUMMARY,
            prompt_contains=("bullet points summaries focused on the main points", "40 km of protected bike lanes"),
            expect={"title": equals("City adds 40 km of bike lanes"), "summary": equals(_NEWS_SUMMARY)},
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# Product description writer
# ---------------------------------------------------------------------------------------------

_PRODUCT_REPLY = json.dumps(
    {
        "headline": "Tea that stays hot for 12 hours",
        "description": "Our double-walled steel flask keeps drinks hot all day and fits every cup holder.",
        "bullets": ["Hot for 12 hours, cold for 24", "Leak-proof lid", "Dishwasher safe"],
    }
)

PRODUCT_WRITER = SeedAgent(
    slug="product-description-writer",
    name="Product Description Writer",
    subheading="Write a headline, a description and benefit bullets for a product page",
    description=(
        "List a product's name and features and say who buys it: the agent writes a headline, a persuasive "
        "description and benefit-led bullet points for an online shop, a marketplace listing or a landing "
        "page. Features become benefits (“double-walled steel” → “hot for 12 hours”), in plain, honest words "
        "without invented claims." + _NEEDS_KEY
    ),
    categories=("marketing", "writing", "ai"),
    creator="quill-and-ink",
    changelog="First release: headline, description and bullets in one go.",
    graph=graph(
        "Product Description Writer",
        "Writes product page copy with a language model.",
        [
            text_input("product", "product", "Product", "The product's name"),
            long_text_input("features", "features", "Features", "What it is and does, one feature per line"),
            text_input("audience", "audience", "Customers", "Who buys it", "online shoppers"),
            node(
                "write",
                AIStructuredResponseGeneratorBlock,
                sys_prompt="You are a conversion copywriter. Turn features into benefits, in plain words, and "
                "never invent facts that the features do not state.",
                prompt="Product: {{ product }}\nCustomers: {{ audience }}\nFeatures:\n{{ features }}",
                expected_format={
                    "headline": "a headline of at most 10 words",
                    "description": "a persuasive description of 2 to 4 sentences",
                    "bullets": "a list of 3 to 5 short benefit bullet points",
                },
            ),
            node(
                "page",
                FillTextTemplateBlock,
                format="## {{ c.headline }}\n\n{{ c.description }}\n\n{% for b in c.bullets %}- {{ b }}\n{% endfor %}",
            ),
            output("out_page", "copy", "Product copy", "Headline, description and bullets in Markdown"),
        ],
        [
            "product.result -> write.prompt_values_#_product",
            "features.result -> write.prompt_values_#_features",
            "audience.result -> write.prompt_values_#_audience",
            "write.response -> page.values_#_c",
            "page.output -> out_page.value",
        ],
    ),
    samples=(
        Sample(
            inputs={
                "product": "Thermo flask 500 ml",
                "features": "double-walled steel\nleak-proof lid\ndishwasher safe",
            },
            llm_reply=_PRODUCT_REPLY,
            prompt_contains=("Product: Thermo flask 500 ml", "Customers: online shoppers", "leak-proof lid"),
            expect={"copy": contains("## Tea that stays hot for 12 hours", "- Hot for 12 hours, cold for 24\n")},
        ),
    ),
)

AI_AGENTS = (BLOG_WRITER, SOCIAL_WRITER, TRANSLATOR, EMAIL_REPLY, MEETING_NOTES, ARTICLE_SUMMARY, PRODUCT_WRITER)
