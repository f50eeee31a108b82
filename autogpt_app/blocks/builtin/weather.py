"""Weather: "Get weather information" asks OpenWeatherMap for the current weather of a place.

``GET {OPENWEATHERMAP_API_URL}/data/2.5/weather?q=…&appid=…&units=metric|imperial`` with the
person's OpenWeatherMap key (provider ``openweathermap``). The key travels in the query string, as
the API wants, so no message ever carries the address. Id and pins follow AutoGPT's
``GetWeatherInformationBlock`` (values as text, as there).
"""

from __future__ import annotations

from pydantic import Field

from autogpt_app.blocks.builtin._service_http import call_service, join_url, json_answer
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
from autogpt_app.settings import get_settings

NO_CREDENTIAL = "No credential was provided for 'credentials'."
EMPTY_LOCATION = "Enter the place to get the weather for, e.g. London or Paris,FR."


class GetWeatherInformationBlock(Block):
    """Fetches the current temperature, humidity and conditions of a place."""

    id = "f7a8b2c3-6d4e-5f8b-9e7f-6d4e5f8b9e7f"
    name = "Get weather information"
    autogpt_name = "GetWeatherInformationBlock"
    description = "Gets the current weather of a place from OpenWeatherMap: temperature, humidity and conditions."
    categories = (BlockCategory.WEB,)
    credentials = (
        CredentialRequirement(
            field="credentials", provider="openweathermap", types=("api_key",), description="An OpenWeatherMap API key"
        ),
    )

    class Input(BlockInput):
        location: str = Field(description="The place, e.g. London or Paris,FR")
        use_celsius: bool = Field(default=True, description="Temperature in Celsius (off: Fahrenheit)")
        credentials: CredentialsRef | None = Field(default=None, description="OpenWeatherMap API key")

    class Output(BlockOutput):
        temperature: str = Field(description="The temperature, in Celsius or Fahrenheit")
        humidity: str = Field(description="The relative humidity, in percent")
        condition: str = Field(description="The conditions in words, e.g. light rain")

    examples = (
        BlockExample(input={"location": "London"}, output=[("error", NO_CREDENTIAL)], description="no credential"),
        BlockExample(
            input={"location": " "},
            output=[("error", EMPTY_LOCATION)],
            secrets={"credentials": {"provider": "openweathermap", "type": "api_key", "api_key": "example-key-1234"}},
        ),
    )

    async def run(self, input: Input, context: RunContext):
        location = " ".join(input.location.split())
        try:
            credential = context.secret("credentials")
            key = credential.api_key.get_secret_value() if credential.api_key else ""
            if not key:
                raise BlockError("The OpenWeatherMap credential has no API key.")
            if not location:
                raise BlockError(EMPTY_LOCATION)
            response = await call_service(
                context,
                "OpenWeatherMap",
                "GET",
                join_url(get_settings().openweathermap_api_url, "data/2.5/weather"),
                params={"q": location, "appid": key, "units": "metric" if input.use_celsius else "imperial"},
                secrets=(key,),
                hints={404: f"OpenWeatherMap does not know the place '{location}'; try 'City' or 'City,CountryCode'."},
            )
            body = json_answer("OpenWeatherMap", response)
            main, weather = body.get("main"), body.get("weather")
            if not isinstance(main, dict) or not isinstance(weather, list) or not weather:
                raise BlockError("OpenWeatherMap's answer has no current weather in it.")
        except BlockError as exc:
            yield "error", str(exc)
            return
        yield "temperature", str(main.get("temp", ""))
        yield "humidity", str(main.get("humidity", ""))
        yield "condition", str(weather[0].get("description", "")) if isinstance(weather[0], dict) else ""
