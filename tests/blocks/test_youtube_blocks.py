"""Transcribe YouTube video against a local fake of the watch page, player API and captions endpoint."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from autogpt_app.blocks.builtin.youtube import TranscribeYoutubeVideoBlock, extract_video_id
from autogpt_app.blocks.sdk import BlockError, RunContext, run_block
from tests.fakes.web_services import FakeWebServices, serving


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeWebServices]:
    with serving(monkeypatch) as services:
        yield services


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s",
        "https://youtu.be/dQw4w9WgXcQ?si=abc",
        "youtube.com/shorts/dQw4w9WgXcQ",
        "https://m.youtube.com/embed/dQw4w9WgXcQ",
        "https://www.youtube.com/live/dQw4w9WgXcQ",
    ],
)
def test_video_ids_from_every_kind_of_address(url: str) -> None:
    assert extract_video_id(url) == "dQw4w9WgXcQ"


@pytest.mark.parametrize("url", ["https://evil.example/watch?v=dQw4w9WgXcQ", "https://www.youtube.com/", "nonsense"])
def test_addresses_that_are_not_videos(url: str) -> None:
    with pytest.raises(BlockError, match="is not the address of a YouTube video"):
        extract_video_id(url)


async def test_transcript_prefers_the_uploaders_english_captions(fake: FakeWebServices) -> None:
    out = await run_block(TranscribeYoutubeVideoBlock(), {"youtube_url": "https://youtu.be/dQw4w9WgXcQ"}, RunContext())

    assert out == [("video_id", "dQw4w9WgXcQ"), ("transcript", "Never gonna give you up\nIt's fine & true")]
    captions = fake.requests[-1]
    assert captions.path == "/youtube/api/timedtext" and "fmt" not in captions.query
    assert fake.requests[1].json()["videoId"] == "dQw4w9WgXcQ"


async def test_the_language_asked_for_then_another(fake: FakeWebServices) -> None:
    block = TranscribeYoutubeVideoBlock()
    url = "https://www.youtube.com/watch?v="

    french = dict(await run_block(block, {"youtube_url": url + "dQw4w9WgXcQ", "language": "fr"}, RunContext()))
    assert french["transcript"] == "Jamais je ne t'abandonnerai"

    fallback = dict(await run_block(block, {"youtube_url": url + "frOnlyVid01"}, RunContext()))
    assert fallback["transcript"] in {"Hallo Welt", "Bonjour le monde"}


@pytest.mark.parametrize(
    ("video", "message"),
    [
        ("ageLimited1", "YouTube wants a signed-in viewer for video ageLimited1 (Sign in to confirm your age)"),
        ("goneVideo01", "YouTube cannot play video goneVideo01 here: This video is unavailable."),
        ("noCaptions1", "Video noCaptions1 has no captions, so there is no transcript."),
    ],
)
async def test_videos_without_a_transcript(fake: FakeWebServices, video: str, message: str) -> None:
    out = await run_block(TranscribeYoutubeVideoBlock(), {"youtube_url": f"https://youtu.be/{video}"}, RunContext())

    assert out[0] == ("video_id", video)
    assert out[1][0] == "error" and out[1][1].startswith(message)


async def test_youtube_refusing_this_server(fake: FakeWebServices) -> None:
    block = TranscribeYoutubeVideoBlock()
    url = {"youtube_url": "https://youtu.be/dQw4w9WgXcQ"}

    fake.fail("/youtube/watch", 200, b'<form><div class="g-recaptcha"></div></form>')
    assert (await run_block(block, url, RunContext()))[1] == (
        "error",
        "YouTube asks this server to solve a captcha (too many requests from its address).",
    )

    fake.fail("/youtube/watch", 429, b"Too Many Requests")
    error = (await run_block(block, url, RunContext()))[1]
    assert error[1].startswith("YouTube says there were too many requests (HTTP 429)")
