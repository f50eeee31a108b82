"""What the examples of the logic, time and document blocks cannot show: safety limits, refusals,
cancellation, escaping and daylight-saving time."""

from __future__ import annotations

import asyncio
import time

import pydantic
import pytest

from autogpt_app.blocks import registry
from autogpt_app.blocks.builtin.csv_blocks import MAX_CSV_CHARS, MAX_CSV_ROWS, CsvColumnStatsBlock, CsvParseBlock
from autogpt_app.blocks.builtin.logic import (
    CalculatorBlock,
    ConditionBlock,
    ExpressionCalculatorBlock,
)
from autogpt_app.blocks.builtin.markup import ExtractLinksBlock, HtmlToTextBlock, MarkdownToHtmlBlock
from autogpt_app.blocks.builtin.text_analysis import KeywordExtractionBlock, extract_keywords, split_sentences
from autogpt_app.blocks.builtin.time import (
    ConvertTimezoneBlock,
    DateDifferenceBlock,
    DelayBlock,
    GetCurrentDateAndTimeBlock,
)
from autogpt_app.blocks.sdk import BlockError, run_block


def _error(outputs: list[tuple[str, object]]) -> str:
    assert len(outputs) == 1 and outputs[0][0] == "error", outputs
    return str(outputs[0][1])


# --- AutoGPT compatibility ---------------------------------------------------------------------

AUTOGPT = {
    "CalculatorBlock": ("b1ab9b19-67a6-406d-abf5-2dba76d00c79", {"operation", "a", "b", "round_result"}, {"result"}),
    "ConditionBlock": (
        "715696a0-e1da-45c8-b209-c2fa9c3b0be6",
        {"value1", "operator", "value2", "yes_value", "no_value"},
        {"result", "yes_output", "no_output"},
    ),
    "GetCurrentDateAndTimeBlock": ("716a67b3-6760-42e7-86dc-18645c6e00fc", {"trigger", "format_type"}, {"date_time"}),
}


@pytest.mark.parametrize("name", sorted(AUTOGPT))
def test_autogpt_ids_and_pins(name):
    block_id, inputs, outputs = AUTOGPT[name]
    block = registry.get_block(block_id)
    assert block.autogpt_name == name
    assert inputs <= block.input_pins()
    assert outputs <= block.output_pins()


async def test_autogpt_enum_values_are_accepted():
    for op, expected in [("Add", 3.0), ("Subtract", -1.0), ("Multiply", 2.0), ("Divide", 0.5), ("Power", 1.0)]:
        assert await run_block(CalculatorBlock(), {"operation": op, "a": 1, "b": 2}) == [("result", expected)]
    for op in ["==", "!=", ">", "<", ">=", "<=", "contains"]:
        outputs = await run_block(ConditionBlock(), {"value1": "3", "operator": op, "value2": "3"})
        assert outputs[0][0] == "result"


# --- Expression calculator ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "fragment"),
    [
        ("__import__('os')", "Function calls are not allowed"),
        ("__import__('os').system('echo hi')", "not allowed"),
        ("os", "Names such as 'os' are not allowed"),
        ("x + 1", "Names such as 'x'"),
        ("(1).real", "Attribute access is not allowed"),
        ("().__class__", "not allowed"),
        ("'a' * 3", "Only numbers"),
        ("[1, 2]", "not allowed"),
        ("lambda: 1", "not allowed"),
        ("1 if 1 else 2", "not allowed"),
        ("1 < 2", "not allowed"),
        ("1; 2", "not a valid calculation"),
        ("2(3)", "Function calls are not allowed"),
        ("2 ** 1001", "Exponents larger than 1000"),
        ("2 ^ -5000", "Exponents larger than 1000"),
        ("10 ** 999 ** 999", "Exponents larger than 1000"),
        ("9 ** 9 ** 9 ** 9", "Exponents larger than 1000"),
        ("(10 ** 900) ** 900", "too large"),
        ("1e308 * 10", "too large"),
        ("(-8) ** 0.5", "not a real number"),
        ("0 ** -1", "Zero cannot be raised"),
        ("5 % 0", "Division by zero"),
        ("1" * 501, "too long"),
        ("   ", "empty"),
        ("(" * 300 + "1" + ")" * 300, ""),
        ("-" * 490 + "1", ""),
    ],
)
async def test_expression_calculator_refuses_code_and_huge_numbers(expression, fragment):
    started = time.perf_counter()
    outputs = await run_block(ExpressionCalculatorBlock(), {"expression": expression})
    assert time.perf_counter() - started < 2
    if expression.startswith("-" * 490):
        assert outputs == [("result", 1)]  # an even number of minus signs is just a long way to write 1
        return
    message = _error(outputs)
    assert fragment in message
    assert "Traceback" not in message


