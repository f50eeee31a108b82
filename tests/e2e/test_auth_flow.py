"""Accounts in the browser: sign-up, login, logout, admin, account page, phone layout."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.conftest import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    USER_PASSWORD,
    expect_greeting,
    fill_login,
    fill_signup,
    login,
    logout,
    signup,
    unique_email,
)

USER_NAV = ("Chat", "Marketplace", "Library", "Build", "Runs", "Schedules", "Credentials")
LOGIN_URL = re.compile(r"/login/?(\?.*)?$")


def nav_link(page: Page, label: str):
    return page.get_by_role("link", name=label, exact=True)


def form_error(page: Page):
    return page.get_by_role("alert").filter(has_text=re.compile(r"\S"))


def admin_user_row(page: Page, email: str):
    """Open Admin · Users, narrow the list to ``email`` (the list pages by 20) and return its row."""
    page.goto("/admin/users")
    expect(page.get_by_test_id("user-row").first).to_be_visible()
    page.get_by_placeholder("Search by e-mail or name").fill(email)
    row = page.get_by_test_id("user-row").filter(has_text=email)
    expect(row).to_be_visible()
    expect(page.get_by_test_id("user-row")).to_have_count(1)
    return row


def test_signup_reload_logout_and_protected_redirect(page: Page) -> None:
    email = unique_email("signup")
    signup(page, email, "Ada Lovelace")

    expect(page).not_to_have_url(LOGIN_URL)
    for label in USER_NAV:
        expect(nav_link(page, label)).to_be_visible()
    expect(nav_link(page, "Admin")).to_have_count(0)

    page.reload()
    expect_greeting(page, "Ada Lovelace")
    expect(page).not_to_have_url(LOGIN_URL)

    page.get_by_test_id("account-menu").click()
    page.get_by_test_id("logout").click()
    expect(page).to_have_url(LOGIN_URL)
    expect(page.get_by_role("button", name="Log in")).to_be_visible()

    page.goto("/library")
    expect(page).to_have_url(re.compile(r"/login/?\?next=.*library"))
    expect(page.get_by_role("button", name="Log in")).to_be_visible()


def test_signup_with_used_email_is_refused(page: Page, new_context: Callable[..., BrowserContext]) -> None:
    email = unique_email("dup")
    signup(page, email, "First Owner")

    other = new_context().new_page()
    fill_signup(other, email, "Second Owner", "Another-Good-Passphrase-7")
    expect(form_error(other)).to_contain_text("already exists")
    expect(other).to_have_url(re.compile(r"/signup"))


def test_signup_with_common_password_is_refused(page: Page) -> None:
    fill_signup(page, unique_email("weak"), "Weak Password", "password123")
    expect(form_error(page)).to_contain_text("too common")
    expect(page).to_have_url(re.compile(r"/signup"))
    expect(page.get_by_test_id("greeting")).to_have_count(0)


def test_login_with_wrong_password_is_refused(page: Page, new_context: Callable[..., BrowserContext]) -> None:
    email = unique_email("wrongpw")
    signup(page, email, "Wrong Password")

    other = new_context().new_page()
    fill_login(other, email, "Not-The-Right-One-99")
    expect(form_error(other)).to_contain_text("Incorrect e-mail or password")
    expect(other).to_have_url(LOGIN_URL)


def test_form_fields_are_labelled(page: Page) -> None:
    """Each input is reachable by its visible label (screen readers, clicking the label)."""
    page.goto("/signup")
    for label, name in (("E-mail", "email"), ("Display name", "display_name"), ("Repeat password", "confirm")):
        expect(page.get_by_label(label, exact=True)).to_have_attribute("name", name)
    page.goto("/login")
    expect(page.get_by_label("Password", exact=True)).to_have_attribute("name", "password")


def test_admin_promotes_user_and_other_session_sees_admin_link(
    page: Page, new_context: Callable[..., BrowserContext]
) -> None:
    email = unique_email("promote")
    user_page = new_context().new_page()
    signup(user_page, email, "Soon Admin")
    expect(nav_link(user_page, "Admin")).to_have_count(0)

    login(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    expect(nav_link(page, "Admin")).to_be_visible()
    row = admin_user_row(page, email)
    expect(row).to_contain_text("Soon Admin")

    page.get_by_test_id(f"role-{email}").click()
    page.get_by_role("option", name="admin", exact=True).click()
    expect(row.get_by_role("combobox")).to_have_text("admin")

    user_page.reload()
    expect_greeting(user_page, "Soon Admin")
    expect(nav_link(user_page, "Admin")).to_be_visible()


def test_admin_disables_user_and_session_ends(page: Page, new_context: Callable[..., BrowserContext]) -> None:
    email = unique_email("disable")
    user_page = new_context().new_page()
    signup(user_page, email, "Soon Disabled")

    login(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    row = admin_user_row(page, email)
    expect(row).to_contain_text("active")
    toggle = page.get_by_test_id(f"toggle-{email}")
    expect(toggle).to_have_text("Disable")
    # Disabling asks first, naming the account; Cancel leaves it active.
    toggle.click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("Soon Disabled")
    expect(dialog).to_contain_text(email)
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(row).to_contain_text("active")
    toggle.click()
    page.get_by_role("alertdialog").get_by_role("button", name=f"Disable {email}").click()
    expect(row).to_contain_text("disabled")
    expect(toggle).to_have_text("Enable")

    user_page.reload()
    expect(user_page).to_have_url(LOGIN_URL)
    expect(user_page.get_by_role("button", name="Log in")).to_be_visible()

    # A disabled account's right password answers as a wrong one would: no oracle.
    fill_login(user_page, email, USER_PASSWORD)
    expect(form_error(user_page)).to_contain_text("Incorrect e-mail or password")
    expect(user_page).to_have_url(LOGIN_URL)


def test_account_page_changes_password(page: Page) -> None:
    email = unique_email("passwd")
    new_password = "Fresh-Lantern-Quartz-58"
    signup(page, email, "Pass Changer")

    page.get_by_test_id("account-menu").click()
    page.get_by_role("menuitem", name="Account").click()
    expect(page).to_have_url(re.compile(r"/account"))
    page.locator("input[name=current_password]").fill(USER_PASSWORD)
    page.locator("input[name=new_password]").fill(new_password)
    page.locator("input[name=confirm]").fill(new_password)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_test_id("form-success")).to_contain_text("Password changed")

    logout(page)
    login(page, email, new_password, name="Pass Changer")
    expect_greeting(page, "Pass Changer")

    logout(page)
    fill_login(page, email, USER_PASSWORD)
    expect(form_error(page)).to_contain_text("Incorrect e-mail or password")
    expect(page).to_have_url(LOGIN_URL)


def test_phone_width_uses_a_drawer(new_context: Callable[..., BrowserContext]) -> None:
    page = new_context(viewport={"width": 390, "height": 844}).new_page()
    signup(page, unique_email("phone"), "Phone User")

    menu_button = page.get_by_role("button", name="Open navigation")
    expect(menu_button).to_be_visible()
    for label in USER_NAV:  # the sidebar is hidden
        expect(nav_link(page, label)).to_be_hidden()

    menu_button.click()
    drawer = page.get_by_role("dialog")
    expect(drawer).to_be_visible()
    for label in USER_NAV:
        expect(drawer.get_by_role("link", name=label, exact=True)).to_be_visible()

    drawer.get_by_role("link", name="Library", exact=True).click()
    expect(page).to_have_url(re.compile(r"/library"))


def test_api_key_created_on_account_page_works_until_revoked(page: Page) -> None:
    email = unique_email("apikey")
    signup(page, email, "Key Maker")
    page.goto("/account")
    page.get_by_placeholder("Key name, e.g. laptop script").fill("nightly script")
    page.get_by_role("button", name="Create key").click()
    secret_box = page.get_by_test_id("new-api-key")
    expect(secret_box).to_contain_text("agpt_")
    secret = secret_box.inner_text().strip()

    me = page.request.get("/api/v1/me", headers={"X-API-Key": secret})
    assert me.status == 200 and me.json()["email"] == email

    page.get_by_role("button", name="Done").click()
    expect(secret_box).to_have_count(0)
    row = page.get_by_role("row").filter(has_text="nightly script")
    expect(row).to_be_visible()
    expect(row).not_to_contain_text(secret)  # only the prefix is listed
    row.get_by_role("button", name="Revoke").click()
    expect(row).to_contain_text("revoked")

    refused = page.request.get("/api/v1/me", headers={"X-API-Key": secret})
    assert refused.status == 401
    assert refused.json()["error"]["code"] == "invalid_api_key"


def test_account_page_shows_service_errors(page: Page) -> None:
    signup(page, unique_email("errors"), "Error Shower")
    page.goto("/account")
    page.locator("input[name=current_password]").fill(USER_PASSWORD)
    page.locator("input[name=new_password]").fill("password123")
    page.locator("input[name=confirm]").fill("password123")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_test_id("form-error").filter(has_text="too common")).to_be_visible()
    page.locator("input[name=display_name]").fill("   ")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("form-error").filter(has_text="display name")).to_be_visible()


def test_admin_sees_the_catalogues_accounts_only_when_asked(page: Page) -> None:
    login(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    page.goto("/admin/users")
    page.get_by_placeholder("Search by e-mail or name").fill("catalogue.invalid")
    expect(page.get_by_test_id("user-row")).to_have_count(0)
    page.get_by_test_id("show-system-accounts").click()
    northwind = page.get_by_test_id("user-row").filter(has_text="northwind-labs@catalogue.invalid")
    expect(northwind).to_be_visible()
    expect(northwind).to_contain_text("disabled")
