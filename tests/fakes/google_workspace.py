"""Google Calendar API v3 and Sheets API v4 as the Calendar and Sheets blocks use them, on 127.0.0.1,
next to the token endpoint and Gmail of :class:`tests.fakes.google_apis.FakeGoogleApis`.

Written from Google's public API reference, only the parts the blocks call:

* ``GET /calendar/v3/calendars/{calendarId}/events?timeMin=&timeMax=&maxResults=&q=&pageToken=``
  → ``{"items": [event…], "nextPageToken"?}`` (events starting in the window, earliest first);
  ``POST …/events?sendUpdates=&conferenceDataVersion=`` with an event → the event with ``id`` and
  ``htmlLink``; an unknown calendar is 404.
* ``GET /sheets/v4/spreadsheets/{id}/values/{range}`` → ``{"range", "majorDimension", "values"}``;
  ``PUT …/values/{range}?valueInputOption=`` → ``{"spreadsheetId", "updatedRange", "updatedRows",
  "updatedColumns", "updatedCells"}``; ``POST …/values/{range}:append`` → ``{"spreadsheetId",
  "updates": {…}}``. An unknown sheet is 400 "Unable to parse range", an unknown spreadsheet 404.
  Ranges: ``A1``, ``A1:C3``, ``A:C``, with or without a (quoted) sheet name; none means the first sheet.

Every call needs an access token the fake's token endpoint handed out.
"""

from __future__ import annotations

import itertools
import re
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from tests.fakes.google_apis import FakeGoogleApis
from tests.fakes.json_api import ApiAnswer, ApiRequest

_CELL = re.compile(r"([A-Z]*)(\d*)")


def _error(status: int, message: str, code: str) -> ApiAnswer:
    return ApiAnswer(status, {"error": {"code": status, "message": message, "status": code}})


