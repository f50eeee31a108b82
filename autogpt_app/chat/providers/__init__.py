"""LLM providers behind one interface (:mod:`autogpt_app.chat.providers.base`)."""
