"""The real app's edges over plain HTTP: body limits on every route, uploads only for a logged-in
tab, and CORS only for APP_URL's origin. (Uploading as a logged-in person: test_library.py.)"""

from __future__ import annotations

import uuid

import httpx

from tests.api.test_accounts_api import assert_error

MB = 1024 * 1024
FOREIGN = "https://evil.example"
#: The library's upload dialog handler, as the page names it in the upload request.
UPLOAD_HANDLER = (
    "reflex___state____state.autogpt_app___ui___states___auth____auth_state"
    ".autogpt_app___ui___components___upload_dialog____upload_state.check_file"
)


def _chunks(total: int, size: int = 64 * 1024):
    """A body without Content-Length: httpx sends it chunked."""
    sent = 0
    while sent < total:
        yield b"x" * size
        sent += size


def _upload_headers(client_token: str | None) -> dict[str, str]:
    headers = {
        "content-type": "multipart/form-data; boundary=xyz",
        "reflex-event-handler": UPLOAD_HANDLER,
    }
    if client_token:
        headers["reflex-client-token"] = client_token
    return headers


def test_upload_without_a_login_is_refused_before_the_body(app_server: str):
    with httpx.Client(base_url=app_server, timeout=60) as client:
        for token in (str(uuid.uuid4()), None):
            r = client.post("/_upload", content=_chunks(50 * MB), headers=_upload_headers(token))
            err = assert_error(r, 401, "not_authenticated")
            assert "log in" in err["message"].lower()
            # Declared up front, the same answer (the body is never spooled).
            r = client.post("/_upload", content=b"x" * (3 * MB), headers=_upload_headers(token))
            assert_error(r, 401, "not_authenticated")


def test_every_route_has_a_body_limit(app_server: str):
    with httpx.Client(base_url=app_server, timeout=60) as client:
        # Pages and Reflex's own endpoints: a declared length is refused before routing (pages read no body).
        for path in ("/", "/library", "/ping", "/_health"):
            assert_error(client.post(path, content=b"x" * (2 * MB)), 413, "payload_too_large")
        # A route that reads its body: a chunked 20 MB body is cut off at the limit.
        assert_error(client.post("/api/v1/auth/token", content=_chunks(20 * MB)), 413, "payload_too_large")
        assert client.get("/ping").status_code == 200


def test_cors_allows_only_the_app_url_origin(app_server: str):
    own = app_server.rstrip("/")
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    with httpx.Client(base_url=app_server, timeout=30) as client:
        foreign = client.options("/api/v1/auth/token", headers={"Origin": FOREIGN, **preflight})
        assert "access-control-allow-origin" not in foreign.headers
        simple = client.get("/api/v1/me", headers={"Origin": FOREIGN, "Cookie": "a=b"})
        assert "access-control-allow-origin" not in simple.headers

        allowed = client.options("/api/v1/auth/token", headers={"Origin": own, **preflight})
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == own
        simple = client.get("/api/v1/me", headers={"Origin": own})
        assert simple.headers["access-control-allow-origin"] == own

        # The app's socket refuses a page of another site (no cross-site WebSocket hijacking).
        socket_path = "/_event/?EIO=4&transport=websocket"
        assert client.get(socket_path, headers={"Origin": FOREIGN}).status_code == 400