def _column(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number - 1


def _letters(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


class FakeGoogleWorkspace(FakeGoogleApis):
    """The token endpoint, Gmail (a sent message keeps the ``threadId`` it names), calendars and spreadsheets."""

    name = "fake-google-workspace"

    def __init__(self) -> None:
        super().__init__()
        self.calendars: dict[str, list[dict[str, Any]]] = {"primary": []}
        self.spreadsheets: dict[str, dict[str, list[list[str]]]] = {}
        self._ids = itertools.count(1)

    def configure(self, settings: Any, monkeypatch: Any) -> None:
        """Point ``settings``' Gmail, Calendar and Sheets addresses at this fake."""
        super().configure(settings, monkeypatch)
        monkeypatch.setattr(settings, "google_calendar_api_url", f"{self.url}/calendar/v3")
        monkeypatch.setattr(settings, "google_sheets_api_url", f"{self.url}/sheets/v4")

    def add_event(self, summary: str, start: str, end: str, **fields: Any) -> dict[str, Any]:
        """Put an event in the primary calendar (``start``/``end``: RFC 3339, or a date for all day)."""
        kind = "date" if len(start) == 10 else "dateTime"
        event = {
            "id": f"evt{next(self._ids):04d}",
            "summary": summary,
            "start": {kind: start},
            "end": {kind: end},
            "htmlLink": f"https://calendar.google.com/calendar/event?eid=evt{len(self.calendars['primary']) + 1}",
            **fields,
        }
        self.calendars["primary"].append(event)
        return event

    def _send(self, body: dict[str, Any]) -> ApiAnswer:
        # Gmail keeps a reply in the thread it names.
        answer = super()._send(body)
        if answer.status == 200 and body.get("threadId"):
            answer.body["threadId"] = str(body["threadId"])
        return answer

    # --- routing --------------------------------------------------------------------------------

    def answer(self, request: ApiRequest) -> ApiAnswer:
        calendar = request.path.startswith("/calendar/v3/")
        sheets = request.path.startswith("/sheets/v4/")
        if not (calendar or sheets):
            return super().answer(request)
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if token not in self.valid_tokens:
            return _error(401, "Request had invalid authentication credentials.", "UNAUTHENTICATED")
        return self._calendar(request) if calendar else self._sheets(request)

    # --- calendar -------------------------------------------------------------------------------

    def _calendar(self, request: ApiRequest) -> ApiAnswer:
        found = re.fullmatch(r"/calendar/v3/calendars/([^/]+)/events", request.path)
        if found is None:
            return _error(404, "Not Found", "NOT_FOUND")
        events = self.calendars.get(unquote(found.group(1)))
        if events is None:
            return _error(404, "Not Found", "NOT_FOUND")
        if request.method == "POST":
            return self._insert_event(events, request.json or {})
        return self._list_events(events, request.query)

    def _list_events(self, events: list[dict[str, Any]], query: dict[str, str]) -> ApiAnswer:
        def start(event: dict[str, Any]) -> datetime:
            edge = event["start"]
            raw = edge.get("dateTime") or edge["date"] + "T00:00:00+00:00"
            return datetime.fromisoformat(raw.replace("Z", "+00:00"))

        low = datetime.fromisoformat(query["timeMin"].replace("Z", "+00:00"))
        high = datetime.fromisoformat(query["timeMax"].replace("Z", "+00:00"))
        chosen = sorted((e for e in events if low <= start(e) < high), key=start)
        if q := query.get("q", "").lower():
            chosen = [e for e in chosen if q in str(e.get("summary", "")).lower()]
        first = int(query.get("pageToken", "0"))
        size = int(query.get("maxResults", "250"))
        body: dict[str, Any] = {"kind": "calendar#events", "items": chosen[first : first + size]}
        if first + size < len(chosen):
            body["nextPageToken"] = str(first + size)
        return ApiAnswer(200, body)

    def _insert_event(self, events: list[dict[str, Any]], body: dict[str, Any]) -> ApiAnswer:
        if not body.get("summary") or not (body.get("start") or {}).get("dateTime"):
            return _error(400, "Missing start time.", "INVALID_ARGUMENT")
        number = next(self._ids)
        event = {**body, "id": f"new{number:04d}", "htmlLink": f"https://calendar.google.com/event?eid=new{number}"}
        events.append(event)
        return ApiAnswer(200, event)

    # --- sheets ---------------------------------------------------------------------------------

    def _sheets(self, request: ApiRequest) -> ApiAnswer:
        found = re.fullmatch(r"/sheets/v4/spreadsheets/([^/]+)/values/([^/]+?)(:append)?", request.path)
        if found is None:
            return _error(404, "Not Found", "NOT_FOUND")
        book = self.spreadsheets.get(found.group(1))
        if book is None:
            return _error(404, "Requested entity was not found.", "NOT_FOUND")
        text = unquote(found.group(2))
        parsed = self._range(book, text)
        if parsed is None:
            return _error(400, f"Unable to parse range: {text}", "INVALID_ARGUMENT")
        title, (c0, r0, c1, r1) = parsed
        rows = book[title]
        if found.group(3) and request.method == "POST":
            values = (request.json or {}).get("values") or []
            at = len(rows)
            rows.extend([str(v) for v in row] for row in values)
            return ApiAnswer(200, {"spreadsheetId": found.group(1), "updates": self._changed(title, c0, at, values)})
        if request.method == "PUT":
            values = (request.json or {}).get("values") or []
            for i, row in enumerate(values):
                while len(rows) <= r0 + i:
                    rows.append([])
                line = rows[r0 + i]
                line.extend([""] * max(0, c0 + len(row) - len(line)))
                line[c0 : c0 + len(row)] = [str(v) for v in row]
            return ApiAnswer(200, {"spreadsheetId": found.group(1), **self._changed(title, c0, r0, values)})
        cut = [row[c0 : c1 + 1] for row in rows[r0 : r1 + 1]]
        while cut and not any(cut[-1]):
            cut.pop()
        body: dict[str, Any] = {"range": text, "majorDimension": "ROWS"}
        if cut:
            body["values"] = cut
        return ApiAnswer(200, body)

    @staticmethod
    def _changed(title: str, column: int, row: int, values: list[list[Any]]) -> dict[str, Any]:
        width = max((len(r) for r in values), default=0)
        end = f"{_letters(column + width - 1)}{row + len(values)}"
        return {
            "updatedRange": f"{title}!{_letters(column)}{row + 1}:{end}",
            "updatedRows": len(values),
            "updatedColumns": width,
            "updatedCells": sum(len(r) for r in values),
        }

    @staticmethod
    def _range(book: dict[str, Any], text: str) -> tuple[str, tuple[int, int, int, int]] | None:
        title, cells = next(iter(book)), text
        if "!" in text:
            title, cells = text.rsplit("!", 1)
            if title.startswith("'"):
                title = title[1:-1].replace("''", "'")
        if title not in book:
            return None
        corners = []
        for part in cells.split(":")[:2]:
            match = _CELL.fullmatch(part)
            if match is None:
                return None
            corners.append(match.groups())
        (a_col, a_row), (b_col, b_row) = corners[0], corners[-1]
        return title, (
            _column(a_col) if a_col else 0,
            int(a_row) - 1 if a_row else 0,
            _column(b_col) if b_col else 10_000,
            int(b_row) - 1 if b_row else 1_000_000,
        )
