"""The built-in marketplace catalogue: every agent runs end to end with its samples; the definitions are
sound; seeding is idempotent, bumps changed agents, respects other people's listings and usernames;
seed accounts cannot sign in; set-up (``prestart``) seeds unless switched off."""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from autogpt_app.auth import passwords
from autogpt_app.auth import service as auth_service
from autogpt_app.auth.models import Role, User
from autogpt_app.db import session_scope
from autogpt_app.errors import InvalidInput, TooManyRequests, Unauthorized
from autogpt_app.executions.service import validate_inputs
from autogpt_app.graphs.models import Graph, GraphVersion
from autogpt_app.graphs.schemas import input_schema
from autogpt_app.graphs.spec import GraphSpec
from autogpt_app.graphs.validation import find_problems
from autogpt_app.library import service as library
from autogpt_app.settings import PROJECT_ROOT, get_settings
from autogpt_app.store import service as store
from autogpt_app.store.models import Creator, StoreListing, StoreListingVersion
from autogpt_app.store.seed import CATALOGUE, CATEGORIES, CREATORS, seed_catalogue
from autogpt_app.store.seed.service import SEED_PASSWORD_PREFIX
from tests.store.seed_helpers import problems, run_sample
from tests.store.test_service import make_graph, review, submit

BY_SLUG = {agent.slug: agent for agent in CATALOGUE}
SAMPLES = [
    pytest.param(agent, index, id=f"{agent.slug}-{index + 1}")
    for agent in CATALOGUE
    for index in range(len(agent.samples))
]
#: The agents the product brief asks for by name, by slug.
REQUIRED = {
    "rss-feed-digest", "web-page-link-extractor", "website-uptime-check", "json-api-field-extractor",
    "csv-column-statistics", "extractive-text-summary", "keyword-extractor", "meeting-time-across-time-zones",
    "date-countdown", "loan-calculator", "compound-interest-calculator", "unit-converter", "text-cleaner",
    "email-and-url-extractor", "markdown-to-html-converter", "daily-reminder-notification", "blog-post-writer",
    "social-post-writer", "ai-translator", "email-reply-drafter",
}  # fmt: skip
TABLES = (User, Creator, Graph, GraphVersion, StoreListing, StoreListingVersion)


@pytest.fixture
def loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """The local site and the fake model live on 127.0.0.1, which the SSRF guard refuses otherwise."""
    monkeypatch.setattr(get_settings(), "outbound_allow_loopback", True)


async def make_user(email: str = "runner@example.com", name: str = "Runner", *, admin: bool = False) -> User:
    async with session_scope() as s:
        role = Role.ADMIN if admin else Role.USER
        user = User(email=email, display_name=name, password_hash="!", role=role.value)
        s.add(user)
    return user


async def seed(agents=None):
    async with session_scope() as s:
        return await seed_catalogue(s, agents=agents)


async def counts() -> dict[str, int]:
    async with session_scope() as s:
        return {t.__tablename__: (await s.execute(select(func.count()).select_from(t))).scalar_one() for t in TABLES}


# ---------------------------------------------------------------------------------------------
# Every agent, end to end


@pytest.mark.parametrize(("agent", "index"), SAMPLES)
async def test_seed_agent_runs_end_to_end(agent, index, loopback) -> None:
    """Seed the agent, add it to a user's library from the marketplace, run it as they would, check the results."""
    report = await seed([agent])
    assert report.created == [agent.slug]
    sample = agent.samples[index]
    run = await run_sample(agent, sample, await make_user())
    found = problems(agent, sample, run)
    assert not found, f"{agent.name}, sample {index + 1}:\n" + "\n".join(found)


# ---------------------------------------------------------------------------------------------
# The definitions


def test_the_catalogue_is_large_varied_and_well_formed() -> None:
    assert len(CATALOGUE) >= 32
    assert set(BY_SLUG) >= REQUIRED, sorted(REQUIRED - set(BY_SLUG))
    assert len(BY_SLUG) == len(CATALOGUE) and len({a.name for a in CATALOGUE}) == len(CATALOGUE)
    assert 4 <= len(CREATORS) <= 6 and {a.creator for a in CATALOGUE} == {c.username for c in CREATORS}
    assert 3 <= sum(a.featured for a in CATALOGUE) <= 8
    llm_agents = {a.slug for a in CATALOGUE if a.needs_llm}
    assert len(llm_agents) >= 6 and llm_agents == {a.slug for a in CATALOGUE if "ai" in a.categories}
    for agent in CATALOGUE:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", agent.slug), agent.slug
        assert set(agent.categories) <= CATEGORIES, agent.slug
        sentences = re.split(r"(?<=[.!?])\s+", agent.description.strip())
        assert len(sentences) >= 3 and len(agent.subheading) >= 30, agent.slug
        assert agent.listing_fields["categories"] == list(agent.categories)  # passes the store's own checks
        assert agent.changelog and agent.samples, agent.slug
        assert not find_problems(agent.graph), (agent.slug, [p.message for p in find_problems(agent.graph)])
        schema = input_schema(agent.graph)
        assert all(f.get("title") and f.get("description") for f in schema["properties"].values()), agent.slug
        for sample in agent.samples:
            validate_inputs(schema, sample.resolved_inputs("http://127.0.0.1:1"))  # names and types fit
            assert sample.expect or sample.expect_all, agent.slug
            assert (sample.llm_reply is not None) == agent.needs_llm, agent.slug