async def test_expression_calculator_arithmetic():
    cases = {
        "(2 + 3) * 4 / 5 ^ 2": 0.8,
        "2 ^ 3 ^ 2": 512,
        "-2 ** 2": -4,
        "7 // 2": 3,
        "7 % 3": 1,
        "6 × 7 ÷ 2": 21.0,
        "2 ** -2": 0.25,
        "1_000 + 0.5": 1000.5,
    }
    for expression, expected in cases.items():
        assert await run_block(ExpressionCalculatorBlock(), {"expression": expression}) == [("result", expected)]


async def test_calculator_limits_power_and_checks_finiteness():
    assert "Exponents larger" in _error(await run_block(CalculatorBlock(), {"operation": "Power", "a": 2, "b": -1001}))
    assert "not a real number" in _error(await run_block(CalculatorBlock(), {"operation": "Power", "a": -8, "b": 0.5}))
    assert "too large" in _error(await run_block(CalculatorBlock(), {"operation": "Multiply", "a": 1e308, "b": 10}))


async def test_condition_edge_cases():
    cond = ConditionBlock()
    assert "Cannot compare nothing" in _error(await run_block(cond, {"value1": None, "operator": ">", "value2": 1}))
    assert await run_block(cond, {"value1": [1, 2, 3], "operator": "contains", "value2": "2"}) == [
        ("result", True),
        ("yes_output", [1, 2, 3]),
    ]
    assert await run_block(cond, {"value1": "10", "operator": "==", "value2": 10.0, "no_value": "no"}) == [
        ("result", True),
        ("yes_output", "10"),
    ]
    assert await run_block(cond, {"value1": "b", "operator": "<", "value2": "a", "no_value": "no"}) == [
        ("result", False),
        ("no_output", "no"),
    ]
    assert "'contains' needs text" in _error(await run_block(cond, {"value1": 5, "operator": "contains", "value2": 5}))


# --- Time --------------------------------------------------------------------------------------


async def test_delay_is_cancellable():
    task = asyncio.create_task(run_block(DelayBlock(), {"seconds": 600, "data": "x"}))
    await asyncio.sleep(0.05)
    started = time.perf_counter()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, timeout=1)
    assert time.perf_counter() - started < 0.5


async def test_a_delay_over_the_deployments_limit_fails_readably(monkeypatch):
    from autogpt_app.settings import get_settings

    monkeypatch.setattr(get_settings(), "max_delay_seconds", 60)
    with pytest.raises(BlockError, match=r"waits at most 60 seconds here \(MAX_DELAY_SECONDS\); this one asked for 61"):
        await run_block(DelayBlock(), {"seconds": 61, "data": 1})


@pytest.mark.parametrize("seconds", [-1, 3601, float("nan"), float("inf")])
async def test_delay_validates_seconds(seconds):
    with pytest.raises(pydantic.ValidationError):
        await run_block(DelayBlock(), {"seconds": seconds, "data": 1})


