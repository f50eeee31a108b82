"""Publishing in the browser: submit a library agent with an uploaded image → an admin approves → listed.

Also: a refused submission writes nothing and says why, a rejection needs a comment, and a
non-admin cannot open the review queue.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from autogpt_app.store.categories import CATEGORIES
from tests.e2e.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, ROOT, USER_PASSWORD, login, signup, unique_email
from tests.graphs.helpers import echo_graph, png_bytes


@pytest.fixture
def uploaded_images() -> Iterator[list[str]]:
    """Collects the served paths of images a test uploads, and deletes those files afterwards."""
    paths: list[str] = []
    yield paths
    # The app runs in the project root, so Reflex's upload directory is relative to it.
    directory = ROOT / os.environ.get("REFLEX_UPLOADED_FILES_DIR", "uploaded_files")
    for path in paths:
        (directory / Path(path).name).unlink(missing_ok=True)


def api_token(page: Page, email: str, password: str = USER_PASSWORD) -> str:
    response = page.request.post("/api/v1/auth/token", data={"email": email, "password": password})
    assert response.ok, response.text()
    return response.json()["access_token"]


def upload_agent(page: Page, token: str, name: str, document: dict | None = None) -> dict:
    """Put an agent (default: an echo agent called ``name``) in the user's library through the REST upload endpoint."""
    response = page.request.post(
        "/api/v1/library/agents/upload",
        headers={"Authorization": f"Bearer {token}"},
        multipart={
            "file": {
                "name": "agent.json",
                "mimeType": "application/json",
                "buffer": json.dumps(document or echo_graph(name)).encode(),
            }
        },
    )
    assert response.status == 201, response.text()
    return response.json()


def open_submissions(page: Page) -> None:
    page.goto("/submissions")
    expect(page.get_by_test_id("submit-form")).to_be_visible()


def choose_agent(page: Page, agent_name: str) -> None:
    page.get_by_label("Search your library").fill(agent_name)
    page.get_by_role("combobox", name="Agent").click()
    page.get_by_role("option", name=agent_name, exact=True).click()
    expect(page.get_by_test_id("chosen-agent")).to_contain_text(agent_name)


