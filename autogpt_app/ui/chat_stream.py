"""How a streaming reply reaches the browser: new text only, a few times a second, shown word by word.

Reflex resends a state var whole whenever it changes, so a reply kept in a var would cost the
square of its length. Instead the server sends only the text that is new, as a tiny script that
appends it to a client-side var (:data:`STREAM`, rendered as Markdown by the page); the browser
then reveals that text a few words at a time, at most ~20 times a second, so the reply still
appears word by word. The finished reply is stored in the conversation's rows once.

:class:`StreamBatcher` decides when to send: at once for the first words (time to first token),
then when enough text is waiting or enough time has passed, so each push carries far more text
than its ~100 bytes of framing. ``benchmarks/chat.py`` replays a real reply through this same
class to count the bytes.
"""

from __future__ import annotations

import json

from reflex.experimental.client_state import ClientStateVar

#: The reply being streamed, held by the browser only (never sent back to the server).
STREAM = ClientStateVar.create("chat_stream", default="")

#: Send once this much text (characters) is waiting…
MIN_PUSH_CHARS = 200
#: …or once this many seconds have passed since the last push with anything waiting.
MAX_PUSH_WAIT = 0.5
#: How often the browser reveals the next words of the text it holds (seconds; ~20 a second).
REVEAL_INTERVAL_MS = 50
#: The browser reveals what it holds in about this many steps (so it keeps up with the pushes).
REVEAL_STEPS = 8

#: The element the conversation scrolls in (the page itself does not scroll, so the top bar stays).
SCROLL_BOX_ID = "chat-scroll"

#: Keeps the newest content in view: always when ``force``, else only while the reader stays at the
#: end (someone who scrolled up to read is left where they are). Installed once per page: any
#: change of the page (a card, a live update, streamed words, a picture that loaded) scrolls the
#: conversation to its end while the reader is there. Leaving the end is noticed on the next change
#: even before the browser's scroll event (the box sits above where the last follow put it), so
#: words streaming in never pull a reader back down; coming back within a few pixels of the end
#: follows again.
_SCROLL_FN = (
    "((force) => { const w = window; const box = () => globalThis.document?.getElementById("
    f"'{SCROLL_BOX_ID}');"
    " const gap = (b) => b.scrollHeight - (b.scrollTop + b.clientHeight);"
    " const toEnd = (b) => { b.scrollTop = b.scrollHeight; w.__chatPin.last = b.scrollTop; };"
    " if (!w.__chatPin && globalThis.document) { const pin = w.__chatPin = {on: true, last: 0};"
    " const left = (b) => gap(b) >= 30 && b.scrollTop < pin.last - 2;"
    " pin.follow = () => { const b = box(); if (!b || !pin.on) return;"
    " if (left(b)) { pin.on = false; return; } toEnd(b); };"
    " document.addEventListener('scroll', (e) => { const b = e.target;"
    f" if (!b || b.id !== '{SCROLL_BOX_ID}') return;"
    " if (gap(b) < 30) { pin.on = true; pin.last = b.scrollTop; } else if (left(b)) pin.on = false; },"
    " {capture: true, passive: true});"
    " document.addEventListener('load', () => pin.follow(), true);"
    " new MutationObserver(() => pin.follow()).observe(document.body,"
    " {childList: true, subtree: true, characterData: true}); }"
    " setTimeout(() => { const b = box(); if (!b || !w.__chatPin) return;"
    " if (force) w.__chatPin.on = true; if (w.__chatPin.on) toEnd(b); }, 60); })"
)
#: Scroll to the newest message now (a message was sent, a chat was opened).
SCROLL_TO_END = f"{_SCROLL_FN}(true)"
#: Follow the conversation if the reader is at its end (a card arrived).
FOLLOW_END = f"{_SCROLL_FN}(false)"

_VALUE = "'_client_state_chat_stream'"
_SETTER = "'_client_state_setChat_stream'"

#: Defines the browser's stream buffer once per page (``window.__chatStream``) and empties it.
#: Runs inside Reflex's event loop (``refs`` is the client-state registry of ``STREAM``). Each
#: piece says where it starts in the reply (in UTF-16 units, as JavaScript counts): a piece that
#: overlaps what arrived is trimmed, one after a gap (pushes lost while the connection was down)
#: is dropped until the page's reload of the state sends the whole reply again.
RESET_SCRIPT = (
    "(window.__chatStream ??= (() => {"
    "const s = {buf: '', got: 0, timer: null};"
    f"const show = (v) => {{ const set = refs[{_SETTER}]; if (set) set(v); else refs[{_VALUE}] = v; }};"
    "const step = () => {"
    "if (!s.buf) { clearInterval(s.timer); s.timer = null; return; }"
    f"const n = Math.max(12, Math.ceil(s.buf.length / {REVEAL_STEPS}));"
    "let cut = s.buf.indexOf(' ', n);"
    "if (cut < 0 || cut > n + 24) cut = Math.min(n, s.buf.length);"
    f"show((refs[{_VALUE}] ?? '') + s.buf.slice(0, cut)); s.buf = s.buf.slice(cut); {FOLLOW_END}; }};"
    "s.reset = () => { s.buf = ''; s.got = 0; if (s.timer) { clearInterval(s.timer); s.timer = null; } show(''); };"
    "s.add = (t, at) => { if (at > s.got) return; t = t.slice(s.got - at); if (!t) return;"
    f"s.got += t.length; s.buf += t; if (!s.timer) s.timer = setInterval(step, {REVEAL_INTERVAL_MS}); }};"
    "return s; })()).reset()"
)


def js_length(text: str) -> int:
    """The length of ``text`` as JavaScript counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def append_script(text: str, start: int) -> str:
    """The script that hands ``text`` to the browser's stream buffer (shown a few words at a time).

    ``start`` is where ``text`` begins in the reply, in :func:`js_length` units.
    """
    return f"window.__chatStream?.add({json.dumps(text, ensure_ascii=False)},{start})"


class StreamBatcher:
    """Collects a reply's text deltas and says when to send what has gathered.

    ``feed`` returns the text to send now (or ``None`` to keep waiting); ``drain`` returns what is
    left when the reply ends or a card interrupts it. ``text`` is everything fed since the last
    :meth:`restart` (the assistant's current bubble); :attr:`sent` is how much of it was handed
    out, in :func:`js_length` units (where the next piece starts).
    """

    def __init__(self, *, min_chars: int = MIN_PUSH_CHARS, max_wait: float = MAX_PUSH_WAIT) -> None:
        """Start empty; ``min_chars`` and ``max_wait`` as :data:`MIN_PUSH_CHARS` / :data:`MAX_PUSH_WAIT`."""
        self.min_chars = min_chars
        self.max_wait = max_wait
        self.text = ""
        self.sent = 0
        self._pending = ""
        self._last_push: float | None = None

    def restart(self) -> None:
        """A new bubble begins (after a card): forget the text, push the next words at once."""
        self.text = ""
        self.sent = 0
        self._pending = ""
        self._last_push = None

    def feed(self, delta: str, now: float) -> str | None:
        """Add ``delta`` (received at ``now``, monotonic seconds); the text to send now, if any."""
        if not delta:
            return None
        self.text += delta
        self._pending += delta
        if self._last_push is None or len(self._pending) >= self.min_chars or now - self._last_push >= self.max_wait:
            self._last_push = now
            return self.drain()
        return None

    def drain(self) -> str:
        """The text not sent yet (emptied)."""
        pending, self._pending = self._pending, ""
        self.sent += js_length(pending)
        return pending
