"""The Library page in the browser: upload a YAML agent through the dialog (preview, import), refuse a
file with an unknown block, favourite, list/grid, search as you type, and bulk archive."""

from __future__ import annotations

from pathlib import Path

import yaml
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, USER_PASSWORD, signup, unique_email
from tests.graphs.helpers import echo_graph

#: An id no block here or in AutoGPT has, so its name comes from the file.
UNKNOWN_BLOCK = "0f0e0d0c-0000-4000-8000-00000000beef"


def agent_file(
    tmp_path: Path,
    filename: str,
    name: str,
    description: str,
    *,
    unknown_block: bool = False,
    autogpt_field: bool = False,
) -> Path:
    doc = {**echo_graph(name), "description": description}
    if autogpt_field:  # a field AutoGPT's input block carries and no block here takes
        doc["nodes"][0]["input_default"]["placeholder_values"] = ["rain", "sun"]
    if unknown_block:
        doc["nodes"].append({"id": "x", "block_id": UNKNOWN_BLOCK, "block_name": "TwitterPost", "input_default": {}})
    path = tmp_path / filename
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def api(page: Page, method: str, path: str, token: str = "", body: dict | None = None) -> dict:
    """Call the REST API of the app under test and return the JSON answer."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = page.request.fetch("/api/v1" + path, method=method, headers=headers, data=body)
    assert response.ok, f"{method} {path}: {response.status} {response.text()}"
    return response.json()


def login_token(page: Page, email: str, password: str) -> str:
    return api(page, "POST", "/auth/token", body={"email": email, "password": password})["access_token"]


def open_upload(page: Page):
    page.get_by_test_id("upload-agent").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Upload an agent")
    return dialog


def choose_file(page: Page, path: Path) -> None:
    page.get_by_test_id("upload-dropzone").locator("input[type=file]").set_input_files(str(path))


def all_cards(page: Page):
    return page.get_by_test_id("all-agents").get_by_test_id("library-card")


def upload(page: Page, path: Path, name: str) -> None:
    dialog = open_upload(page)
    choose_file(page, path)
    expect(dialog.get_by_test_id("preview-name")).to_have_text(name)
    dialog.get_by_test_id("upload-import").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(all_cards(page).filter(has_text=name)).to_have_count(1)


def test_upload_favourite_view_search_and_archive(page: Page, tmp_path: Path) -> None:
    signup(page, unique_email("library"), "Libby Keeper")
    page.goto("/library")
    expect(page.get_by_test_id("library-empty")).to_contain_text("Your library is empty")

    # Upload a YAML agent: the dialog checks it and shows what it is before anything is saved.
    weather = agent_file(
        tmp_path, "weather.yaml", "Weather echo", "Repeats the weather topic back.", autogpt_field=True
    )
    dialog = open_upload(page)
    choose_file(page, weather)
    preview = dialog.get_by_test_id("upload-preview")
    expect(preview.get_by_test_id("preview-name")).to_have_text("Weather echo")
    expect(preview.get_by_test_id("preview-description")).to_have_text("Repeats the weather topic back.")
    expect(preview.get_by_test_id("preview-input")).to_contain_text("Topic")
    expect(preview.get_by_test_id("preview-input")).to_contain_text("required")
    expect(preview.get_by_test_id("preview-block").filter(has_text="Short text input")).to_have_count(1)
    expect(preview).to_contain_text("None.")  # no credentials needed
    # Kept with the step, but said before importing: it has no effect here.
    expect(preview.get_by_test_id("preview-ignored")).to_contain_text("placeholder_values")
    expect(page.get_by_test_id("library-empty")).to_be_visible()  # nothing imported yet
    dialog.get_by_test_id("upload-import").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    card = all_cards(page).filter(has_text="Weather echo")
    expect(card).to_have_count(1)
    expect(card.get_by_test_id("source-badge")).to_have_text("Uploaded")
    expect(card.get_by_test_id("last-run")).to_contain_text("Never run")
    href = card.get_by_test_id("agent-link").get_attribute("href") or ""
    assert href.startswith("/library/agent/") and len(href) > len("/library/agent/")

    upload(page, agent_file(tmp_path, "digest.yml", "News digest", "Collects headlines."), "News digest")
    expect(all_cards(page)).to_have_count(2)
    expect(page.get_by_test_id("all-agents")).to_contain_text("1–2 of 2")

    # A file with a block this platform does not have: which one, and nothing imported.
    bad = agent_file(tmp_path, "twitter.yaml", "Tweeter", "Posts.", unknown_block=True)
    dialog = open_upload(page)
    choose_file(page, bad)
    expect(dialog.get_by_test_id("upload-error")).to_contain_text("TwitterPost")
    expect(dialog.get_by_test_id("upload-problem")).to_contain_text(f"TwitterPost ({UNKNOWN_BLOCK})")
    expect(dialog.get_by_test_id("upload-preview")).to_have_count(0)
    expect(dialog.get_by_test_id("upload-import")).to_be_disabled()
    # Too large, not an agent file, malformed: a readable reason each time, and still nothing imported.
    files = page.get_by_test_id("upload-dropzone").locator("input[type=file]")
    files.set_input_files({"name": "big.json", "mimeType": "application/json", "buffer": b" " * (5 * 1024 * 1024 + 1)})
    expect(dialog.get_by_test_id("upload-error")).to_contain_text("larger than 5 MB")
    files.set_input_files({"name": "notes.txt", "mimeType": "text/plain", "buffer": b"name: x"})
    expect(dialog.get_by_test_id("upload-error")).to_contain_text("Upload an agent as a .json, .yaml or .yml file")
    files.set_input_files({"name": "broken.yaml", "mimeType": "application/yaml", "buffer": b"name: [unclosed"})
    expect(dialog.get_by_test_id("upload-error")).to_contain_text("not valid YAML")
    expect(dialog.get_by_test_id("upload-import")).to_be_disabled()
    dialog.get_by_role("button", name="Cancel").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(all_cards(page)).to_have_count(2)
    expect(page.get_by_text("Tweeter")).to_have_count(0)

    # Favourite: the agent joins the Favourites section on top.
    expect(page.get_by_test_id("favourites-section")).to_have_count(0)
    all_cards(page).filter(has_text="Weather echo").get_by_test_id("favourite-toggle").click()
    favourites = page.get_by_test_id("favourites-section")
    expect(favourites.get_by_test_id("library-card").filter(has_text="Weather echo")).to_have_count(1)
    expect(favourites.get_by_test_id("library-card")).to_have_count(1)

    # List or grid, remembered by the browser.
    expect(page.get_by_test_id("all-agents").get_by_test_id("library-grid")).to_be_visible()
    page.get_by_test_id("view-list").click()
    expect(page.get_by_test_id("all-agents").get_by_test_id("library-list")).to_be_visible()
    expect(page.get_by_test_id("all-agents").get_by_test_id("library-grid")).to_have_count(0)
    page.reload()
    expect(page.get_by_test_id("all-agents").get_by_test_id("library-list")).to_be_visible()
    expect(all_cards(page)).to_have_count(2)
    page.get_by_test_id("view-grid").click()
    expect(page.get_by_test_id("all-agents").get_by_test_id("library-grid")).to_be_visible()

    # Search narrows as the user types.
    search = page.get_by_role("textbox", name="Search your agents")
    search.press_sequentially("headlin", delay=30)
    expect(all_cards(page)).to_have_count(1)
    expect(all_cards(page)).to_contain_text("News digest")
    expect(page.get_by_test_id("favourites-section")).to_have_count(0)  # favourites of this search: none
    search.fill("")
    expect(all_cards(page)).to_have_count(2)

    # Export the ticked agent as a YAML file (secrets stripped by the service).
    all_cards(page).filter(has_text="News digest").get_by_test_id("select-agent").click()
    page.get_by_test_id("bulk-bar").get_by_role("button", name="Export").click()
    with page.expect_download() as download:
        page.get_by_role("menuitem", name="YAML").click()
    assert download.value.suggested_filename == "news-digest-v1.yaml"
    exported = yaml.safe_load(Path(download.value.path()).read_text())
    assert exported["name"] == "News digest" and len(exported["nodes"]) == 2
    page.get_by_test_id("bulk-bar").get_by_role("button", name="Clear").click()

    # Bulk archive: gone from the default view, there under the archived filter.
    all_cards(page).filter(has_text="Weather echo").get_by_test_id("select-agent").click()
    expect(page.get_by_test_id("selected-count")).to_have_text("1 selected")
    page.get_by_test_id("bulk-bar").get_by_role("button", name="Archive").click()
    expect(all_cards(page)).to_have_count(1)
    expect(all_cards(page)).to_contain_text("News digest")
    expect(page.get_by_test_id("favourites-section")).to_have_count(0)
    expect(page.get_by_test_id("bulk-bar")).to_have_count(0)
    page.get_by_role("combobox", name="Show").click()
    page.get_by_role("option", name="Archived").click()
    expect(all_cards(page)).to_have_count(1)
    expect(all_cards(page)).to_contain_text("Weather echo")
    expect(all_cards(page)).to_contain_text("Archived")

    # Delete asks first.
    all_cards(page).get_by_test_id("select-agent").click()
    page.get_by_test_id("bulk-bar").get_by_role("button", name="Delete").click()
    confirm = page.get_by_role("alertdialog")
    expect(confirm).to_contain_text("Remove 1 agent from your library?")
    confirm.get_by_role("button", name="Delete").click()
    expect(page.get_by_test_id("library-empty")).to_contain_text("No agents match")


def test_update_available_and_one_click_update(page: Page) -> None:
    """A marketplace agent whose listing approves a newer version shows "Update available"; Update moves it."""
    maker = api(
        page,
        "POST",
        "/auth/signup",
        body={"email": unique_email("maker"), "display_name": "Maker", "password": USER_PASSWORD},
    )["access_token"]
    admin = login_token(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    graph = api(page, "POST", "/graphs", maker, {**echo_graph("Versioned echo"), "description": "First cut."})
    listing = {"graph_id": graph["id"], "name": "Versioned echo", "description": "Repeats things."}
    first = api(page, "POST", "/store/submissions", maker, listing)
    api(page, "POST", f"/store/admin/submissions/{first['version_id']}/review", admin, {"approve": True})

    email = unique_email("updater")
    signup(page, email, "Una Updater")
    added = api(
        page, "POST", "/library/agents", login_token(page, email, USER_PASSWORD), {"listing": first["listing_id"]}
    )
    page.goto("/library")
    card = all_cards(page).filter(has_text="Versioned echo")
    expect(card.get_by_test_id("source-badge")).to_have_text("Marketplace")
    expect(card.get_by_test_id("update-badge")).to_have_count(0)

    newer = {**echo_graph("Versioned echo II"), "description": "Second cut."}
    api(page, "POST", f"/graphs/{graph['id']}/versions", maker, newer)
    second = api(page, "POST", "/store/submissions", maker, {**listing, "changelog": "Better"})
    api(page, "POST", f"/store/admin/submissions/{second['version_id']}/review", admin, {"approve": True})

    page.reload()
    card = all_cards(page).filter(has_text="Versioned echo")
    expect(card.get_by_test_id("update-badge")).to_have_text("Update available")
    card.get_by_test_id("update-agent").click()
    card = all_cards(page).filter(has_text="Versioned echo II")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Second cut.")
    expect(card.get_by_test_id("update-badge")).to_have_count(0)
    assert card.get_by_test_id("agent-link").get_attribute("href") == f"/library/agent/{added['id']}"