def test_submit_approve_and_find_it_in_the_marketplace(
    page: Page, new_context: Callable[..., BrowserContext], uploaded_images: list[str]
) -> None:
    tag = uuid.uuid4().hex[:8]
    email, agent_name, listing = unique_email("publisher"), f"Echo {tag}", f"Parrot Relay {tag}"
    signup(page, email, "Pat Publisher")
    token = api_token(page, email)
    upload_agent(page, token, agent_name)
    upload_agent(page, token, f"Other agent {tag}")

    open_submissions(page)
    expect(page.get_by_test_id("no-submissions")).to_be_visible()
    choose_agent(page, agent_name)
    # The agent's name pre-fills the listing name; the listing gets its own.
    expect(page.locator("input[name=name]")).to_have_value(agent_name)
    page.locator("input[name=name]").fill(listing)
    page.locator("input[name=subheading]").fill("Says your words back")
    page.locator("textarea[name=description]").fill("Repeats the **topic** you give it.\n\n- fast\n- friendly")
    page.get_by_test_id("category-writing").click()
    expect(page.get_by_test_id("category-writing")).to_have_attribute("aria-pressed", "true")
    page.get_by_test_id("category-research").click()
    # The chips are the store's one list; nothing else can be typed in.
    expect(page.get_by_test_id("category-choices").get_by_role("button")).to_have_count(len(CATEGORIES))
    expect(page.locator("input[name=more_categories]")).to_have_count(0)
    page.locator("textarea[name=changelog]").fill("First release")

    # A refused submission says why and writes nothing.
    page.locator("input[name=image_url]").fill("ftp://files.example.com/logo.png")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_test_id("image-error")).to_contain_text("http(s) address")  # said on leaving the field
    expect(page.get_by_test_id("submit-error")).to_contain_text("http(s) address")
    expect(page.get_by_test_id("no-submissions")).to_be_visible()

    # Not an image, whatever its name says: refused by its bytes.
    dropzone_input = page.get_by_test_id("image-dropzone").locator("input[type=file]")
    dropzone_input.set_input_files(
        files=[{"name": "logo.png", "mimeType": "image/png", "buffer": b"<html>not an image</html>"}]
    )
    expect(page.get_by_test_id("image-error")).to_contain_text("PNG, JPEG or WebP")
    expect(page.get_by_test_id("image-preview")).to_have_count(0)

    dropzone_input.set_input_files(files=[{"name": "logo.png", "mimeType": "image/png", "buffer": png_bytes(4, 4)}])
    preview = page.get_by_test_id("image-preview")
    expect(preview).to_be_visible()
    expect(preview).to_have_attribute("src", re.compile(r"^/_upload/listing-[0-9a-f]{32}\.png$"))
    image_url = preview.get_attribute("src")
    uploaded_images.append(image_url)
    # The address field never shows the uploaded file's internal path.
    expect(page.locator("input[name=image_url]")).to_have_value("")
    served = page.request.get(image_url)
    assert served.ok and served.headers["content-type"] == "image/png" and served.body() == png_bytes(4, 4)
    # The browser really decoded it as an image.
    page.wait_for_function("el => el.complete && el.naturalWidth === 4", arg=preview.element_handle())

    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_test_id("form-success")).to_contain_text("sent for review")
    row = page.get_by_test_id("submission-row").filter(has_text=listing)
    expect(row).to_be_visible()
    expect(row.get_by_test_id("submission-status")).to_have_text("pending")
    expect(row).to_contain_text("v1")
    # The form is cleared for the next one.
    expect(page.locator("input[name=name]")).to_have_value("")
    expect(page.get_by_test_id("chosen-agent")).to_have_count(0)

    # Pending: not in the marketplace yet (a search by its name may show other agents close in meaning).
    found = page.request.get("/api/v1/store/listings", params={"q": listing}).json()
    assert listing not in [item["name"] for item in found["items"]]

    # The admin reviews it in a browser of their own.
    admin = new_context().new_page()
    login(admin, ADMIN_EMAIL, ADMIN_PASSWORD)
    admin.get_by_test_id("nav-review").click()
    expect(admin).to_have_url(re.compile(r"/admin/submissions$"))
    pending = admin.get_by_test_id("pending-row").filter(has_text=listing)
    expect(pending).to_be_visible()
    pending.get_by_role("button", name="Open").click()
    dialog = admin.get_by_test_id("review-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading", name=listing)).to_be_visible()
    expect(dialog.get_by_test_id("review-description").locator("strong")).to_have_text("topic")
    expect(dialog.get_by_test_id("review-description").locator("li")).to_have_count(2)
    expect(dialog.get_by_test_id("review-image")).to_have_attribute("src", image_url)
    expect(dialog.get_by_test_id("review-blocks")).to_contain_text("Short text input")
    expect(dialog.get_by_test_id("review-submitter")).to_contain_text("Pat Publisher")
    expect(dialog).to_contain_text("writing")
    expect(dialog).to_contain_text("research")
    expect(dialog).to_contain_text("First release")
    expect(dialog).to_contain_text("topic")

    # A rejection needs a comment: refused, and the submission stays pending.
    dialog.get_by_role("button", name="Reject").click()
    expect(dialog.get_by_test_id("form-error")).to_contain_text("Say why the submission is rejected")
    expect(dialog).to_be_visible()

    dialog.locator("#review_comment").fill("Lovely parrot, approved.")
    dialog.get_by_role("button", name="Approve").click()
    expect(dialog).to_have_count(0)
    expect(admin.get_by_test_id("pending-row").filter(has_text=listing)).to_have_count(0)

    # The submitter sees the decision and the comment.
    page.reload()
    row = page.get_by_test_id("submission-row").filter(has_text=listing)
    expect(row.get_by_test_id("submission-status")).to_have_text("approved")
    expect(row.get_by_test_id("reviewer-comment")).to_have_text("Lovely parrot, approved.")
    expect(row.get_by_role("link", name=listing)).to_have_attribute("href", re.compile(r"/marketplace/agent/"))

    # Listed: search finds it, with the uploaded image and the chosen categories.
    found = page.request.get("/api/v1/store/listings", params={"q": listing}).json()
    assert [item["name"] for item in found["items"]] == [listing]
    assert found["items"][0]["image_url"] == image_url
    assert found["items"][0]["categories"] == ["writing", "research"]

    # And the submitter got a notification record.
    notes = page.request.get("/api/v1/notifications", headers={"Authorization": f"Bearer {token}"}).json()
    assert any(n["type"] == "submission_reviewed" and listing in n["title"] for n in notes)


