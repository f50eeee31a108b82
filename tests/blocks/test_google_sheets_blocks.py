"""The Google Sheets blocks against local fakes of Google's token endpoint and Sheets API v4.

Loopback is allowed only inside these tests. The client secret, the refresh token and every access
token must appear in no output, no error and no log line.
"""

from __future__ import annotations

import pytest

from autogpt_app.blocks.builtin.google_sheets import (
    GoogleSheetsAppendRowBlock,
    GoogleSheetsReadBlock,
    GoogleSheetsWriteBlock,
)
from tests.blocks.google_helpers import assert_no_secret, run
from tests.fakes.google_workspace import FakeGoogleWorkspace

BOOK = "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms"
PICKED = {"id": BOOK, "name": "Scores", "mimeType": "application/vnd.google-apps.spreadsheet", "_credentials_id": "c1"}


@pytest.fixture
def google(google: FakeGoogleWorkspace) -> FakeGoogleWorkspace:
    """The Google fakes with one spreadsheet, "Scores", and an almost empty second sheet."""
    google.spreadsheets[BOOK] = {
        "Scores": [["Name", "Score"], ["Ada", "95"], ["Bob", "80"]],
        "Team Leads": [["Lead"]],
    }
    return google


async def test_read_a_range_of_a_picked_spreadsheet(google: FakeGoogleWorkspace, logs) -> None:
    outputs = await run(GoogleSheetsReadBlock(), google, {"spreadsheet": PICKED, "range": "Scores!A1:B2"})

    assert outputs[0] == ("result", [["Name", "Score"], ["Ada", "95"]])
    assert outputs[1] == (
        "spreadsheet",
        {
            "id": BOOK,
            "name": "Scores",
            "mimeType": "application/vnd.google-apps.spreadsheet",
            "url": f"https://docs.google.com/spreadsheets/d/{BOOK}/edit",
            "iconUrl": "https://www.gstatic.com/images/branding/product/1x/sheets_48dp.png",
            "isFolder": False,
        },
    )
    assert google.requests[-1].path == f"/sheets/v4/spreadsheets/{BOOK}/values/Scores%21A1%3AB2"
    assert_no_secret(outputs, google, logs)


async def test_read_by_address_or_older_pin_with_sheet_names_quoted(google: FakeGoogleWorkspace) -> None:
    address = f"https://docs.google.com/spreadsheets/d/{BOOK}/edit#gid=0"
    assert dict(await run(GoogleSheetsReadBlock(), google, {"spreadsheet": address}))["result"][2] == ["Bob", "80"]
    assert google.requests[-1].path.endswith("/values/A%3AZ")

    outputs = await run(GoogleSheetsReadBlock(), google, {"spreadsheet_id": BOOK, "range": "Team Leads!"})
    assert dict(outputs)["result"] == [["Lead"]]
    assert google.requests[-1].path.endswith("/values/%27Team%20Leads%27%21A%3AZ")

    assert await run(GoogleSheetsReadBlock(), google, {"spreadsheet": BOOK, "range": "Nope!A1"}) == [
        ("error", "Google Sheets refused the request (HTTP 400): Unable to parse range: Nope!A1.")
    ]
    assert await run(GoogleSheetsReadBlock(), google, {"spreadsheet": "1abcdefghijklmnop"}) == [
        (
            "error",
            "Google Sheets did not find what the request names (HTTP 404): Requested entity was not found. "
            "Check the ids.",
        )
    ]
    assert await run(GoogleSheetsReadBlock(), google, {"spreadsheet": "../../x"}) == [
        ("error", "'../../x' is not a spreadsheet id.")
    ]


async def test_write_replaces_a_range(google: FakeGoogleWorkspace, logs) -> None:
    outputs = await run(
        GoogleSheetsWriteBlock(),
        google,
        {"spreadsheet": PICKED, "range": "Scores!B2", "values": [[99], ["=SUM(B2:B3)", None]]},
    )

    assert outputs[0] == (
        "result",
        {
            "spreadsheetId": BOOK,
            "updatedRange": "Scores!B2:C3",
            "updatedRows": 2,
            "updatedColumns": 2,
            "updatedCells": 3,
        },
    )
    sent = google.requests[-1]
    assert sent.method == "PUT" and sent.query == {"valueInputOption": "USER_ENTERED"}
    assert sent.json == {"range": "Scores!B2", "majorDimension": "ROWS", "values": [[99], ["=SUM(B2:B3)", ""]]}
    assert google.spreadsheets[BOOK]["Scores"][1] == ["Ada", "99"]
    assert_no_secret(outputs, google, logs)


