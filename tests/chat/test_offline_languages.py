"""German, French and Spanish requests read in the English the offline copilot plans with; values stay."""

from __future__ import annotations

import pytest

from autogpt_app.chat.providers.offline_languages import in_english


@pytest.mark.parametrize(
    ("said", "read"),
    [
        ("führe es morgen um 9 Uhr aus", "run it tomorrow at 9"),
        ("führe es jeden Montag um 9 Uhr aus", "run it every monday at 9"),
        ("lance-le tous les lundis à 9h", "run it every mondays at 9:00"),
        ("ejecútalo cada lunes a las 9", "run it every monday at 9"),
        ("werktags um 7", "every weekday at 7"),
        ("demain à 9h30", "tomorrow at 9:30"),
        ("mañana por la mañana a las 8", "tomorrow in the morning at 8"),
        ("lance-le maintenant", "run it now"),
        ("nicht jetzt", "not now"),
        ("pas encore", "not now"),
    ],
)
def test_the_words_that_steer_a_request_are_read_in_english(said: str, read: str) -> None:
    assert in_english(said) == read


def test_values_and_english_are_left_as_they_are() -> None:
    assert in_english('translate "Guten Tag, bis morgen" into English') == (
        'translate "Guten Tag, bis morgen" into English'
    )
    assert in_english("run it every day at 9") == "run it every day at 9"
