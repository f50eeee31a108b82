"""What the builder asks of an MCP server before an agent runs: its tools, with the person's credential."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth.models import User
from autogpt_app.credentials import service as credentials
from autogpt_app.errors import InvalidInput
from autogpt_app.mcp.client import PROVIDER, ToolInfo, bearer_token, list_tools

MAX_URL = 2000


async def server_tools(
    session: AsyncSession, user: User, server_url: str, credential_id: str | None = None
) -> list[ToolInfo]:
    """The tools of the MCP server at ``server_url``, asked with the user's ``mcp`` credential if given.

    Raises:
        InvalidInput: no address, or the credential is not an MCP one.
        NotFound: the credential is not the user's.
        OutboundRequestError: the address is refused (private, malformed).
        McpProblem: the server could not be reached, refused, or did not answer in time.
    """
    server_url = (server_url or "").strip()
    if not server_url or len(server_url) > MAX_URL:
        raise InvalidInput("Enter the MCP server's address, e.g. https://example.com/mcp.", code="invalid_server_url")
    secret = None
    if credential_id:
        secret = await credentials.get_secret(session, user.id, credential_id)
        if secret.provider != PROVIDER:
            raise InvalidInput("Choose an MCP credential for an MCP server.", code="invalid_credential")
    return await list_tools(server_url, await bearer_token(secret))
