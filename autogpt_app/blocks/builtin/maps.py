"""Google Maps: "Google Maps search" finds places matching a text through the Places API (New).

``POST {GOOGLE_PLACES_API_URL}/v1/places:searchText`` with ``X-Goog-Api-Key`` (the person's key,
provider ``google_maps``) and ``X-Goog-FieldMask`` naming the fields wanted; at most 20 places per
page, following ``nextPageToken`` up to ``max_results`` (60 at most, Google's limit). Id and pins
follow AutoGPT's ``GoogleMapsSearchBlock``: one ``place`` output per place found.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, Field

from autogpt_app.blocks.builtin._service_http import check_answer, join_url, json_answer, send
from autogpt_app.blocks.builtin.io import ADVANCED
from autogpt_app.blocks.sdk import (
    Block,
    BlockCategory,
    BlockError,
    BlockExample,
    BlockInput,
    BlockOutput,
    CredentialRequirement,
    CredentialsRef,
    RunContext,
)
from autogpt_app.net import SafeResponse
from autogpt_app.settings import get_settings

PAGE_SIZE = 20
FIELD_MASK = (
    ",".join(
        f"places.{name}"
        for name in (
            "id",
            "displayName",
            "formattedAddress",
            "location",
            "googleMapsUri",
            "nationalPhoneNumber",
            "websiteUri",
            "rating",
            "userRatingCount",
        )
    )
    + ",nextPageToken"
)
NO_CREDENTIAL = "No credential was provided for 'credentials'."
EMPTY_QUERY = "Enter what to look for, e.g. bakeries in Lyon."
#: Google's reasons (``error.details[].reason``) that a person can act on.
REASONS = {
    "API_KEY_INVALID": "Google refused the Maps API key: check the key in the Google Maps credential.",
    "SERVICE_DISABLED": (
        "The Places API (New) is not enabled for the Google Cloud project of this key: enable it in the "
        "Google Cloud console (APIs & Services)."
    ),
    "API_KEY_SERVICE_BLOCKED": (
        "This key may not call the Places API (New): allow it in the key's API restrictions "
        "in the Google Cloud console."
    ),
}


class Place(BaseModel):
    """A place found on Google Maps."""

    name: str = Field(description="The place's name")
    address: str = Field(description="Its full address")
    phone: str = Field(description="Its phone number, as written in its country")
    rating: float = Field(description="Average rating, 1 to 5 (0: none)")
    reviews: int = Field(description="Number of ratings")
    website: str = Field(description="Its website")
    place_id: str = Field(default="", description="Google's id of the place")
    latitude: float | None = Field(default=None, description="Latitude in degrees")
    longitude: float | None = Field(default=None, description="Longitude in degrees")
    google_maps_url: str = Field(default="", description="Link to the place on Google Maps")


def to_place(raw: dict[str, Any]) -> Place:
    """A place of the Places API (New) as the block's ``Place``."""
    location = raw.get("location") if isinstance(raw.get("location"), dict) else {}
    return Place(
        name=str((raw.get("displayName") or {}).get("text", "")),
        address=str(raw.get("formattedAddress", "")),
        phone=str(raw.get("nationalPhoneNumber", "")),
        rating=float(raw.get("rating") or 0),
        reviews=int(raw.get("userRatingCount") or 0),
        website=str(raw.get("websiteUri", "")),
        place_id=str(raw.get("id", "")),
        latitude=location.get("latitude") if location else None,
        longitude=location.get("longitude") if location else None,
        google_maps_url=str(raw.get("googleMapsUri", "")),
    )


class GoogleMapsSearchBlock(Block):
    """Finds places (shops, restaurants, offices...) on Google Maps from a text."""

    id = "f47ac10b-58cc-4372-a567-0e02b2c3d479"
    name = "Google Maps search"
    autogpt_name = "GoogleMapsSearchBlock"
    description = (
        "Finds places on Google Maps that match a text, e.g. 'bakeries in Lyon', and passes on each one: "
        "name, address, phone, rating, reviews, website, coordinates and Maps link."
    )
    categories = (BlockCategory.WEB,)
    credentials = (
        CredentialRequirement(
            field="credentials",
            provider="google_maps",
            types=("api_key",),
            description="A Google Maps API key allowed to call the Places API (New)",
        ),
    )

    class Input(BlockInput):
        query: str = Field(description="What and where, e.g. bakeries in Lyon")
        radius: int = Field(
            default=5000,
            ge=1,
            le=50000,
            description="Unused: Google needs a centre for a radius, so name the area in the query (kept for imports)",
            json_schema_extra=ADVANCED,
        )
        max_results: int = Field(default=20, ge=1, le=60, description="How many places at most (up to 60)")
        credentials: CredentialsRef | None = Field(default=None, description="Google Maps API key")

    class Output(BlockOutput):
        place: Place = Field(description="A place found (one output per place)")

    examples = (
        BlockExample(input={"query": "bakeries in Lyon"}, output=[("error", NO_CREDENTIAL)]),
        BlockExample(
            input={"query": "  "},
            output=[("error", EMPTY_QUERY)],
            secrets={"credentials": {"provider": "google_maps", "type": "api_key", "api_key": "example-maps-key"}},
        ),
    )

    async def run(self, input: Input, context: RunContext):
        query = " ".join(input.query.split())
        try:
            credential = context.secret("credentials")
            key = credential.api_key.get_secret_value() if credential.api_key else ""
            if not key:
                raise BlockError("The Google Maps credential has no API key.")
            if not query:
                raise BlockError(EMPTY_QUERY)
            places = await _search(context, key, query, input.max_results)
        except BlockError as exc:
            yield "error", str(exc)
            return
        for place in places:
            yield "place", place.model_dump()  # plain JSON: run records store outputs as JSON


async def _search(context: RunContext, key: str, query: str, limit: int) -> list[Place]:
    places: list[Place] = []
    token = ""
    while len(places) < limit:
        body: dict[str, Any] = {"textQuery": query, "pageSize": min(PAGE_SIZE, limit - len(places))}
        if token:
            body["pageToken"] = token
        answer = await _page(context, key, body)
        places.extend(to_place(p) for p in answer.get("places") or [] if isinstance(p, dict))
        token = str(answer.get("nextPageToken") or "")
        if not token:
            break
    return places[:limit]


async def _page(context: RunContext, key: str, body: dict[str, Any]) -> dict[str, Any]:
    url = join_url(get_settings().google_places_api_url, "v1/places:searchText")
    headers = {"X-Goog-Api-Key": key, "X-Goog-FieldMask": FIELD_MASK}
    response = await send(context, "Google Maps", "POST", url, headers=headers, json=body, secrets=(key,))
    if not response.is_success and (hint := _reason(response)):
        raise BlockError(hint)
    answer = json_answer("Google Maps", check_answer("Google Maps", response, secrets=(key,)))
    if not isinstance(answer, dict):
        raise BlockError("Google Maps answered with something that is not a list of places.")
    return answer


def _reason(response: SafeResponse) -> str:
    """A message for Google's own reason of a failure (``error.details[].reason``), when it gave one."""
    try:
        error = json.loads(response.text()).get("error") or {}
        details = error.get("details") or []
    except (ValueError, AttributeError):
        return ""
    for detail in details if isinstance(details, list) else []:
        if isinstance(detail, dict) and (hint := REASONS.get(str(detail.get("reason", "")))):
            return hint
    return ""