def test_reject_with_comment_and_non_admins_are_kept_out(
    page: Page, new_context: Callable[..., BrowserContext]
) -> None:
    tag = uuid.uuid4().hex[:8]
    email, agent_name, listing = unique_email("rejected"), f"Echo {tag}", f"Spammy Thing {tag}"
    signup(page, email, "Rita Rejected")
    upload_agent(page, api_token(page, email), agent_name)

    # A non-admin opening the review queue is sent away.
    page.goto("/admin/submissions")
    expect(page).not_to_have_url(re.compile(r"/admin/submissions"))
    expect(page.get_by_test_id("review-queue")).to_have_count(0)
    expect(page.get_by_test_id("nav-review")).to_have_count(0)

    open_submissions(page)
    choose_agent(page, agent_name)
    page.locator("input[name=name]").fill(listing)
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_test_id("submission-row").filter(has_text=listing)).to_be_visible()

    admin = new_context().new_page()
    login(admin, ADMIN_EMAIL, ADMIN_PASSWORD)
    admin.goto("/admin/submissions")
    admin.get_by_test_id("pending-row").filter(has_text=listing).get_by_role("button", name="Open").click()
    dialog = admin.get_by_test_id("review-dialog")
    dialog.locator("#review_comment").fill("Tell people what it does.")
    dialog.get_by_role("button", name="Reject").click()
    expect(dialog).to_have_count(0)

    page.reload()
    row = page.get_by_test_id("submission-row").filter(has_text=listing)
    expect(row.get_by_test_id("submission-status")).to_have_text("rejected")
    expect(row.get_by_test_id("reviewer-comment")).to_have_text("Tell people what it does.")
    found = page.request.get("/api/v1/store/listings", params={"q": listing}).json()
    assert listing not in [item["name"] for item in found["items"]]


def test_an_agent_with_a_secret_typed_into_a_step_is_not_published(page: Page) -> None:
    tag = uuid.uuid4().hex[:8]
    email, agent_name = unique_email("leaky"), f"Leaky {tag}"
    signup(page, email, "Lee Leaky")
    document = echo_graph(agent_name)
    document["nodes"].append(
        {
            "id": "call",
            "block_id": "6595ae1f-b924-42cb-9a41-551a0611c4b4",  # HTTP request
            "input_default": {"url": "https://api.example.com/v1", "headers": {"Authorization": "Bearer abc123def456"}},
            "metadata": {"customized_name": "Call API", "position": {"x": 0, "y": 200}},
        }
    )
    upload_agent(page, api_token(page, email), agent_name, document)

    open_submissions(page)
    choose_agent(page, agent_name)
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_test_id("submit-error")).to_have_text(
        "The 'Call API' step's header 'Authorization' looks like a secret: use a credential instead."
    )
    expect(page.get_by_test_id("no-submissions")).to_be_visible()
    expect(page.get_by_test_id("form-success")).to_have_count(0)
