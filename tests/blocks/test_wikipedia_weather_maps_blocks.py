"""Wikipedia summary, OpenWeatherMap weather and Google Maps search against local fakes of their APIs."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from autogpt_app.blocks.builtin.maps import GoogleMapsSearchBlock
from autogpt_app.blocks.builtin.weather import GetWeatherInformationBlock
from autogpt_app.blocks.builtin.wikipedia import GetWikipediaSummaryBlock, not_found
from autogpt_app.blocks.sdk import RunContext, run_block
from tests.fakes.web_services import KEYS, FakeWebServices, api_key_context, serving


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeWebServices]:
    with serving(monkeypatch) as services:
        yield services


def weather_key(value: str | None = None) -> RunContext:
    return api_key_context("credentials", "openweathermap", value)


def maps_key(value: str | None = None) -> RunContext:
    return api_key_context("credentials", "google_maps", value)


# --- Wikipedia -------------------------------------------------------------------------------------


async def test_wikipedia_summary(fake: FakeWebServices) -> None:
    out = await run_block(GetWikipediaSummaryBlock(), {"topic": "Python (programming language)"}, RunContext())

    assert out == [("summary", "Python is a high-level, general-purpose programming language.")]
    assert fake.requests[-1].target == "/wikipedia/page/summary/Python_%28programming_language%29"


async def test_wikipedia_unknown_topic_and_outage(fake: FakeWebServices) -> None:
    assert await run_block(GetWikipediaSummaryBlock(), {"topic": "Qwxz Nothing"}, RunContext()) == [
        ("error", not_found("Qwxz Nothing"))
    ]
    fake.fail("/wikipedia", 503, b"down")
    out = await run_block(GetWikipediaSummaryBlock(), {"topic": "Ada Lovelace"}, RunContext())
    assert out == [("error", "Wikipedia had a problem on its side (HTTP 503); try again later.")]


# --- Weather ---------------------------------------------------------------------------------------


async def test_weather_in_celsius_and_fahrenheit(fake: FakeWebServices) -> None:
    block = GetWeatherInformationBlock()

    celsius = await run_block(block, {"location": "London"}, weather_key())
    fahrenheit = await run_block(block, {"location": "London", "use_celsius": False}, weather_key())

    assert celsius == [("temperature", "11.5"), ("humidity", "81"), ("condition", "light rain")]
    assert fahrenheit[0] == ("temperature", "52.7")
    assert fake.requests[0].query == {"q": "London", "appid": KEYS["openweathermap"], "units": "metric"}
    assert fake.requests[1].query["units"] == "imperial"


async def test_weather_errors_never_show_the_key(fake: FakeWebServices) -> None:
    block = GetWeatherInformationBlock()
    wrong = "owm-wrong-canary-55aa"

    out = dict(await run_block(block, {"location": "London"}, weather_key(wrong)))
    assert out["error"].startswith("OpenWeatherMap refused the request (HTTP 401): check the API key")
    assert wrong not in out["error"]

    out = dict(await run_block(block, {"location": "Atlantis"}, weather_key()))
    assert out == {"error": "OpenWeatherMap does not know the place 'Atlantis'; try 'City' or 'City,CountryCode'."}

    fake.fail("/owm", 429, {"cod": 429, "message": "Your account is temporary blocked due to exceeding of requests"})
    out = dict(await run_block(block, {"location": "Cairo"}, weather_key()))
    assert out["error"].startswith("OpenWeatherMap says there were too many requests (HTTP 429)")

    fake.fail("/owm", 500, b"oops")
    out = dict(await run_block(block, {"location": "Cairo"}, weather_key()))
    assert out == {"error": "OpenWeatherMap had a problem on its side (HTTP 500); try again later."}
    assert all(KEYS["openweathermap"] not in value for value in out.values())


# --- Google Maps -----------------------------------------------------------------------------------


async def test_maps_places_one_output_each_across_pages(fake: FakeWebServices) -> None:
    out = await run_block(GoogleMapsSearchBlock(), {"query": "cafes in Springfield", "max_results": 23}, maps_key())

    assert [pin for pin, _ in out] == ["place"] * 23
    json.dumps(out)  # run records keep outputs as JSON
    assert out[0][1] == {
        "name": "Cafe 1",
        "address": "1 Main St, Springfield",
        "phone": "(555) 000-0001",
        "rating": 4.5,
        "reviews": 101,
        "website": "https://cafe1.example.com/",
        "place_id": "ChIJplace001",
        "latitude": 40.001,
        "longitude": -73.001,
        "google_maps_url": "https://maps.google.com/?cid=1",
    }
    assert out[-1][1]["name"] == "Cafe 23"
    bodies = [r.json() for r in fake.requests]
    assert bodies == [
        {"textQuery": "cafes in Springfield", "pageSize": 20},
        {"textQuery": "cafes in Springfield", "pageSize": 3, "pageToken": "20"},
    ]
    assert "places.displayName" in fake.requests[0].headers["x-goog-fieldmask"]
    assert fake.requests[0].headers["x-goog-api-key"] == KEYS["google_maps"]


async def test_maps_errors(fake: FakeWebServices) -> None:
    block = GoogleMapsSearchBlock()
    wrong = "gmaps-wrong-canary-77bb"

    out = dict(await run_block(block, {"query": "cafes"}, maps_key(wrong)))
    assert out == {"error": "Google refused the Maps API key: check the key in the Google Maps credential."}

    fake.fail("/places", 429, {"error": {"code": 429, "message": "Quota exceeded", "status": "RESOURCE_EXHAUSTED"}})
    out = dict(await run_block(block, {"query": "cafes"}, maps_key()))
    assert out["error"].startswith("Google Maps says there were too many requests (HTTP 429)")

    fake.fail("/places", 502, b"bad gateway")
    out = dict(await run_block(block, {"query": "cafes"}, maps_key()))
    assert out == {"error": "Google Maps had a problem on its side (HTTP 502); try again later."}
    assert KEYS["google_maps"] not in str(out)