# ---------------------------------------------------------------------------------------------
# Seeding


async def test_seeding_twice_changes_nothing_and_lists_everything() -> None:
    first = await seed()
    assert len(first.created) == len(CATALOGUE) and first.creators_created == len(CREATORS)
    assert "(" in first.summary() and f"{len(CATALOGUE)} agents ({len(CATALOGUE)} new" in first.summary()
    before = await counts()
    assert before["store_listings"] == before["store_listing_versions"] == before["graphs"] == len(CATALOGUE)
    second = await seed()
    assert second.created == second.updated == second.text_updated == second.skipped == []
    assert len(second.unchanged) == len(CATALOGUE) and not second.changed
    assert second.summary().startswith(f"Marketplace catalogue: {len(CATALOGUE)} agents (0 new)")
    assert await counts() == before

    async with session_scope() as s:
        listings = (await s.execute(select(StoreListing))).scalars().all()
        versions = {v.id: v for v in (await s.execute(select(StoreListingVersion))).scalars()}
        for listing in listings:
            agent = BY_SLUG[listing.slug]
            version = versions[listing.active_version_id]
            assert listing.is_active and listing.featured == agent.featured
            assert (listing.run_count, listing.rating_count, listing.rating_sum) == (0, 0, 0)
            assert version.status == "approved" and version.version_number == 1 and version.changelog == agent.changelog
            assert version.proposed == agent.listing_fields
        detail = await store.get_listing(s, "blog-post-writer")
        assert detail.creator.username == "quill-and-ink" and detail.active_version.changelog
        assert (
            "topic" in detail.input_schema["properties"]
            and "openai_api_key" in detail.credentials_input_schema["properties"]
        )
        found = await store.search_listings(s, query="loan")
        assert [i.slug for i in found.items] == ["loan-calculator"]
        creator = await store.get_creator(s, "tempo-tools")
        assert creator.listing_count == sum(a.creator == "tempo-tools" for a in CATALOGUE)


async def test_a_changed_agent_gets_a_new_approved_version_not_a_duplicate() -> None:
    agent = BY_SLUG["unit-converter"]
    await seed([agent])
    user = await make_user()
    async with session_scope() as s:
        added = await library.add_from_listing(s, user, agent.slug)

    spec = agent.graph.model_copy(deep=True)
    next(n for n in spec.nodes if n.id == "value").input_default["value"] = 1  # a default to convert
    changed = dataclasses.replace(agent, graph=spec, changelog="The value now defaults to 1.")
    report = await seed([changed])
    assert report.updated == [agent.slug] and not report.created
    async with session_scope() as s:
        listing = (await s.execute(select(StoreListing).where(StoreListing.slug == agent.slug))).scalar_one()
        versions = (
            (
                await s.execute(
                    select(StoreListingVersion)
                    .where(StoreListingVersion.listing_id == listing.id)
                    .order_by(StoreListingVersion.version_number)
                )
            )
            .scalars()
            .all()
        )
        assert [(v.version_number, v.graph_version, v.status) for v in versions] == [
            (1, 1, "approved"),
            (2, 2, "approved"),
        ]
        assert listing.active_version_id == versions[1].id and versions[1].changelog == "The value now defaults to 1."
        detail = await store.get_listing(s, agent.slug)
        assert detail.input_schema["properties"]["value"]["default"] == 1
        assert (await s.execute(select(func.count()).select_from(StoreListing))).scalar_one() == 1
        # The person who added version 1 keeps their copy and is offered the update.
        mine = await library.get_agent(s, user, added.id)
        assert mine.graph_id == added.graph_id and mine.update_available
        assert (mine.listing_version, mine.latest_listing_version) == (1, 2)
    assert (await seed([changed])).unchanged == [agent.slug]


async def test_new_listing_text_updates_in_place_and_reaches_search() -> None:
    agent = BY_SLUG["bmi-calculator"]
    await seed([agent])
    reworded = dataclasses.replace(
        agent, description=agent.description + " Also known as the Quetelet index, after its Belgian inventor."
    )
    report = await seed([reworded])
    assert report.text_updated == [agent.slug] and not report.updated
    async with session_scope() as s:
        assert (await s.execute(select(func.count()).select_from(StoreListingVersion))).scalar_one() == 1
        assert [i.slug for i in (await store.search_listings(s, query="quetelet")).items] == [agent.slug]


