"""Domain errors shared by every service.

Each error carries a stable machine ``code``, a message fit to show a person, and the HTTP
status that suits it, so the API and pages translate them without knowing the service.
"""

from __future__ import annotations


class ServiceError(Exception):
    """Base class: a request the service refuses, with a readable reason."""

    status: int = 400
    code: str = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, details: list[dict] | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        #: Structured specifics (e.g. one entry per invalid node and pin), shown by the API as ``details``.
        self.details = details or []


class InvalidInput(ServiceError):
    status = 422
    code = "invalid_input"


class Unauthorized(ServiceError):
    status = 401
    code = "unauthorized"


class Forbidden(ServiceError):
    status = 403
    code = "forbidden"


class NotFound(ServiceError):
    status = 404
    code = "not_found"


class Conflict(ServiceError):
    status = 409
    code = "conflict"


class TooManyRequests(ServiceError):
    status = 429
    code = "too_many_requests"

    def __init__(self, message: str, *, retry_after: int, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.retry_after = retry_after
