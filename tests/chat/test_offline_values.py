"""Values in a sentence go to the input their unit fits (converted), or the copilot asks; never its defaults."""

from __future__ import annotations

import pytest

from autogpt_app.chat.providers.offline_values import place_values

LOAN = [
    {"name": "amount", "title": "Amount borrowed", "type": "number", "required": True},
    {"name": "annual_rate", "title": "Interest rate (% per year)", "type": "number"},
    {"name": "years", "title": "Term (years)", "type": "number"},
]
BODY = [
    {"name": "weight", "title": "Weight (kg)", "type": "number"},
    {"name": "height", "title": "Height", "description": "Your height in cm", "type": "number"},
]


@pytest.mark.parametrize(
    ("text", "fields", "values"),
    [
        ("2000 at 6% for 5 years", LOAN, {"amount": 2000, "annual_rate": 6, "years": 5}),
        ("$2,000 at 6.5 percent for 30 years", LOAN, {"amount": 2000, "annual_rate": 6.5, "years": 30}),
        ("20k over 18 months at 4%", LOAN, {"amount": 20000, "annual_rate": 4, "years": 1.5}),
        ("I weigh 70 kg and I'm 1.80 m", BODY, {"weight": 70, "height": 180}),
        ("154 lbs and 180 cm", BODY, {"weight": 69.85, "height": 180}),
    ],
)
def test_quantities_go_to_the_input_their_unit_fits(text, fields, values) -> None:
    placed = place_values(text, fields, {})
    assert placed.question is None and placed.values == values


def test_a_value_already_given_by_name_is_not_given_again() -> None:
    placed = place_values("6% over 5 years", LOAN, {"amount": 1000})
    assert placed.values == {"annual_rate": 6, "years": 5} and placed.question is None


@pytest.mark.parametrize(
    ("text", "unplaced"),
    [
        ("2000 and 3000", "“3000”"),  # two bare amounts, one amount input
        ("2000 at 6% for 5 kg", "“5 kg”"),  # no input weighs anything
    ],
)
def test_a_value_no_input_fits_exactly_makes_it_ask(text, unplaced) -> None:
    placed = place_values(text, LOAN, {})
    assert placed.question is not None and unplaced in placed.question and "nothing has run" in placed.question


def test_two_inputs_that_could_take_a_value_make_it_ask() -> None:
    two_rates = [
        {"name": "rate_a", "title": "Rate A (%)", "type": "number"},
        {"name": "rate_b", "title": "Rate B (%)", "type": "number"},
    ]
    placed = place_values("6%", two_rates, {})
    assert placed.values == {} and "“6%”" in (placed.question or "")


def test_dates_go_to_the_date_inputs_in_the_order_they_are_said() -> None:
    dates = [
        {"name": "start_date", "title": "Start date", "type": "string", "format": "date", "required": True},
        {"name": "end_date", "title": "End date", "type": "string", "format": "date", "required": True},
    ]
    placed = place_values("between 1 March 2026 and 2026-06-01", dates, {}, words_matter=False)
    assert placed.question is None and placed.values == {"start_date": "2026-03-01", "end_date": "2026-06-01"}
    three = place_values("2026-01-01, 2026-02-01 and 2026-03-01", dates, {}, words_matter=False)
    assert three.question is not None and "2026-03-01" in three.question  # one date too many: asked about


def test_the_words_after_about_go_to_the_one_topic_input() -> None:
    blog = [
        {"name": "topic", "title": "Topic", "type": "string", "required": True},
        {"name": "length_words", "title": "Length (words)", "type": "number"},
    ]
    placed = place_values("a blog post about climate change, 500 words", blog, {}, words_matter=False)
    assert placed.values == {"topic": "climate change", "length_words": 500}
