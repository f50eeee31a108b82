"""What a trigger gives an agent when the person drew no mapping: one input, the fitting part, or a question."""

from __future__ import annotations

import pytest

from autogpt_app.errors import InvalidInput
from autogpt_app.triggers.mapping import check_path, default_mapping, describe_mapping, map_inputs, pick

ARTICLE = {
    "properties": {
        "article_url": {"type": "string", "title": "Article URL"},
        "style": {"type": "string", "title": "Style", "default": "short"},
    },
    "required": ["article_url"],
}
TEXT_AND_URL = {
    "properties": {"text": {"type": "string", "title": "Text"}, "url": {"type": "string", "title": "Address"}},
    "required": ["text", "url"],
}
COUNT = {"properties": {"payload": {"type": "object", "title": "Payload"}}, "required": ["payload"]}


def test_a_feed_item_gives_its_link_to_the_one_address_input() -> None:
    assert default_mapping("feed", ARTICLE) == {"article_url": "$.link"}
    assert default_mapping("page", ARTICLE) == {"article_url": "$.url"}


def test_a_text_input_gets_the_page_text_and_a_feed_item_whole() -> None:
    text = {"properties": {"notes": {"type": "string"}}, "required": ["notes"]}
    assert default_mapping("page", text) == {"notes": "$.text"}
    assert default_mapping("imap", text) == {"notes": "$.text"}
    assert default_mapping("feed", text) == {"notes": "$"}
    assert default_mapping("webhook", COUNT) == {"payload": "$"}


def test_inputs_the_person_filled_leave_the_other_one_for_the_event() -> None:
    assert default_mapping("page", TEXT_AND_URL, {"url"}) == {"text": "$.text"}


def test_two_open_inputs_are_a_question_naming_them() -> None:
    with pytest.raises(InvalidInput) as refused:
        default_mapping("feed", TEXT_AND_URL)
    assert refused.value.code == "mapping_needed"
    assert "Which input should get each new item?" in refused.value.message
    assert "text, url" in refused.value.message


def test_the_chosen_input_wins_and_an_unknown_one_is_refused() -> None:
    assert default_mapping("feed", TEXT_AND_URL, chosen="url") == {"url": "$.link"}
    with pytest.raises(InvalidInput, match="no input named “colour”"):
        default_mapping("feed", TEXT_AND_URL, chosen="colour")


def test_paths_pick_parts_and_missing_parts_leave_the_fixed_value() -> None:
    event = {"pull_request": {"title": "Fix"}, "commits": [{"message": "a"}, {"message": "b"}]}
    assert pick(event, "$.commits.1.message") == (True, "b")
    assert pick(event, "$.commits.7.message") == (False, None)
    assert map_inputs({"title": "$.pull_request.title", "who": "$.sender"}, event, {"who": "nobody"}) == {
        "who": "nobody",
        "title": "Fix",
    }
    for bad in ("title", "$..x", "$.", "$a"):
        with pytest.raises(InvalidInput):
            check_path(bad)


def test_the_mapping_in_words() -> None:
    assert describe_mapping("feed", {"article_url": "$.link"}, {"article_url": "Article URL"}) == [
        "Article URL ← each new item: link"
    ]
    assert describe_mapping("webhook", {"payload": "$"}) == ["payload ← each delivery's body"]
