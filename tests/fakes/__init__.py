"""Stand-ins for outside services that tests start on 127.0.0.1 (no hosted model is reachable here)."""

from tests.fakes.openai_server import FakeOpenAIServer, RecordedRequest, Reply, ToolCall

__all__ = ["FakeOpenAIServer", "RecordedRequest", "Reply", "ToolCall"]