async def test_someone_elses_listing_keeps_its_slug() -> None:
    person, admin = await make_user("kim@example.com", "Kim"), await make_user("root@example.com", "Root", admin=True)
    graph = await make_graph(person, "My loan helper")
    mine = await review(admin, (await submit(person, graph.id, name="Loan Calculator")).version_id)
    assert mine.slug == "loan-calculator"

    report = await seed([BY_SLUG["loan-calculator"], BY_SLUG["bmi-calculator"]])
    assert report.created == ["bmi-calculator"]
    assert report.skipped == ["loan-calculator (the slug belongs to another creator's listing)"]
    assert "1 skipped" in report.summary()
    async with session_scope() as s:
        listing = await store.get_listing(s, "loan-calculator")
        assert listing.creator_username == "kim" and listing.graph_name == "My loan helper"


async def test_a_persons_username_is_not_taken_over() -> None:
    person = await make_user("ds@example.com", "Datasmith")
    async with session_scope() as s:
        await store.get_or_create_creator(s, person)  # the person's profile is "datasmith"
    await seed([BY_SLUG["keyword-extractor"]])
    await seed([BY_SLUG["keyword-extractor"]])  # found again by its account, not by the username
    async with session_scope() as s:
        detail = await store.get_listing(s, "keyword-extractor")
        assert detail.creator_username == "datasmith-2" and detail.creator_name == "Datasmith"
        assert (await s.execute(select(func.count()).select_from(Creator))).scalar_one() == 2


# ---------------------------------------------------------------------------------------------
# Seed accounts


async def test_seed_accounts_cannot_sign_in_with_any_password() -> None:
    await seed()
    async with session_scope() as s:
        accounts = (await s.execute(select(User).where(User.email.like("%@catalogue.invalid")))).scalars().all()
    assert len(accounts) == len(CREATORS)
    for account in accounts:
        assert account.is_disabled and account.password_hash.startswith(SEED_PASSWORD_PREFIX)
        assert not passwords.verify_password_sync(account.password_hash, account.password_hash)
        # Fewer tries than the throttle allows, so each refusal is the password check itself.
        for attempt in ("", account.password_hash, account.email.split("@")[0], "violet-harbour-42"):
            async with session_scope() as s:
                with pytest.raises(Unauthorized) as refused:
                    await auth_service.authenticate(s, email=account.email, password=attempt)
            assert refused.value.code == "bad_credentials"
        async with session_scope() as s:  # nobody can sign up with the address to claim it either
            with pytest.raises(InvalidInput):
                await auth_service.signup(s, email=account.email, display_name="Me", password="violet-harbour-42")


async def test_a_seed_account_made_usable_is_locked_again_by_the_next_seed() -> None:
    await seed([BY_SLUG["tip-and-bill-splitter"]])
    email = "ledger-lane@catalogue.invalid"
    async with session_scope() as s:
        account = (await s.execute(select(User).where(User.email == email))).scalar_one()
        account.password_hash = await passwords.hash_password("violet-harbour-42")
        account.is_disabled = False
    await seed([BY_SLUG["tip-and-bill-splitter"]])
    async with session_scope() as s:
        with pytest.raises((Unauthorized, TooManyRequests)):
            await auth_service.authenticate(s, email=email, password="violet-harbour-42")
        account = (await s.execute(select(User).where(User.email == email))).scalar_one()
        assert account.is_disabled and account.password_hash.startswith(SEED_PASSWORD_PREFIX)


# ---------------------------------------------------------------------------------------------
# Set-up


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "autogpt_app.cli", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_prestart_seeds_once_and_can_be_switched_off() -> None:
    """The real command line against its own SQLite database (whatever engine the suite uses)."""
    data = Path(tempfile.mkdtemp(prefix="seed-cli-"))
    env = {
        **os.environ,
        "DATA_DIR": str(data),
        "DATABASE_URL": f"sqlite+aiosqlite:///{data / 'app.db'}",
        "SEED_CATALOGUE": "false",
    }
    off = _cli("prestart", env=env)
    assert off.returncode == 0, off.stderr
    assert "Marketplace catalogue" not in off.stdout

    env["SEED_CATALOGUE"] = "true"
    first = _cli("prestart", env=env)
    assert first.returncode == 0, first.stderr
    assert f"Marketplace catalogue: {len(CATALOGUE)} agents ({len(CATALOGUE)} new)" in first.stdout
    again = _cli("seed", env=env)
    assert again.returncode == 0, again.stderr
    assert f"Marketplace catalogue: {len(CATALOGUE)} agents (0 new)" in again.stdout


def test_the_catalogue_graphs_are_plain_specs() -> None:
    """Seed agents are stored in our own graph format, so they export and import like any agent."""
    from autogpt_app.graphs import portable

    for agent in CATALOGUE:
        document = portable.export_document(agent.graph)
        assert GraphSpec.model_validate(portable.spec_from_document(document)) == agent.graph
