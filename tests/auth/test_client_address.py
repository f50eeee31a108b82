"""The client address for throttling: X-Forwarded-For is believed only behind configured proxies."""

from __future__ import annotations

import pytest

from autogpt_app.auth.client_address import client_address
from autogpt_app.settings import get_settings


@pytest.mark.parametrize(
    ("hops", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.2"),  # not behind a proxy: a client's own header is ignored
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # the client prepended a fake: our proxy's entry wins
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.1", "203.0.113.9"),
        (1, "[2001:db8::1]:443", "2001:db8::1"),
        (1, "203.0.113.9:5120", "203.0.113.9"),
        (1, "not-an-address", "10.0.0.2"),
        (2, "203.0.113.9", "10.0.0.2"),  # fewer entries than proxies: something is off, use the peer
        (1, "", "10.0.0.2"),
    ],
)
def test_client_address(monkeypatch, hops, forwarded, expected):
    monkeypatch.setattr(get_settings(), "trusted_proxy_count", hops)
    assert client_address("10.0.0.2", {"x-forwarded-for": forwarded}) == expected


def test_unknown_peer_is_empty(monkeypatch):
    monkeypatch.setattr(get_settings(), "trusted_proxy_count", 0)
    assert client_address(None, {}) == ""
