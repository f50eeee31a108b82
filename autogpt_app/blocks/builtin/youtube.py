"""YouTube: "Transcribe YouTube video" passes on the captions of a video as text.

It asks YouTube the way its own web and app players do, over plain HTTP through the guarded client
(no library doing its own HTTP):

1. ``GET {YOUTUBE_URL}/watch?v=<id>``: the page holds the player API key (``INNERTUBE_API_KEY``);
2. ``POST {YOUTUBE_URL}/youtubei/v1/player?key=<it>`` with the video id and a player client: the
   answer says whether the video plays here and lists its caption tracks (``captionTracks``);
3. ``GET <the chosen track's baseUrl>``: the captions as XML, one ``<text>`` per line.

A track the uploader wrote is preferred to an automatic one, English to other languages, as the
``language`` input asks. YouTube often refuses servers in data centres ("confirm you're not a bot");
that refusal comes out as a readable error. Id and pins follow AutoGPT's
``TranscribeYoutubeVideoBlock`` (its proxy credential is not needed here and is ignored on import).
"""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from pydantic import Field

from autogpt_app.blocks.builtin._service_http import call_service, join_url, json_answer
from autogpt_app.blocks.builtin.io import ADVANCED
from autogpt_app.blocks.sdk import Block, BlockCategory, BlockError, BlockExample, BlockInput, BlockOutput, RunContext
from autogpt_app.settings import get_settings