@pytest.mark.parametrize(
    ("utc", "berlin"),
    [
        ("2025-03-30T00:30", "2025-03-30T01:30:00+01:00"),  # before the spring-forward
        ("2025-03-30T01:30", "2025-03-30T03:30:00+02:00"),  # clocks jumped from 02:00 to 03:00
        ("2025-10-26T00:30", "2025-10-26T02:30:00+02:00"),  # first 02:30 of the autumn night
        ("2025-10-26T01:30", "2025-10-26T02:30:00+01:00"),  # second 02:30, standard time again
    ],
)
async def test_timezone_conversion_is_dst_aware(utc, berlin):
    outputs = await run_block(ConvertTimezoneBlock(), {"date_time": utc, "to_timezone": "Europe/Berlin"})
    assert outputs == [("converted", berlin)]


async def test_timezone_conversion_uses_from_zone_only_without_offset():
    block = ConvertTimezoneBlock()
    naive = {"date_time": "2025-07-01T12:00", "from_timezone": "America/New_York", "to_timezone": "UTC"}
    assert await run_block(block, naive) == [("converted", "2025-07-01T16:00:00+00:00")]
    aware = {**naive, "date_time": "2025-07-01T12:00+02:00"}
    assert await run_block(block, aware) == [("converted", "2025-07-01T10:00:00+00:00")]


@pytest.mark.parametrize("zone", ["Nowhere/Land", "", "../../etc/passwd", "/etc/localtime"])
async def test_unknown_time_zone_is_a_readable_error(zone):
    outputs = await run_block(ConvertTimezoneBlock(), {"date_time": "2025-01-01T00:00", "to_timezone": zone})
    message = _error(outputs)
    assert message.startswith("Unknown time zone") and "Europe/Berlin" in message


async def test_current_time_honours_zone_and_bad_format():
    outputs = await run_block(GetCurrentDateAndTimeBlock(), {"format": "%z", "timezone": "UTC"})
    assert outputs == [("date_time", "+0000")]
    too_long = await run_block(GetCurrentDateAndTimeBlock(), {"format": "%Y" * 300})
    assert "too long" in _error(too_long)


async def test_date_difference_units_and_words():
    outputs = await run_block(DateDifferenceBlock(), {"start": "2025-01-01", "end": "2025-01-15", "unit": "weeks"})
    assert outputs == [("difference", 2.0), ("human", "14 days")]
    outputs = await run_block(DateDifferenceBlock(), {"start": "2025-01-01T00:00", "end": "2025-01-01T01:01:01"})
    assert outputs[1] == ("human", "1 hour, 1 minute, 1 second")


# --- Documents ---------------------------------------------------------------------------------


async def test_markdown_escapes_raw_html_and_unsafe_links():
    source = '<script>alert("x")</script>\n\n<img src=x onerror=alert(1)>\n\n[click](javascript:alert(1))'
    [(pin, html)] = await run_block(MarkdownToHtmlBlock(), {"markdown": source})
    assert pin == "html"
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "<img" not in html
    assert 'href="javascript' not in html


async def test_markdown_big_input_runs_in_a_thread():
    source = "Paragraph with **bold** text.\n\n" * 2_000
    [(_, html)] = await run_block(MarkdownToHtmlBlock(), {"markdown": source})
    assert html.count("<strong>bold</strong>") == 2_000


async def test_html_to_text_drops_scripts_and_decodes_entities():
    page = (
        "<div>caf&eacute; &lt;b&gt;<script>var a = '<p>nope</p>';</script></div>"
        "<noscript><p>enable js</p></noscript><table><tr><td>a</td><td>b</td></tr></table>"
    )
    [(_, text)] = await run_block(HtmlToTextBlock(), {"html": page})
    assert text == "café <b>\n\na\tb"


