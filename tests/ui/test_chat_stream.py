"""The streaming reply's batching rule and the browser-side script that shows it word by word."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from autogpt_app.ui.chat_stream import RESET_SCRIPT, StreamBatcher, append_script, js_length


def test_first_words_go_at_once_then_batches_of_enough_text() -> None:
    batcher = StreamBatcher(min_chars=20, max_wait=0.5)
    assert batcher.feed("Hello", 10.0) == "Hello"  # time to first token: no waiting
    assert batcher.feed(" there,", 10.01) is None
    assert batcher.feed(" how are", 10.02) is None
    sent = batcher.feed(" you today?", 10.03)
    assert sent == " there, how are you today?"
    assert batcher.text == "Hello there, how are you today?"


def test_a_slow_model_still_shows_text_after_the_longest_wait() -> None:
    batcher = StreamBatcher(min_chars=200, max_wait=0.5)
    batcher.feed("One", 0.0)
    assert batcher.feed(" two", 0.2) is None
    assert batcher.feed(" three", 0.6) == " two three"


def test_drain_and_restart_start_a_new_bubble() -> None:
    batcher = StreamBatcher(min_chars=200, max_wait=5)
    batcher.feed("Looking", 0.0)
    batcher.feed(" for agents", 0.1)
    assert batcher.drain() == " for agents"
    assert batcher.drain() == ""
    assert batcher.text == "Looking for agents"
    batcher.restart()
    assert batcher.text == ""
    assert batcher.feed("Found", 0.2) == "Found"  # the next bubble's first words go at once too
    assert batcher.feed("", 0.3) is None


def test_each_push_carries_only_new_text() -> None:
    batcher = StreamBatcher(min_chars=50, max_wait=0.5)
    words = [f"word{i} " for i in range(400)]
    pushed = [p for i, w in enumerate(words) if (p := batcher.feed(w, i / 60))]
    pushed.append(batcher.drain())
    assert "".join(pushed) == "".join(words)
    assert len(pushed) < len(words) / 5


def test_append_script_is_one_safe_string_literal() -> None:
    hostile = 'a "quote", a \\ backslash, </script><img src=x onerror=alert(1)>, \u2028 and ${x}'
    script = append_script(hostile, 42)
    literal = script[script.index("(") + 1 : script.rindex(",")]
    assert json.loads(literal) == hostile
    assert script.startswith("window.__chatStream?.add(")
    assert script.endswith(",42)")


def test_offsets_count_as_javascript_does() -> None:
    batcher = StreamBatcher(min_chars=1, max_wait=0)
    assert js_length("a😀b") == 4  # the emoji is two UTF-16 units
    batcher.feed("a😀b", 0.0)
    assert batcher.sent == 4
    batcher.feed("c", 1.0)
    assert batcher.sent == 5


NODE = shutil.which("node")


@pytest.mark.skipif(NODE is None, reason="needs Node.js to run the browser-side script")
def test_browser_script_reveals_every_word_in_order() -> None:
    # The scripts run as Reflex runs them: eval'd where `refs` (the client-state registry) is in scope.
    text = "".join(f"word{i} " for i in range(300)) + "end."
    pieces = [text[i : i + 180] for i in range(0, len(text), 180)]
    starts = [i for i in range(0, len(text), 180)]
    scripts = [append_script(p, at) for p, at in zip(pieces, starts, strict=True)]
    # A piece sent twice (before and after a reconnect's resync) is not shown twice.
    scripts.insert(3, append_script(text[180:700], 180))
    seen_key = "_client_state_chat_stream"
    program = f"""
globalThis.window = globalThis;
const refs = {{}};
const shown = [];
refs['_client_state_setChat_stream'] = (v) => {{ refs['{seen_key}'] = v; shown.push(v); }};
eval({json.dumps(RESET_SCRIPT)});
for (const s of {json.dumps(scripts)}) eval(s);
setTimeout(() => {{
  const values = shown.filter((v) => v !== '');
  const grows = values.every((v, i) => i === 0 || v.startsWith(values[i - 1]));
  console.log(JSON.stringify({{final: refs['{seen_key}'], steps: values.length, grows}}));
  eval({json.dumps(RESET_SCRIPT)});
  console.log(JSON.stringify({{after_reset: refs['{seen_key}']}}));
}}, 3000);
"""
    result = subprocess.run([NODE, "-e", program], capture_output=True, text=True, timeout=30, check=True)
    first, second = (json.loads(line) for line in result.stdout.strip().splitlines())
    assert first["final"] == text
    assert first["grows"] is True
    assert first["steps"] > len(pieces)  # revealed in more steps than pushes: word by word, not in chunks
    assert second["after_reset"] == ""


@pytest.mark.skipif(NODE is None, reason="needs Node.js to run the browser-side script")
def test_browser_script_waits_out_a_gap_until_the_resync() -> None:
    program = f"""
globalThis.window = globalThis;
const refs = {{}};
refs['_client_state_setChat_stream'] = (v) => {{ refs['_client_state_chat_stream'] = v; }};
eval({json.dumps(RESET_SCRIPT)});
eval({json.dumps(append_script("one two ", 0))});
eval({json.dumps(append_script("five six ", 14))});  // "three four " was lost: a gap
setTimeout(() => {{
  const during = refs['_client_state_chat_stream'];
  eval({json.dumps(RESET_SCRIPT)});
  eval({json.dumps(append_script("one two three four five six ", 0))});  // the page's resync
  eval({json.dumps(append_script("seven", 28))});
  setTimeout(() => console.log(JSON.stringify({{during, after: refs['_client_state_chat_stream']}})), 1500);
}}, 1000);
"""
    result = subprocess.run([NODE, "-e", program], capture_output=True, text=True, timeout=30, check=True)
    shown = json.loads(result.stdout.strip())
    assert shown["during"] == "one two "
    assert shown["after"] == "one two three four five six seven"
