"""Results shown readably and safely: text, Markdown, JSON, lists, links; times and durations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from autogpt_app.ui.components.outputs import (
    MAX_LIST_ITEMS,
    MAX_TEXT,
    MAX_VALUES,
    format_duration,
    format_time,
    keep_line_breaks,
    link_parts,
    looks_like_markdown,
    preview_pins,
    render_outputs,
    render_value,
    safe_link,
)


def test_only_http_and_https_become_links():
    assert safe_link("https://example.com/a?b=1") == "https://example.com/a?b=1"
    assert safe_link("  http://example.com  ") == "http://example.com"
    for bad in ("javascript:alert(1)", "data:text/html,<b>x</b>", "ftp://x.org/f", "https://", "see https://x.org", 3):
        assert safe_link(bad) == ""


def test_a_link_value_is_clickable_and_a_script_url_is_plain_text():
    link = render_value("https://example.com/report")
    assert (link.kind, link.href) == ("link", "https://example.com/report")
    script = render_value("javascript:alert(1)")
    assert script.kind == "text" and script.href == "" and script.text == "javascript:alert(1)"


def test_markdown_is_recognised_and_plain_text_is_not():
    assert looks_like_markdown("# Title\n\nBody") and looks_like_markdown("- one\n- two")
    assert looks_like_markdown("Some **bold** words") and looks_like_markdown("see [docs](https://x.org)")
    assert not looks_like_markdown("Hello Ada! 3 * 4 = 12")
    assert render_value("## Summary\n\n1. first\n2. second").kind == "markdown"
    assert render_value("Hello Ada!").kind == "text"


def test_structures_become_pretty_json_or_bulleted_lists():
    data = render_value({"b": 1, "a": [1, 2]})
    assert data.kind == "json" and data.text == '{\n  "b": 1,\n  "a": [\n    1,\n    2\n  ]\n}'
    assert render_value('{"x": 1}').kind == "json"  # JSON text is shown as JSON
    bullets = render_value(["tea", 2, None, "https://x.org/a"])
    assert bullets.kind == "list"
    assert [(b.text, b.href) for b in bullets.bullets] == [
        ("tea", ""),
        ("2", ""),
        ("null", ""),
        ("https://x.org/a", "https://x.org/a"),
    ]
    assert render_value([{"a": 1}, {"a": 2}]).kind == "json"
    assert render_value(None).kind == "empty" and render_value("").kind == "empty"
    assert (render_value(True).kind, render_value(True).text) == ("text", "true")
    assert render_value(3.5).text == "3.5"


def test_big_values_are_cut_with_a_note():
    text = render_value("x" * (MAX_TEXT + 10))
    assert len(text.text) == MAX_TEXT and "first" in text.note
    many = render_value(list(range(MAX_LIST_ITEMS + 5)))
    assert len(many.bullets) == MAX_LIST_ITEMS and str(MAX_LIST_ITEMS) in many.note


def test_outputs_follow_the_schema_order_with_titles_once():
    shown = render_outputs(
        {"extra": ["z"], "summary": ["one", "two"], "title": ["T"]}, {"title": "Title", "summary": "Summary"}
    )
    assert [(v.title, v.show_title, v.text) for v in shown] == [
        ("Title", True, "T"),
        ("Summary", True, "one"),
        ("Summary", False, "two"),
        ("extra", True, "z"),
    ]
    assert len({v.key for v in shown}) == len(shown)
    long = render_outputs({"n": list(range(MAX_VALUES + 3))})
    assert len(long) == MAX_VALUES and "Showing" in long[-1].note


def test_node_previews_are_short():
    assert preview_pins([["output", "Hello"], ["count", 2]]) == "output: Hello\ncount: 2"
    assert preview_pins([["output", "y" * 5000]]).endswith("…")
    assert len(preview_pins([["output", "y" * 5000]])) <= 601


def test_times_and_durations_read_well():
    start = datetime(2025, 3, 19, 12, 0, 0, tzinfo=UTC)
    assert format_time(start) == "19 Mar 2025, 12:00:00 UTC" and format_time(None) == "—"
    assert format_time(start, "Asia/Kolkata") == "19 Mar 2025, 17:30:00 IST"  # the viewer's clock
    assert format_duration(start, start + timedelta(milliseconds=850)) == "850 ms"
    assert format_duration(start, start + timedelta(seconds=12.44)) == "12.4 s"
    assert format_duration(start, start + timedelta(seconds=185)) == "3 min 5 s"
    assert format_duration(start, start + timedelta(hours=2, minutes=5)) == "2 h 5 min"
    assert format_duration(None, start) == "—"
    assert format_duration(start, None, now=start + timedelta(seconds=2)) == "2.0 s"


def _linked(text: str) -> list[tuple[str, str]]:
    return [(p.text, p.href) for p in link_parts(text)]


def test_links_in_text_leave_the_sentences_punctuation_out():
    assert _linked("see https://example.com.") == [
        ("see ", ""),
        ("https://example.com", "https://example.com"),
        (".", ""),
    ]
    assert _linked("(https://example.org/a), then https://x.io/b, ok") == [
        ("(", ""),
        ("https://example.org/a", "https://example.org/a"),
        ("), then ", ""),
        ("https://x.io/b", "https://x.io/b"),
        (", ok", ""),
    ]
    # A bracket the address opened itself stays part of it; so do a query and a fragment.
    assert _linked("https://en.wikipedia.org/wiki/Otter_(disambiguation)!")[0][1] == (
        "https://en.wikipedia.org/wiki/Otter_(disambiguation)"
    )
    assert _linked("at https://a.io/p?q=1#top; next")[1][1] == "https://a.io/p?q=1#top"
    assert _linked("javascript:alert(1) and ftp://x.io") == [("javascript:alert(1) and ftp://x.io", "")]
    text = "line one\nsee https://example.com.\n"
    assert "".join(t for t, _ in _linked(text)) == text  # nothing lost, line breaks kept


def test_a_value_ending_in_punctuation_is_text_with_a_link_not_a_wider_link():
    assert safe_link("https://example.com.") == "" and safe_link("https://example.com") == "https://example.com"
    value = render_value("https://example.com.")
    assert value.kind == "text" and [(p.text, p.href) for p in value.parts] == [
        ("https://example.com", "https://example.com"),
        (".", ""),
    ]
    assert render_value("no links here").parts == []
    bullets = render_value(["read https://a.io/x, then stop", "https://b.io"]).bullets
    assert [(p.text, p.href) for p in bullets[0].parts][1] == ("https://a.io/x", "https://a.io/x")
    assert bullets[1].href == "https://b.io" and bullets[1].parts == []


def test_markdown_results_keep_their_single_line_breaks():
    shown = render_value("# Digest\nfirst line\nsecond line\n\n```\ncode\nmore\n```")
    assert shown.kind == "markdown"
    assert shown.text == "# Digest  \nfirst line  \nsecond line\n\n```\ncode\nmore\n```"
    assert keep_line_breaks("a  \nb") == "a  \nb"
