"""What the Chat page reads back from a conversation: answered cards, the request behind a login card,
and the marketplace agents its carousels show."""

from __future__ import annotations

from autogpt_app.chat.events import CredentialNeed, CredentialsNeeded, InputField, InputsNeeded
from autogpt_app.ui.chat_answers import mark_answered, marketplace_slugs, request_behind_login
from autogpt_app.ui.chat_rows import ChatRow, card_row
from tests.ui.test_chat_rows import CAROUSEL


def _inputs_card() -> ChatRow:
    card = card_row(
        InputsNeeded(
            agent_id="reading-list",
            agent_name="Reading List",
            inputs=[InputField(name="topic", title="Topic", required=True)],
            optional=[InputField(name="count", title="How many", default=3)],
        )
    )
    assert card is not None
    return card


def test_the_inputs_card_offers_optional_inputs_with_their_defaults() -> None:
    card = _inputs_card()
    assert [(f.name, f.required, f.default) for f in card.fields] == [("topic", True, "")]
    assert [(f.name, f.label, f.required, f.default) for f in card.optional] == [("count", "How many", False, "3")]
    given = card_row(
        InputsNeeded(
            agent_id="a",
            agent_name="A",
            inputs=[InputField(name="topic", required=True)],
            optional=[InputField(name="count", default=3)],
            provided={"count": 7},
        )
    )
    assert given is not None and given.optional[0].default == "7"  # what the run would use


def test_an_inputs_card_answered_by_its_form_shows_what_was_sent() -> None:
    card = _inputs_card()
    rows = [
        card,
        ChatRow(kind="assistant", text="Reading List needs Topic."),
        ChatRow(kind="user", text="topic=otters, with commas, count=2"),
    ]
    marked = mark_answered(rows)
    done = marked[0]
    assert done.done and [f.sent for f in done.fields] == ["otters, with commas"] and done.optional[0].sent == "2"
    assert rows[0].done is False  # the input list is untouched
    assert mark_answered(marked) == marked
    # Any other next message leaves the card open; a later "run <agent> with …" from the card closes it.
    chatter = [card, ChatRow(kind="user", text="show my agents")]
    assert mark_answered(chatter) is chatter
    later = [*chatter, ChatRow(kind="user", text="run reading-list with topic=AI")]
    assert mark_answered(later)[0].done and mark_answered(later)[0].fields[0].sent == "AI"
    # Unknown names are not this card's answer.
    assert not mark_answered([card, ChatRow(kind="user", text="colour=red")])[0].done


def test_a_credentials_card_shows_the_saved_credential_by_name_only() -> None:
    need = CredentialNeed(key="credentials", provider="openai", type="api_key")
    card = card_row(CredentialsNeeded(agent_id="w", agent_name="Writer", credentials=[need]))
    assert card is not None
    rows = [card, ChatRow(kind="user", text="I added the openai credential “Work key”, run it again")]
    done = mark_answered(rows)[0]
    assert done.done and done.credentials[0].saved == "Work key"
    # Another provider's credential does not answer it; a newer card takes later messages.
    other = [card, ChatRow(kind="user", text="I added the smtp credential “Mail”, run it again")]
    assert mark_answered(other) is other
    newer = [card, card.model_copy(), ChatRow(kind="user", text="I added the openai credential “K”, run it again")]
    assert [r.done for r in mark_answered(newer)[:2]] == [False, True]


def test_the_request_behind_a_login_card_and_the_carousel_slugs() -> None:
    login = ChatRow(kind="need_login", text="Log in to run or schedule agents.")
    rows = [
        ChatRow(kind="user", text="find rss"),
        card_row(CAROUSEL),
        ChatRow(kind="user", text="run RSS Feed Digest"),
        login,
        ChatRow(kind="assistant", text="Log in…"),
    ]
    assert request_behind_login(rows) == "run RSS Feed Digest"
    assert request_behind_login([*rows, ChatRow(kind="user", text="hello")]) == ""  # asked something else since
    assert request_behind_login(rows[:3]) == ""
    assert marketplace_slugs([*rows, card_row(CAROUSEL)]) == ["rss-feed-digest", "keyword-extractor"]
