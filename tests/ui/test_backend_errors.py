"""A page event that meets a database refusing connections tells the person to try again shortly."""

from __future__ import annotations

import json

from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from autogpt_app.db import DATABASE_BUSY
from autogpt_app.ui.backend_errors import backend_error_notice


def _shown(spec) -> str:
    return json.dumps([str(value) for _, value in spec.args])


def test_a_refused_connection_reads_as_busy_not_as_a_crash():
    refused = OperationalError("connect", {}, Exception("FATAL: sorry, too many clients already"))
    for exc in (refused, PoolTimeout("QueuePool limit of size 4 overflow 0 reached")):
        shown = _shown(backend_error_notice(exc))
        assert DATABASE_BUSY.split(" (")[0] in shown
        assert "too many clients" not in shown and "QueuePool" not in shown
        assert "Contact the website administrator" not in shown


def test_other_errors_keep_the_generic_notice():
    assert "An error occurred" in _shown(backend_error_notice(ValueError("boom")))
