"""Running the Google blocks in tests: a person's OAuth2 credential, a block run, an agent run, secret checks."""

from __future__ import annotations

from typing import Any

from autogpt_app.blocks.sdk import Block, CredentialSecret, RunContext, run_block
from tests.fakes.google_apis import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, FakeGoogleApis


def google_credential(fake: FakeGoogleApis, **changes: Any) -> CredentialSecret:
    """The decrypted Google credential a block run gets (``changes`` replace fields)."""
    fields = {
        "id": "cred-google",
        "provider": "google",
        "type": "oauth2",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "refresh_token": REFRESH_TOKEN,
        "meta": {"token_uri": fake.token_uri},
        **changes,
    }
    return CredentialSecret.model_validate(fields)


async def run(block: Block, fake: FakeGoogleApis, inputs: dict[str, Any], **changes: Any) -> list[tuple[str, Any]]:
    """Run ``block`` with ``inputs`` and the Google credential; every ``(pin, value)`` it produced."""
    context = RunContext(user_id="u1", credentials={"credentials": google_credential(fake, **changes)})
    return await run_block(block, inputs, context)


def assert_no_secret(outputs: Any, fake: FakeGoogleApis, logs: Any) -> None:
    """No client secret, refresh token or access token in ``outputs`` or in the captured logs."""
    for secret in (CLIENT_SECRET, REFRESH_TOKEN, *fake.valid_tokens, "fake-access-token"):
        assert secret not in repr(outputs)
        assert secret not in logs.text


async def run_agent_with_google(fake: FakeGoogleApis, doc: dict[str, Any]):
    """Save ``doc`` as a person's agent, run it with their saved Google credential on the real engine.

    Returns the finished run (outputs, nodes) and the node records as stored.
    """
    from sqlalchemy import select

    from autogpt_app.auth import service as auth_service
    from autogpt_app.credentials import service as credentials
    from autogpt_app.db import session_scope
    from autogpt_app.executions import service as executions
    from autogpt_app.executions.models import NodeExecution
    from autogpt_app.executions.runner import GraphRunner
    from autogpt_app.graphs import service as graphs
    from autogpt_app.graphs.spec import GraphSpec

    async with session_scope() as s:
        user = await auth_service.signup(s, email="ada@example.com", display_name="Ada", password="violet-harbour-42")
        saved = await credentials.create_credential(
            s,
            user,
            provider="google",
            type="oauth2",
            title="My Google",
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            refresh_token=REFRESH_TOKEN,
            meta={"token_uri": fake.token_uri},
        )
        graph = await graphs.create_graph(s, user, GraphSpec.model_validate(doc))
        run_ = await executions.add_graph_execution(s, user, graph.id, credentials={"google_oauth2": saved.id})
    assert await GraphRunner(run_.id).run() == "COMPLETED"
    async with session_scope() as s:
        result = await executions.get_execution(s, user, run_.id)
        records = (await s.execute(select(NodeExecution).where(NodeExecution.graph_exec_id == run_.id))).scalars().all()
    return result, records
