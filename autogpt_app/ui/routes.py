"""Every page route in one place, so links and redirects cannot drift apart."""

from urllib.parse import quote, urlsplit

HOME = "/"
LOGIN = "/login"
SIGNUP = "/signup"
FORGOT_PASSWORD = "/forgot-password"
#: Both are the addresses in the account e-mails (``auth.email_links``: VERIFY_PATH, RESET_PATH).
RESET_PASSWORD = "/reset-password"
VERIFY_EMAIL = "/verify-email"
ACCOUNT = "/account"
MARKETPLACE = "/marketplace"
MARKETPLACE_SEARCH = "/marketplace/search"
MARKETPLACE_AGENT = "/marketplace/agent/[slug]"
MARKETPLACE_CREATOR = "/marketplace/creator/[username]"
LIBRARY = "/library"
LIBRARY_AGENT = "/library/agent/[agent_id]"
LIBRARY_TRIGGER = "/library/triggers/[trigger_id]"
RUNS = "/runs"
RUN = "/runs/[execution_id]"
SCHEDULES = "/schedules"
NOTIFICATIONS = "/notifications"
CREDENTIALS = "/credentials"
SUBMISSIONS = "/submissions"
ADMIN = "/admin"
ADMIN_USERS = "/admin/users"
ADMIN_SUBMISSIONS = "/admin/submissions"
BUILD = "/build"
BUILD_AGENT = "/build/[graph_id]"


def marketplace_agent(slug: str) -> str:
    """Path of a marketplace listing's page (``slug`` may be a Var in components)."""
    return f"/marketplace/agent/{slug}"


def marketplace_creator(username: str) -> str:
    """Path of a creator's public page."""
    return f"/marketplace/creator/{username}"


def library_agent(agent_id: str) -> str:
    """Path of one library agent's page (run form and history)."""
    return f"/library/agent/{agent_id}"


def trigger(trigger_id: str) -> str:
    """Path of one trigger's page (its settings and deliveries); the ``trigger_failed`` notification's link."""
    return f"/library/triggers/{trigger_id}"


def builder(graph_id: str) -> str:
    """Path of the builder open on one of the person's agents (``graph_id`` may be a Var)."""
    return f"/build/{graph_id}"


def run(execution_id: str) -> str:
    """Path of one run's live page."""
    return f"/runs/{execution_id}"


def safe_next(target: str | None) -> str:
    """``target`` if it is a path of this site to return to after logging in, else ``""``.

    Only a same-site path is accepted: an absolute or scheme-relative address (``https://x``,
    ``//x``, ``/\\x``, which browsers read as ``//x``), control characters (a tab or newline inside
    ``/\t/x`` is dropped by browsers, leaving ``//x``) and the login and sign-up pages themselves are
    refused (and the password pages), so a crafted link can never send someone to another site after they log in.
    """
    value = (target or "").strip()
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        return ""
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        return ""
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or parts.path.rstrip("/") in (LOGIN, SIGNUP, FORGOT_PASSWORD, RESET_PASSWORD):
        return ""
    return value


def login_with_next(path: str, page: str = LOGIN) -> str:
    """The login (or sign-up) page that returns to ``path`` afterwards (no ``next`` for an unsafe one)."""
    target = safe_next(path)
    return f"{page}?next={quote(target, safe='/')}" if target else page
