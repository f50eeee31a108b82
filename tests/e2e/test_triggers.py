"""Webhook triggers in the browser: a person adds a webhook trigger to their agent, reads its address and
secret (shown once), and a correctly signed delivery starts the agent with the mapped input — the trigger's
page lists it, linking to the run, which completes; an unsigned delivery is refused (401) and listed so."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

from playwright.sync_api import Page, expect

from tests.e2e.conftest import signup, unique_email
from tests.e2e.test_runs import api_token, open_agent, upload
from tests.graphs.helpers import greeting_graph


def _choose(page: Page, trigger, option: str) -> None:
    trigger.click()
    page.get_by_role("option", name=option, exact=True).click()


def _signed(secret: str, body: bytes) -> dict[str, str]:
    stamp = str(int(time.time()))
    digest = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return {"Content-Type": "application/json", "X-Signature-Timestamp": stamp, "X-Signature": f"sha256={digest}"}


def test_a_webhook_trigger_starts_the_agent_with_the_mapped_input(page: Page) -> None:
    email = unique_email("hooks")
    signup(page, email, "Hook Sender")
    token = api_token(page, email)
    agent_id = upload(page, token, greeting_graph())
    open_agent(page, agent_id, "Greeter")
    expect(page.get_by_test_id("no-triggers")).to_be_visible()

    page.get_by_test_id("new-trigger").click()
    dialog = page.get_by_test_id("trigger-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_test_id("trigger-name").fill("From the shop")
    row = dialog.locator("[data-testid=mapping-row][data-name=name]")
    _choose(page, row.get_by_test_id("mapping-source"), "A part of the event (path)")
    row.get_by_test_id("mapping-value").fill("$.customer.name")
    dialog.get_by_test_id("trigger-create").click()

    shown = page.get_by_test_id("secret-dialog")
    expect(shown).to_be_visible()
    url = shown.get_by_test_id("secret-url").inner_text().strip()
    secret = shown.get_by_test_id("secret-value").inner_text().strip()
    assert url.startswith("http://localhost:") and "/api/v1/hooks/" in url and len(secret) >= 40
    expect(shown).to_contain_text("X-Signature")
    shown.get_by_test_id("secret-done").click()
    expect(shown).not_to_be_visible()
    expect(page.get_by_test_id("secret-value")).to_have_count(0)  # never shown again
    item = page.get_by_test_id("agent-trigger")
    expect(item).to_contain_text("From the shop")
    expect(item.get_by_test_id("trigger-state")).to_have_text("Active")
    expect(item.get_by_test_id("trigger-url-shown")).to_have_text(url)

    body = json.dumps({"customer": {"name": "Grace"}, "order": 17}).encode()
    accepted = page.request.post(url, data=body, headers=_signed(secret, body))
    assert accepted.status == 202, accepted.text()
    execution_id = accepted.json()["execution_id"]
    refused = page.request.post(url, data=body, headers={"Content-Type": "application/json"})
    assert refused.status == 401

    item.get_by_test_id("trigger-link").click()
    expect(page.get_by_test_id("trigger-name-heading")).to_have_text("From the shop")
    rows = page.get_by_test_id("delivery-row")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).get_by_test_id("delivery-status")).to_have_text("Refused")
    expect(rows.nth(0)).to_contain_text("401")
    expect(rows.nth(1).get_by_test_id("delivery-status")).to_have_text("Started a run")
    rows.nth(1).get_by_test_id("delivery-run-link").click()
    expect(page).to_have_url(f"{url.split('/api/')[0]}/runs/{execution_id}")
    expect(page.get_by_test_id("run-status")).to_have_text("Completed", timeout=20_000)
    expect(page.get_by_test_id("run-outputs")).to_contain_text("Hello Grace!")


def test_manage_triggers_pause_resume_new_secret_delete_and_a_feed(page: Page) -> None:
    email = unique_email("hookman")
    signup(page, email, "Hook Manager")
    token = api_token(page, email)
    agent_id = upload(page, token, greeting_graph())
    open_agent(page, agent_id, "Greeter")

    # A feed trigger: its address, the check interval, and the one input gets the whole item.
    page.get_by_test_id("new-trigger").click()
    dialog = page.get_by_test_id("trigger-dialog")
    _choose(page, dialog.get_by_test_id("trigger-kind"), "New item in an RSS or Atom feed")
    dialog.get_by_test_id("trigger-name").fill("Blog posts")
    dialog.get_by_test_id("trigger-url").fill("ftp://example.com/feed.xml")
    dialog.get_by_test_id("trigger-create").click()
    expect(dialog).to_contain_text("Only http:// and https:// URLs are allowed")
    dialog.get_by_test_id("trigger-url").fill("https://example.com/feed.xml")
    dialog.get_by_test_id("trigger-create").click()
    feed = page.get_by_test_id("agent-trigger").filter(has_text="Blog posts")
    expect(feed).to_contain_text("New item in a feed")
    expect(feed).to_contain_text("https://example.com/feed.xml")
    expect(page.get_by_test_id("secret-dialog")).to_have_count(0)  # a feed has no secret

    # Editing shows what is stored; the input now gets a fixed value instead of the whole item.
    feed.get_by_test_id("trigger-edit").click()
    expect(dialog).to_contain_text("Edit trigger")
    expect(dialog.get_by_test_id("trigger-name")).to_have_value("Blog posts")
    expect(dialog.get_by_test_id("trigger-url")).to_have_value("https://example.com/feed.xml")
    row = dialog.locator("[data-testid=mapping-row][data-name=name]")
    _choose(page, row.get_by_test_id("mapping-source"), "A fixed value")
    row.get_by_test_id("mapping-value").fill("Ada")
    dialog.get_by_test_id("trigger-name").fill("Blog posts, daily")
    dialog.get_by_test_id("trigger-create").click()
    feed = page.get_by_test_id("agent-trigger").filter(has_text="Blog posts, daily")
    expect(feed).to_contain_text("https://example.com/feed.xml")
    stored = page.request.get("/api/v1/triggers", headers={"Authorization": f"Bearer {token}"}).json()
    assert [(t["name"], t["input_mapping"], t["inputs"]) for t in stored] == [
        ("Blog posts, daily", {}, {"name": "Ada"})
    ]

    # A webhook signed with a bearer secret; pause, resume, a new secret (the old one stops working), delete.
    page.get_by_test_id("new-trigger").click()
    dialog.get_by_test_id("trigger-name").fill("Alerts")
    _choose(page, dialog.get_by_test_id("trigger-auth"), "Secret in the Authorization header")
    dialog.get_by_test_id("trigger-create").click()
    shown = page.get_by_test_id("secret-dialog")
    url = shown.get_by_test_id("secret-url").inner_text().strip()
    first = shown.get_by_test_id("secret-value").inner_text().strip()
    expect(shown).to_contain_text("Authorization: Bearer")
    shown.get_by_test_id("secret-done").click()

    hook = page.get_by_test_id("agent-trigger").filter(has_text="Alerts")
    hook.get_by_test_id("trigger-pause").click()
    expect(hook.get_by_test_id("trigger-state")).to_have_text("Paused")
    paused = page.request.post(url, data=b'"hi"', headers={"Authorization": f"Bearer {first}"})
    assert paused.status == 409
    hook.get_by_test_id("trigger-resume").click()
    expect(hook.get_by_test_id("trigger-state")).to_have_text("Active")
    expect(hook.get_by_test_id("trigger-last-delivery")).to_contain_text("Refused")

    hook.get_by_test_id("trigger-rotate").click()
    expect(shown).to_be_visible()
    second = shown.get_by_test_id("secret-value").inner_text().strip()
    assert second and second != first
    shown.get_by_test_id("secret-done").click()
    assert page.request.post(url, data=b'"hi"', headers={"Authorization": f"Bearer {first}"}).status == 401
    assert page.request.post(url, data=b'"hi"', headers={"Authorization": f"Bearer {second}"}).status == 202

    hook.get_by_test_id("trigger-delete").click()
    page.get_by_test_id("trigger-delete-confirm").click()
    expect(page.get_by_test_id("agent-trigger")).to_have_count(1)
    assert page.request.post(url, data=b'"hi"', headers={"Authorization": f"Bearer {second}"}).status == 404