async def test_links_honour_base_tag_dedup_and_schemes():
    page = (
        '<base href="/docs/"><a href="intro.html">Intro</a><a href="intro.html"></a>'
        '<a href="data:text/html,x">data</a><a href="java&#x09;script:alert(1)">js</a>'
        '<a href="#top">top</a><a href="HTTPS://Other.org/x"><img alt="Logo"></a>'
    )
    [(_, links)] = await run_block(ExtractLinksBlock(), {"html": page, "base_url": "https://site.com/a/b"})
    assert links == [
        {"url": "https://site.com/docs/intro.html", "text": "Intro"},
        {"url": "https://site.com/docs/#top", "text": "top"},
        {"url": "https://Other.org/x", "text": "Logo"},
    ]


async def test_csv_caps_are_readable_errors():
    too_long = await run_block(CsvParseBlock(), {"csv_text": "a" * (MAX_CSV_CHARS + 1)})
    assert _error(too_long) == "The CSV text is too long (1,000,001 characters; the limit is 1,000,000)."
    too_many = await run_block(CsvParseBlock(), {"csv_text": "n\n" + "1\n" * (MAX_CSV_ROWS + 1)})
    assert _error(too_many) == "The CSV has more than 100,000 rows; split it into smaller parts."
    just_right = await run_block(CsvParseBlock(), {"csv_text": "n\n" + "1\n" * MAX_CSV_ROWS})
    assert just_right[-1] == ("row_count", MAX_CSV_ROWS)
    huge_cell = await run_block(CsvParseBlock(), {"csv_text": '"' + "x" * 200_000 + '"'})
    assert _error(huge_cell).startswith("The CSV text could not be read at line 1")


async def test_csv_header_quirks():
    outputs = await run_block(CsvParseBlock(), {"csv_text": "\ufeffa,a,\n1,2,3,4\n", "delimiter": "comma"})
    assert outputs == [
        ("rows", [{"a": "1", "a_2": "2", "column_3": "3", "column_4": "4"}]),
        ("columns", ["a", "a_2", "column_3", "column_4"]),
        ("row_count", 1),
    ]
    tabbed = await run_block(CsvParseBlock(), {"csv_text": "x\ty\n1\t2", "delimiter": "\\t"})
    assert tabbed[0] == ("rows", [{"x": "1", "y": "2"}])


async def test_csv_stats_on_list_rows_and_errors():
    rows = [["a", "1"], ["b", "2"], ["c", "x"], ["d", True]]
    outputs = dict(await run_block(CsvColumnStatsBlock(), {"rows": rows, "column": "column_2"}))
    assert outputs["count"] == 2 and outputs["sum"] == 3.0 and outputs["skipped"] == 2
    case = dict(await run_block(CsvColumnStatsBlock(), {"csv_text": "Price\n3\n", "column": "price"}))
    assert case["count"] == 1 and case["stdev"] == 0.0
    assert "has no numbers" in _error(await run_block(CsvColumnStatsBlock(), {"csv_text": "a\nx\n", "column": "a"}))
    assert _error(await run_block(CsvColumnStatsBlock(), {"column": "a"})) == "Give either csv_text or rows."
    mixed = dict(await run_block(CsvColumnStatsBlock(), {"rows": [{"n": 1}, [5, 6], "junk"], "column": "n"}))
    assert mixed["count"] == 1 and mixed["skipped"] == 2


def test_sentence_splitting_keeps_abbreviations():
    assert split_sentences("Dr. Smith met J. Doe. They talked, e.g. about tea! Fine.\n\nNext") == [
        "Dr. Smith met J. Doe.",
        "They talked, e.g. about tea!",
        "Fine.",
        "Next",
    ]


async def test_keywords_are_deterministic_and_skip_numbers():
    text = "In 2024 the solar farm produced 500 MWh. The solar farm also stores energy in batteries."
    first = extract_keywords(text, 5)
    assert first == extract_keywords(text, 5)
    assert first[0].startswith("solar farm")
    assert not any(any(ch.isdigit() for ch in k) for k in first)
    [(_, keywords)] = await run_block(KeywordExtractionBlock(), {"text": text, "count": 1})
    assert keywords == first[:1]
