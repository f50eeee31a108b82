"""Fixtures shared by the block tests: captured logs, and local fakes of Google's APIs."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from autogpt_app.credentials import oauth
from autogpt_app.settings import get_settings
from tests.fakes.google_workspace import FakeGoogleWorkspace


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Every log line, DEBUG included (tests check that no secret reaches them)."""
    caplog.set_level(logging.DEBUG)
    return caplog


@pytest.fixture
def google(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGoogleWorkspace]:
    """Google's token endpoint, Gmail, Calendar and Sheets, faked on 127.0.0.1 (loopback allowed here only)."""
    settings = get_settings()
    monkeypatch.setattr(settings, "outbound_allow_loopback", True)
    oauth.clear_cache()
    with FakeGoogleWorkspace() as fake:
        fake.configure(settings, monkeypatch)
        yield fake
    oauth.clear_cache()
