"""The authors of the built-in catalogue. Their accounts exist only to own the listings: they have
no usable password, are disabled, and use a reserved ``.invalid`` address nobody can sign up with."""

from __future__ import annotations

from autogpt_app.store.seed.model import SeedCreator

NORTHWIND = SeedCreator(
    username="northwind-labs",
    name="Northwind Labs",
    description=(
        "Small, dependable agents for the web: feeds, pages, APIs and uptime. Everything runs on the "
        "platform's built-in blocks, so there is nothing extra to install and no API key to buy."
    ),
)
QUILL = SeedCreator(
    username="quill-and-ink",
    name="Quill & Ink",
    description=(
        "Writing assistants powered by a language model of your choice: drafts for blogs, social media, "
        "e-mail and translation. Bring an OpenAI key or any OpenAI-compatible server (Ollama, vLLM, LM Studio)."
    ),
)
LEDGER = SeedCreator(
    username="ledger-lane",
    name="Ledger Lane",
    description=(
        "Calculators for everyday money and measurement questions. Every formula is written out in the "
        "agent, so you can open it and check the arithmetic yourself."
    ),
)
DATASMITH = SeedCreator(
    username="datasmith",
    name="Datasmith",
    description=(
        "Text and data tools that run entirely offline: CSV, JSON, keywords, summaries and clean-up. "
        "Nothing you paste leaves the platform."
    ),
)
TEMPO = SeedCreator(
    username="tempo-tools",
    name="Tempo Tools",
    description=(
        "Dates, time zones and reminders, daylight-saving time included. Pair them with a schedule to get "
        "a nudge at the right moment."
    ),
)

CREATORS: tuple[SeedCreator, ...] = (NORTHWIND, QUILL, LEDGER, DATASMITH, TEMPO)
