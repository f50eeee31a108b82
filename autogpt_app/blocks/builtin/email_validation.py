"""Checking e-mail addresses by their form (``email-validator``), without contacting anything.

AutoGPT's ``ValidateEmailsBlock`` asks the ZeroBounce service (an account and a key); this block is
our own, with its own id, and checks the syntax only: no DNS or mail-server lookup, so it is quick,
private and never blocks, but it cannot tell whether a mailbox really exists.
"""

from __future__ import annotations

import re
from typing import Any

from email_validator import EmailNotValidError, validate_email
from pydantic import Field

from autogpt_app.blocks.sdk import Block, BlockCategory, BlockExample, BlockInput, BlockOutput, RunContext

#: At most this many addresses are checked in one run.
MAX_ADDRESSES = 1000
_SEPARATORS = re.compile(r"[,;\s]+")


def split_addresses(value: str | list[Any]) -> list[str]:
    """The addresses in a list, or in text separated by commas, semicolons, spaces or new lines."""
    parts = value if isinstance(value, list) else _SEPARATORS.split(value)
    return [text for part in parts if (text := str(part).strip())]


def check_address(address: str) -> tuple[str | None, str | None]:
    """``(normalized address, None)`` when ``address`` is well-formed, else ``(None, the reason)``."""
    try:
        return validate_email(address, check_deliverability=False).normalized, None
    except EmailNotValidError as exc:
        return None, str(exc)


class CheckEmailAddressesBlock(Block):
    """Sorts e-mail addresses into well-formed and malformed ones, saying what is wrong with each."""

    id = "722ae2a8-1777-4925-a9dc-9c3c87b30d1a"
    name = "Check e-mail addresses"
    description = (
        "Checks that e-mail addresses are written correctly (like ada@example.com) and says what is wrong "
        "with the others. It checks the form only: it does not ask the internet whether the mailbox exists."
    )
    categories = (BlockCategory.TEXT, BlockCategory.COMMUNICATION)

    class Input(BlockInput):
        emails: str | list[str] = Field(
            description="The addresses: a list, or text with commas, semicolons or new lines between them"
        )

    class Output(BlockOutput):
        valid_emails: list[str] = Field(description="The well-formed addresses, tidied (domain in lower case)")
        invalid_emails: list[dict[str, str]] = Field(description="The others, each with the reason: {email, reason}")
        all_valid: bool = Field(description="Whether every address is well-formed")

    examples = (
        BlockExample(
            input={"emails": "Ada@Example.COM, grace@navy.mil"},
            output=[
                ("valid_emails", ["Ada@example.com", "grace@navy.mil"]),
                ("invalid_emails", []),
                ("all_valid", True),
            ],
        ),
        BlockExample(
            input={"emails": ["ada@example", "bob@example.org"]},
            output=[
                ("valid_emails", ["bob@example.org"]),
                (
                    "invalid_emails",
                    [
                        {
                            "email": "ada@example",
                            "reason": "The part after the @-sign is not valid. It should have a period.",
                        }
                    ],
                ),
                ("all_valid", False),
            ],
        ),
        BlockExample(input={"emails": " "}, output=[("error", "There is no e-mail address to check.")]),
    )

    async def run(self, input: Input, context: RunContext):
        addresses = split_addresses(input.emails)
        if not addresses:
            yield "error", "There is no e-mail address to check."
            return
        if len(addresses) > MAX_ADDRESSES:
            yield "error", f"At most {MAX_ADDRESSES} addresses are checked at once; {len(addresses)} were given."
            return
        valid: list[str] = []
        invalid: list[dict[str, str]] = []
        for address in addresses:
            normalized, reason = check_address(address)
            if normalized is not None:
                valid.append(normalized)
            else:
                invalid.append({"email": address, "reason": reason or "It is not an e-mail address."})
        yield "valid_emails", valid
        yield "invalid_emails", invalid
        yield "all_valid", not invalid
