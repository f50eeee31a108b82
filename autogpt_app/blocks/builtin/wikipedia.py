"""Wikipedia: "Get Wikipedia summary" reads the lead of an article through Wikipedia's REST API.

``GET {WIKIPEDIA_API_URL}/page/summary/{title}`` (no key). The id and pins follow AutoGPT's
``GetWikipediaSummaryBlock`` so its agent exports import.
"""

from __future__ import annotations

from urllib.parse import quote

from pydantic import Field

from autogpt_app.blocks.builtin._service_http import call_service, join_url, json_answer
from autogpt_app.blocks.sdk import Block, BlockCategory, BlockError, BlockExample, BlockInput, BlockOutput, RunContext
from autogpt_app.settings import get_settings

EMPTY_TOPIC = "Enter the topic to look up on Wikipedia."
MAX_TOPIC = 255  # Wikipedia's longest title, in bytes
REFUSED = (
    "Wikipedia refused the request (HTTP 403): it turns away clients it cannot identify or that ask too often; "
    "try again later."
)


def not_found(topic: str) -> str:
    """The message for a topic Wikipedia has no article about."""
    return f"Wikipedia has no article titled '{topic}'; check the spelling or try its exact title."


class GetWikipediaSummaryBlock(Block):
    """Fetches the opening summary of a Wikipedia article."""

    id = "f5b0f5d0-1862-4d61-94be-3ad0fa772760"
    name = "Get Wikipedia summary"
    autogpt_name = "GetWikipediaSummaryBlock"
    description = "Looks up a topic on English Wikipedia and passes on the summary at the top of its article."
    categories = (BlockCategory.WEB, BlockCategory.TEXT)

    class Input(BlockInput):
        topic: str = Field(description="The article's title, e.g. Ada Lovelace")

    class Output(BlockOutput):
        summary: str = Field(description="The article's summary")

    examples = (
        BlockExample(input={"topic": "   "}, output=[("error", EMPTY_TOPIC)]),
        BlockExample(
            input={"topic": "x" * 300},
            output=[("error", f"A Wikipedia title has at most {MAX_TOPIC} characters.")],
        ),
    )

    async def run(self, input: Input, context: RunContext):
        topic = " ".join(input.topic.split())
        try:
            if not topic:
                raise BlockError(EMPTY_TOPIC)
            if len(topic.encode()) > MAX_TOPIC:
                raise BlockError(f"A Wikipedia title has at most {MAX_TOPIC} characters.")
            url = join_url(get_settings().wikipedia_api_url, f"page/summary/{quote(topic.replace(' ', '_'), safe='')}")
            response = await call_service(
                context,
                "Wikipedia",
                "GET",
                url,
                headers={"Accept": "application/json"},
                hints={404: not_found(topic), 403: REFUSED},
            )
            body = json_answer("Wikipedia", response)
            summary = body.get("extract") if isinstance(body, dict) else None
            if not isinstance(summary, str):
                raise BlockError(f"Wikipedia gave no summary for '{topic}'.")
        except BlockError as exc:
            yield "error", str(exc)
            return
        yield "summary", summary