_VIDEO_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com", "youtube-nocookie.com"}
_PATH_PREFIXES = ("embed", "v", "shorts", "live")
_API_KEY = re.compile(r'"INNERTUBE_API_KEY":\s*"([A-Za-z0-9_-]+)"')
_TEXT = re.compile(r"<text\b[^>]*>(.*?)</text>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
#: The player client the request names (YouTube's Android app answers with plain caption addresses).
PLAYER_CLIENT = {"clientName": "ANDROID", "clientVersion": "20.10.38"}


def not_a_video(url: str) -> str:
    """The message for an address that names no YouTube video."""
    return f"'{url[:200]}' is not the address of a YouTube video (e.g. https://www.youtube.com/watch?v=…)."


def extract_video_id(url: str) -> str:
    """The 11-character video id in a YouTube address (watch, youtu.be, embed, shorts, live), or BlockError."""
    text = url.strip()
    parts = urlsplit(text if "://" in text else f"https://{text}")
    host = (parts.hostname or "").lower()
    segments = [s for s in parts.path.split("/") if s]
    candidate = ""
    if host == "youtu.be" and segments:
        candidate = segments[0]
    elif host in _HOSTS:
        if segments[:1] == ["watch"]:
            candidate = (parse_qs(parts.query).get("v") or [""])[0]
        elif len(segments) >= 2 and segments[0] in _PATH_PREFIXES:
            candidate = segments[1]
    if not _VIDEO_ID.fullmatch(candidate):
        raise BlockError(not_a_video(url))
    return candidate


class TranscribeYoutubeVideoBlock(Block):
    """Fetches the captions of a YouTube video as plain text."""

    id = "f3a8f7e1-4b1d-4e5f-9f2a-7c3d5a2e6b4c"
    name = "Transcribe YouTube video"
    autogpt_name = "TranscribeYoutubeVideoBlock"
    description = "Gets the transcript of a YouTube video from its captions (written by the uploader or automatic)."
    categories = (BlockCategory.WEB, BlockCategory.TEXT)

    class Input(BlockInput):
        youtube_url: str = Field(description="The video's address, e.g. https://www.youtube.com/watch?v=dQw4w9WgXcQ")
        language: str = Field(
            default="en",
            max_length=20,
            description="Preferred caption language code (e.g. en, fr); another one is used if it is missing",
            json_schema_extra=ADVANCED,
        )

    class Output(BlockOutput):
        video_id: str = Field(description="The video's id")
        transcript: str = Field(description="The captions' text, one line per caption")

    examples = (
        BlockExample(
            input={"youtube_url": "https://vimeo.com/76979871"},
            output=[("error", not_a_video("https://vimeo.com/76979871"))],
        ),
        BlockExample(
            input={"youtube_url": "https://www.youtube.com/watch?v=short"},
            output=[("error", not_a_video("https://www.youtube.com/watch?v=short"))],
        ),
    )

    async def run(self, input: Input, context: RunContext):
        try:
            video_id = extract_video_id(input.youtube_url)
        except BlockError as exc:
            yield "error", str(exc)
            return
        yield "video_id", video_id
        try:
            transcript = await _transcript(context, video_id, input.language.strip().lower() or "en")
        except BlockError as exc:
            yield "error", str(exc)
            return
        yield "transcript", transcript


async def _transcript(context: RunContext, video_id: str, language: str) -> str:
    base = get_settings().youtube_url
    page = await call_service(
        context,
        "YouTube",
        "GET",
        join_url(base, "watch"),
        params={"v": video_id},
        headers={"Accept-Language": "en-US", "Cookie": "SOCS=CAI"},  # declines the cookie-consent page
    )
    match = _API_KEY.search(page.text())
    if match is None:
        if "g-recaptcha" in page.text():
            raise BlockError("YouTube asks this server to solve a captcha (too many requests from its address).")
        raise BlockError("YouTube's video page did not have the player details in it; try again later.")
    answer = await call_service(
        context,
        "YouTube",
        "POST",
        join_url(base, "youtubei/v1/player"),
        params={"key": match.group(1)},
        json={"context": {"client": PLAYER_CLIENT}, "videoId": video_id},
    )
    player = json_answer("YouTube", answer)
    tracks = _caption_tracks(player, video_id)
    track = _pick(tracks, language)
    url = httpx.URL(str(track["baseUrl"]))
    url = url.copy_remove_param("fmt") if "fmt" in url.params else url
    captions = await call_service(context, "YouTube", "GET", url)
    lines = [_clean(m.group(1)) for m in _TEXT.finditer(captions.text())]
    text = "\n".join(line for line in lines if line)
    if not text:
        raise BlockError(f"The captions of video {video_id} are empty.")
    return text


def _caption_tracks(player: Any, video_id: str) -> list[dict[str, Any]]:
    if not isinstance(player, dict):
        raise BlockError("YouTube answered with something that is not a player description.")
    status = player.get("playabilityStatus") or {}
    state = str(status.get("status", "OK"))
    if state != "OK":
        reason = " ".join(str(status.get("reason") or "").split())[:200]
        if state == "LOGIN_REQUIRED":
            raise BlockError(
                f"YouTube wants a signed-in viewer for video {video_id} ({reason or 'login required'}); "
                "it often asks this of servers, or the video is age-restricted."
            )
        raise BlockError(f"YouTube cannot play video {video_id} here: {reason or state.lower()}.")
    renderer = (player.get("captions") or {}).get("playerCaptionsTracklistRenderer") or {}
    tracks = [t for t in renderer.get("captionTracks") or [] if isinstance(t, dict) and t.get("baseUrl")]
    if not tracks:
        raise BlockError(f"Video {video_id} has no captions, so there is no transcript.")
    return tracks


def _pick(tracks: list[dict[str, Any]], language: str) -> dict[str, Any]:
    """The best track: the wanted language before English before others, the uploader's before automatic."""

    def rank(track: dict[str, Any]) -> tuple[int, int]:
        code = str(track.get("languageCode", "")).lower()
        lang = 0 if code.split("-")[0] == language.split("-")[0] else 1 if code.startswith("en") else 2
        return lang, 1 if track.get("kind") == "asr" else 0

    return min(tracks, key=rank)


def _clean(fragment: str) -> str:
    """One caption's text: tags dropped, entities decoded (twice: YouTube escapes the escapes)."""
    text = html.unescape(html.unescape(_TAG.sub("", fragment)))
    return " ".join(_TAG.sub("", text).split())