async def test_append_a_row_below_the_data(google: FakeGoogleWorkspace) -> None:
    outputs = await run(GoogleSheetsAppendRowBlock(), google, {"spreadsheet": PICKED, "row": ["Cy", 70]})

    assert outputs[0] == (
        "result",
        {"updatedRange": "Scores!A4:B4", "updatedRows": 1, "updatedColumns": 2, "updatedCells": 2},
    )
    assert dict(outputs)["spreadsheet"]["id"] == BOOK
    sent = google.requests[-1]
    assert sent.method == "POST" and sent.path == f"/sheets/v4/spreadsheets/{BOOK}/values/A1:append"
    assert sent.query == {"valueInputOption": "USER_ENTERED", "insertDataOption": "INSERT_ROWS"}
    assert google.spreadsheets[BOOK]["Scores"][-1] == ["Cy", "70"]


async def test_append_older_exports_rows_and_dictionaries(google: FakeGoogleWorkspace) -> None:
    await run(
        GoogleSheetsAppendRowBlock(),
        google,
        {"spreadsheet_id": BOOK, "sheet_name": "Team Leads", "values": [["Eve"], ["Fay"]], "value_input_option": "RAW"},
    )
    assert google.spreadsheets[BOOK]["Team Leads"] == [["Lead"], ["Eve"], ["Fay"]]
    assert google.requests[-1].path.endswith("/values/%27Team%20Leads%27%21A1:append")
    assert google.requests[-1].query["valueInputOption"] == "RAW"

    await run(
        GoogleSheetsAppendRowBlock(),
        google,
        {"spreadsheet": BOOK, "dict_values": [{"Score": 60, "Name": "Gus"}], "headers": ["Name", "Score"]},
    )
    assert google.spreadsheets[BOOK]["Scores"][-1] == ["Gus", "60"]

    assert await run(GoogleSheetsAppendRowBlock(), google, {"spreadsheet": BOOK, "row": ["a"], "values": [["b"]]}) == [
        ("error", "Give only one of row and values.")
    ]


async def test_a_non_sheets_file_is_refused_before_anything_is_sent(google: FakeGoogleWorkspace) -> None:
    doc = {"id": "1abcdefghijklmnop", "name": "Notes", "mimeType": "application/vnd.google-apps.document"}
    assert await run(GoogleSheetsWriteBlock(), google, {"spreadsheet": doc, "range": "A1", "values": [["x"]]}) == [
        (
            "error",
            "'Notes' is not a Google Sheets spreadsheet (application/vnd.google-apps.document); convert it to Google "
            "Sheets first, or use a CSV or Excel block.",
        )
    ]
    assert google.requests == []


@pytest.mark.parametrize(
    ("status", "body", "headers", "message"),
    [
        (
            401,
            {"error": {"code": 401, "message": "Invalid Credentials"}},
            {},
            "Google Sheets refused the access Google gave (HTTP 401). Reconnect your Google account: make a new "
            "refresh token and update the credential.",
        ),
        (
            403,
            {"error": {"code": 403, "message": "Request had insufficient authentication scopes."}},
            {},
            "Google Sheets refused the request (HTTP 403): Request had insufficient authentication scopes. Check what "
            "the credential is allowed to do. The refresh token must be made with the "
            "https://www.googleapis.com/auth/spreadsheets scope.",
        ),
        (
            429,
            {"error": {"code": 429, "message": "Quota exceeded"}},
            {},
            "Google Sheets is limiting requests (HTTP 429). Try again in a little while.",
        ),
        (500, {"error": {"code": 500}}, {}, "Google Sheets had a problem on its side (HTTP 500). Try again later."),
    ],
)
async def test_sheets_failures_are_sentences(google: FakeGoogleWorkspace, logs, status, body, headers, message):
    google.fail_next(200, {"access_token": "ya29.fake-access-token-z", "expires_in": 3600})
    google.fail_next(status, body, headers)
    if status == 401:  # renewed once, refused again
        google.fail_next(200, {"access_token": "ya29.fake-access-token-y", "expires_in": 3600})
        google.fail_next(status, body, headers)

    outputs = await run(GoogleSheetsAppendRowBlock(), google, {"spreadsheet": BOOK, "row": ["x"]})

    assert outputs == [("error", message)]
    assert_no_secret(outputs, google, logs)
    assert "ya29" not in logs.text
