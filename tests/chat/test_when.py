"""One-off times in a person's words: found only where a time is meant, exact or asked about, never guessed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from autogpt_app.chat.when import find_time, resolve_run_at
from autogpt_app.errors import InvalidInput

#: Monday 7 December 2026, 11:30 in Paris.
NOW = datetime(2026, 12, 7, 10, 30, tzinfo=UTC)
PARIS = "Europe/Paris"

# fmt: off
EXACT = [
    ("run it tomorrow at 9", "tomorrow at 9", "2026-12-08T09:00:00+01:00"),
    ("run it tomorrow at 9am", "tomorrow at 9am", "2026-12-08T09:00:00+01:00"),
    ("run it at 6pm", "at 6pm", "2026-12-07T18:00:00+01:00"),
    ("at 18:00 please", "at 18:00", "2026-12-07T18:00:00+01:00"),
    ("run it in 30 minutes", "in 30 minutes", "2026-12-07T12:00:00+01:00"),
    ("in an hour", "in an hour", "2026-12-07T12:30:00+01:00"),
    ("in 2 days at 14:30", "in 2 days at 14:30", "2026-12-09T14:30:00+01:00"),
    ("on the 3rd at noon", "on the 3rd at noon", "2027-01-03T12:00:00+01:00"),
    ("on the 15th at 10:00", "on the 15th at 10:00", "2026-12-15T10:00:00+01:00"),
    ("friday at 8am", "friday at 8am", "2026-12-11T08:00:00+01:00"),
    ("next monday at 9am", "next monday at 9am", "2026-12-14T09:00:00+01:00"),
    ("tonight at 8", "tonight at 8", "2026-12-07T20:00:00+01:00"),
    ("at 5 in the afternoon", "at 5 in the afternoon", "2026-12-07T17:00:00+01:00"),
    ("on Dec 12 at 10:00", "on dec 12 at 10:00", "2026-12-12T10:00:00+01:00"),
    ("on 24 December at 18:00", "on 24 december at 18:00", "2026-12-24T18:00:00+01:00"),
    ("on 2026-12-24 at 18:00", "on 2026-12-24 at 18:00", "2026-12-24T18:00:00+01:00"),
    ("at 3:30pm tomorrow", "at 3:30pm tomorrow", "2026-12-08T15:30:00+01:00"),
    # Other languages: German, French, Spanish.
    ("morgen um 9 Uhr", "morgen um 9 uhr", "2026-12-08T09:00:00+01:00"),
    ("Freitag um 14:00", "freitag um 14:00", "2026-12-11T14:00:00+01:00"),
    ("demain à 9h", "demain à 9h", "2026-12-08T09:00:00+01:00"),
    ("vendredi à 18h30", "vendredi à 18h30", "2026-12-11T18:30:00+01:00"),
    ("mañana a las 9", "mañana a las 9", "2026-12-08T09:00:00+01:00"),
    ("en 30 minutos", "en 30 minutos", "2026-12-07T12:00:00+01:00"),
    ("in 45 seconds", "in 45 seconds", "2026-12-07T11:30:45+01:00"),
    # A correction: the last time said counts.
    ("at 9pm, no, 10pm", "10pm", "2026-12-07T22:00:00+01:00"),
]
ASKED = [
    ("run it next week", "“next week” is not a precise time"),
    ("not now, next week", "“next week” is not a precise time"),
    ("later today", "is not a precise time"),
    ("run it tomorrow", "At what time tomorrow?"),
    ("run it on friday", "At what time on friday?"),
    ("Friday morning", "At what time on friday morning?"),
    ("run it at 5", "5 in the morning or 17:00"),
    ("in 2 hours on friday", "or at the time you named"),
    ("at 9am or 10am", "Which one should it be: 9am or 10am?"),
    ("at 9pm yesterday", "“yesterday” is in the past"),
]
NO_TIME = [
    "run the loan calculator with 2000 at 6% for 5 years",
    "run the news agent with topic=today",
    'run it with topic "what happened today"',
    "run the 2nd one",
    "I am 30 years old",
    "run it now",
    # Recurrences are the cron reader's: never a one-off.
    "every day at 9",
    "every Friday at 8am",
    "on weekdays at 8",
    "on the last day of the month at 18:00",
    "jeden Tag um 9 Uhr",
    # Two dates without a time are values ("days between …"), not when to run.
    "how many days between 1 March 2026 and 1 June 2026",
]
# fmt: on


@pytest.mark.parametrize(("text", "phrase", "moment"), EXACT)
def test_an_exact_time_is_found_and_read_in_the_persons_zone(text: str, phrase: str, moment: str) -> None:
    found = find_time(text.lower())
    assert found is not None and found.question is None, found
    assert found.phrase == phrase
    assert resolve_run_at(found.phrase, PARIS, NOW).isoformat() == moment


@pytest.mark.parametrize(("text", "question"), ASKED)
def test_a_time_that_is_not_exact_is_asked_about_never_guessed(text: str, question: str) -> None:
    found = find_time(text.lower())
    assert found is not None and found.question is not None
    assert question in found.question
    with pytest.raises(InvalidInput):  # the tool refuses it too, whoever sends it
        resolve_run_at(text, PARIS, NOW)


@pytest.mark.parametrize("text", NO_TIME)
def test_numbers_data_and_recurrences_are_not_one_off_times(text: str) -> None:
    assert find_time(text.lower()) is None


def test_a_time_that_has_passed_today_is_refused_with_what_to_say_instead() -> None:
    with pytest.raises(InvalidInput, match=r"07:00 today has already passed; say e\.g\. “tomorrow at 07:00”"):
        resolve_run_at("at 7am", PARIS, NOW)


def test_iso_times_from_a_model_are_read_in_the_zone_when_naive() -> None:
    assert resolve_run_at("2026-12-08T09:00", PARIS, NOW).isoformat() == "2026-12-08T09:00:00+01:00"
    assert resolve_run_at("2026-12-08T09:00:00+00:00", PARIS, NOW) == datetime(2026, 12, 8, 9, tzinfo=UTC)
    with pytest.raises(InvalidInput, match="does not exist in Europe/Paris"):  # the clocks skip 02:00-03:00
        resolve_run_at("2027-03-28T02:30", PARIS, NOW)
    with pytest.raises(InvalidInput, match="does not exist in Europe/Paris"):
        resolve_run_at("on 28 March at 2:30am", PARIS, NOW)


def test_the_same_words_mean_the_persons_own_clock() -> None:
    assert resolve_run_at("tomorrow at 9am", "America/New_York", NOW).isoformat() == "2026-12-08T09:00:00-05:00"


def test_words_that_name_no_time_are_refused() -> None:
    with pytest.raises(InvalidInput, match="names no time"):
        resolve_run_at("whenever you like", PARIS, NOW)
    with pytest.raises(InvalidInput, match="Unknown time zone"):
        resolve_run_at("tomorrow at 9am", "Mars/Olympus", NOW)
