"""The copilot chat: sessions and messages, the streaming tool-call loop, LLM providers, tools, events."""
