"""Scheduling in the browser: the schedule dialog on an agent's page (presets, the browser's time zone,
the words and next five run times, readable errors that write nothing), and the Schedules page
(next run, pause, resume, edit, delete with confirmation). A ``* * * * *`` schedule fires in the
app's embedded scheduler and its last run links to the run; a one-off ("Once, at") shows its exact
local time, runs once, and then reads "Ran at …" with a link to its run."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.conftest import signup, unique_email
from tests.e2e.test_runs import api_token, open_agent, shouter, upload

WEEKDAY = re.compile(r"^(Mon|Tue|Wed|Thu|Fri) \d\d \w{3} \d{4}, 08:00 CES?T$")


def _schedules(page: Page, token: str) -> list[dict]:
    response = page.request.get("/api/v1/schedules", headers={"Authorization": f"Bearer {token}"})
    assert response.ok, response.text()
    return response.json()


def _choose(page: Page, trigger, option: str) -> None:
    trigger.click()
    page.get_by_role("option", name=option, exact=True).click()


def test_schedule_an_agent_and_manage_it(new_context: Callable[..., BrowserContext]) -> None:
    # The browser says it is in New York: a new schedule starts in that zone.
    page = new_context(timezone_id="America/New_York").new_page()
    email = unique_email("scheduler")
    signup(page, email, "Sched Uler")
    token = api_token(page, email)
    agent_id = upload(page, token, shouter())
    open_agent(page, agent_id, "Shouter")
    expect(page.get_by_test_id("no-agent-schedules")).to_be_visible()

    page.get_by_test_id("schedule-button").click()
    dialog = page.get_by_test_id("schedule-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_test_id("schedule-name")).to_have_value("Shouter")
    expect(dialog.get_by_test_id("schedule-timezone")).to_have_value("America/New_York")
    expect(dialog.get_by_test_id("schedule-words")).to_have_text("At 09:00")
    expect(dialog.locator("input[name=in__times]")).to_have_value("2")  # the run form's inputs and defaults
    # The dialog's inputs have their own ids: its labels focus them, not the run form's behind it.
    expect(page.locator("#run-topic")).to_have_count(1)
    expect(dialog.locator("#run-topic")).to_have_count(0)
    dialog.locator("label[for=schedule-input-topic]").click()
    expect(dialog.locator("#schedule-input-topic")).to_be_focused()

    # Weekdays at 08:00: the words, and five next runs on weekdays at 08:00 in the chosen zone.
    _choose(page, dialog.get_by_test_id("preset-select"), "Weekdays (Monday–Friday)")
    dialog.get_by_test_id("schedule-time").fill("08:00")
    expect(dialog.get_by_test_id("schedule-words")).to_have_text("At 08:00, Monday through Friday")
    runs = dialog.get_by_test_id("schedule-next-run")
    expect(runs).to_have_count(5)
    expect(runs.first).to_contain_text(re.compile(r"08:00 E[SD]T$"))
    dialog.get_by_test_id("schedule-timezone").fill("Europe/Paris")
    expect(runs.first).to_have_text(WEEKDAY)
    for i in range(5):
        expect(runs.nth(i)).to_have_text(WEEKDAY)
    expect(dialog.get_by_test_id("schedule-cron-shown")).to_have_text("0 8 * * 1-5")

    # An unknown time zone and a bad cron: readable messages, and Create writes nothing.
    dialog.get_by_test_id("schedule-timezone").fill("Mars/Olympus")
    expect(dialog.get_by_test_id("schedule-preview-error")).to_contain_text("Unknown time zone 'Mars/Olympus'")
    dialog.get_by_test_id("schedule-timezone").fill("Europe/Paris")
    _choose(page, dialog.get_by_test_id("preset-select"), "Custom cron expression")
    expect(dialog.get_by_test_id("schedule-cron")).to_have_value("0 8 * * 1-5")
    dialog.get_by_test_id("schedule-cron").fill("61 8 * * *")
    expect(dialog.get_by_test_id("schedule-preview-error")).to_have_text("minute must be 0–59, not 61.")
    dialog.locator("input[name=in__topic]").fill("otters")
    dialog.get_by_test_id("schedule-submit").click()
    expect(dialog.get_by_test_id("schedule-error")).to_have_text("minute must be 0–59, not 61.")
    assert _schedules(page, token) == []

    # The run's own checks: a required input left empty is refused next to its field.
    dialog.get_by_test_id("schedule-cron").fill("0 8 * * 1-5")
    expect(dialog.get_by_test_id("schedule-words")).to_have_text("At 08:00, Monday through Friday")
    dialog.locator("input[name=in__topic]").fill("")
    dialog.get_by_test_id("schedule-submit").click()
    expect(dialog.get_by_test_id("field-error")).to_have_text("Required.")
    assert _schedules(page, token) == []

    # Create: the dialog closes, the agent's page lists the schedule and links to the Schedules page.
    _choose(page, dialog.get_by_test_id("preset-select"), "Weekdays (Monday–Friday)")
    expect(dialog.get_by_test_id("schedule-time")).to_have_value("08:00")
    dialog.get_by_test_id("schedule-name").fill("Morning shout")
    dialog.locator("input[name=in__topic]").fill("otters")
    dialog.get_by_test_id("schedule-submit").click()
    expect(dialog).to_have_count(0)
    expect(page.get_by_test_id("schedule-created")).to_contain_text("Scheduled “Morning shout”.")
    expect(page.get_by_test_id("agent-schedule")).to_have_count(1)
    expect(page.get_by_test_id("agent-schedule")).to_contain_text("At 08:00, Monday through Friday · Europe/Paris")
    [stored] = _schedules(page, token)
    assert stored["cron"] == "0 8 * * 1-5" and stored["timezone"] == "Europe/Paris"
    assert stored["inputs"] == {"topic": "otters", "times": 2} and stored["name"] == "Morning shout"

    # The Schedules page: words, zone, next run in that zone, agent link.
    page.get_by_test_id("all-schedules-link").click()
    expect(page).to_have_url(re.compile(r".*/schedules$"))
    row = page.get_by_test_id("schedule-row")
    expect(row).to_have_count(1)
    expect(page.get_by_test_id("schedules-pager")).to_have_text("1 of 1")
    expect(page.get_by_test_id("schedules-next")).to_have_count(0)  # one page: no paging buttons
    expect(row.get_by_test_id("schedule-name")).to_have_text("Morning shout")
    expect(row.get_by_test_id("schedule-description")).to_have_text("At 08:00, Monday through Friday")
    expect(row.get_by_test_id("schedule-timezone")).to_have_text("Europe/Paris")
    expect(row.get_by_test_id("schedule-next-run")).to_have_text(WEEKDAY)
    expect(row.get_by_test_id("schedule-last-run")).to_have_text("Never")
    expect(row.get_by_test_id("schedule-agent")).to_have_attribute("href", f"/library/agent/{agent_id}")
    expect(row.get_by_test_id("schedule-state")).to_have_text("Active")

    # Pause and resume.
    row.get_by_test_id("schedule-pause").click()
    expect(row.get_by_test_id("schedule-state")).to_have_text("Paused")
    expect(row.get_by_test_id("schedule-next-run")).to_have_text("Paused")
    assert _schedules(page, token)[0]["is_active"] is False
    row.get_by_test_id("schedule-resume").click()
    expect(row.get_by_test_id("schedule-state")).to_have_text("Active")
    expect(row.get_by_test_id("schedule-next-run")).to_have_text(WEEKDAY)

    # Edit: the dialog shows the stored choice; a new name and day are saved.
    row.get_by_test_id("schedule-edit").click()
    dialog = page.get_by_test_id("schedule-dialog")
    expect(dialog.get_by_test_id("schedule-name")).to_have_value("Morning shout")
    expect(dialog.get_by_test_id("schedule-time")).to_have_value("08:00")
    expect(dialog.get_by_test_id("schedule-timezone")).to_have_value("Europe/Paris")
    expect(dialog.locator("input[name=in__topic]")).to_have_value("otters")
    expect(dialog.get_by_test_id("schedule-words")).to_have_text("At 08:00, Monday through Friday")
    dialog.get_by_test_id("schedule-name").fill("Friday shout")
    _choose(page, dialog.get_by_test_id("preset-select"), "Once a week")
    _choose(page, dialog.get_by_role("combobox", name="Day of the week"), "Friday")
    expect(dialog.get_by_test_id("schedule-words")).to_have_text("At 08:00, only on Friday")
    dialog.get_by_test_id("schedule-submit").click()
    expect(dialog).to_have_count(0)
    expect(row.get_by_test_id("schedule-name")).to_have_text("Friday shout")
    expect(row.get_by_test_id("schedule-description")).to_have_text("At 08:00, only on Friday")
    expect(row.get_by_test_id("schedule-next-run")).to_have_text(re.compile(r"^Fri .*08:00 CES?T$"))

    # Delete, after confirming.
    row.get_by_test_id("schedule-delete").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Cancel").click()
    expect(row).to_have_count(1)
    row.get_by_test_id("schedule-delete").click()
    page.get_by_test_id("schedule-delete-confirm").click()
    expect(page.get_by_test_id("no-schedules")).to_be_visible()
    expect(page.get_by_test_id("no-schedules")).to_contain_text("Schedule")
    assert _schedules(page, token) == []


def test_an_every_minute_schedule_fires_and_its_last_run_links_to_the_run(page: Page) -> None:
    email = unique_email("minutely")
    signup(page, email, "Min Utely")
    token = api_token(page, email)
    agent_id = upload(page, token, shouter())
    open_agent(page, agent_id, "Shouter")
    # A dialog left open does not follow the user to another page, nor back.
    page.get_by_test_id("schedule-button").click()
    dialog = page.get_by_test_id("schedule-dialog")
    expect(dialog.get_by_test_id("schedule-words")).to_be_visible()
    page.goto("/schedules")
    expect(page.get_by_test_id("no-schedules")).to_be_visible()
    expect(dialog).to_have_count(0)
    open_agent(page, agent_id, "Shouter")
    expect(page.get_by_test_id("no-agent-schedules")).to_be_visible()
    expect(dialog).to_have_count(0)

    page.get_by_test_id("schedule-button").click()
    _choose(page, dialog.get_by_test_id("preset-select"), "Custom cron expression")
    dialog.get_by_test_id("schedule-cron").fill("* * * * *")
    expect(dialog.get_by_test_id("schedule-words")).to_have_text("Every minute")
    dialog.locator("input[name=in__topic]").fill("minutes")
    dialog.get_by_test_id("schedule-submit").click()
    expect(page.get_by_test_id("agent-schedule")).to_have_count(1)

    page.goto("/schedules")
    row = page.get_by_test_id("schedule-row")
    expect(row.get_by_test_id("schedule-last-run")).to_have_text("Never")
    # The embedded scheduler fires within the minute; the page is re-read until the last run shows.
    refresh = page.get_by_role("button", name="Refresh the schedules")
    link = row.get_by_test_id("last-run-link")
    for _ in range(40):
        if link.count():
            break
        page.wait_for_timeout(2_000)
        refresh.click()
    expect(link).to_be_visible(timeout=5_000)
    expect(row.get_by_test_id("schedule-last-run")).not_to_have_text("Never")
    link.click()
    expect(page).to_have_url(re.compile(r".*/runs/[0-9a-f-]{36}$"))
    expect(page.get_by_test_id("run-status")).to_have_text("Completed", timeout=30_000)
    expect(page.get_by_test_id("output-value")).to_have_text("Shouted: MINUTES x2")


def test_a_one_off_schedule_shows_its_local_time_then_runs_once(new_context: Callable[..., BrowserContext]) -> None:
    # The browser is in Paris: "Once, at" is a date and time on the Paris clock.
    page = new_context(timezone_id="Europe/Paris").new_page()
    email = unique_email("oneoff")
    signup(page, email, "One Off")
    token = api_token(page, email)
    agent_id = upload(page, token, shouter())
    open_agent(page, agent_id, "Shouter")

    page.get_by_test_id("schedule-button").click()
    dialog = page.get_by_test_id("schedule-dialog")
    expect(dialog.get_by_test_id("schedule-timezone")).to_have_value("Europe/Paris")
    dialog.get_by_test_id("schedule-kind-once").click()
    expect(dialog.get_by_test_id("preset-select")).to_have_count(0)
    run_at = dialog.get_by_test_id("schedule-run-at")
    # A time that has passed is refused in words, and nothing is written.
    run_at.fill("2020-01-06T09:00")
    expect(dialog.get_by_test_id("schedule-preview-error")).to_have_text(
        "Mon 6 Jan 2020 at 09:00 (Europe/Paris) has already passed; choose a time in the future."
    )
    dialog.locator("input[name=in__topic]").fill("once")
    dialog.get_by_test_id("schedule-submit").click()
    expect(dialog.get_by_test_id("schedule-error")).to_contain_text("has already passed")
    assert _schedules(page, token) == []

    # Two minutes from now (to the minute), on the Paris clock.
    soon = (datetime.now(ZoneInfo("Europe/Paris")) + timedelta(minutes=2)).replace(second=0, microsecond=0)
    run_at.fill(soon.strftime("%Y-%m-%dT%H:%M"))
    words = f"Once, on {soon:%a} {soon.day} {soon:%b %Y} at {soon:%H:%M} (Europe/Paris)"
    expect(dialog.get_by_test_id("schedule-words")).to_have_text(words)
    shown = soon.strftime("%a %d %b %Y, %H:%M %Z")
    expect(dialog.get_by_test_id("schedule-next-run")).to_have_text(shown)
    dialog.get_by_test_id("schedule-name").fill("Shout once")
    dialog.get_by_test_id("schedule-submit").click()
    expect(dialog).to_have_count(0)
    expect(page.get_by_test_id("agent-schedule")).to_contain_text(words)
    [stored] = _schedules(page, token)
    assert stored["kind"] == "once" and stored["cron"] is None and stored["timezone"] == "Europe/Paris"
    assert datetime.fromisoformat(stored["run_at"]) == soon

    # The Schedules page: the exact local time and a "Once" badge; then it runs, once.
    page.goto("/schedules")
    row = page.get_by_test_id("schedule-row")
    expect(row.get_by_test_id("schedule-description")).to_have_text(words)
    expect(row.get_by_test_id("schedule-once")).to_have_text("Once")
    expect(row.get_by_test_id("schedule-next-run")).to_have_text(shown)
    expect(row.get_by_test_id("schedule-state")).to_have_text("Active")
    refresh = page.get_by_role("button", name="Refresh the schedules")
    link = row.get_by_test_id("last-run-link")
    for _ in range(75):
        if link.count():
            break
        page.wait_for_timeout(2_000)
        refresh.click()
    expect(link).to_be_visible(timeout=5_000)
    expect(row.get_by_test_id("schedule-state")).to_have_text("Ran")
    expect(row.get_by_test_id("schedule-last-run")).to_have_text(
        re.compile(rf"^Ran at {soon:%a %d %b %Y}, \d\d:\d\d {soon:%Z}$")
    )
    expect(row.get_by_test_id("schedule-next-run")).to_have_text("—")
    expect(row.get_by_test_id("schedule-resume")).to_have_count(0)  # it gets a new time instead
    link.click()
    expect(page).to_have_url(re.compile(r".*/runs/[0-9a-f-]{36}$"))
    expect(page.get_by_test_id("run-status")).to_have_text("Completed", timeout=30_000)
    expect(page.get_by_test_id("output-value")).to_have_text("Shouted: ONCE x2")
    [ran] = _schedules(page, token)
    assert ran["is_active"] is False and ran["next_run_at"] is None and ran["last_execution_id"]
