"""Every page route in one place, so links and redirects cannot drift apart."""

HOME = "/"
LOGIN = "/login"
SIGNUP = "/signup"
ACCOUNT = "/account"
MARKETPLACE = "/marketplace"
MARKETPLACE_SEARCH = "/marketplace/search"
MARKETPLACE_AGENT = "/marketplace/agent/[slug]"
MARKETPLACE_CREATOR = "/marketplace/creator/[username]"
LIBRARY = "/library"
LIBRARY_AGENT = "/library/agent/[agent_id]"
RUNS = "/runs"
RUN = "/runs/[execution_id]"
SCHEDULES = "/schedules"
NOTIFICATIONS = "/notifications"
CREDENTIALS = "/credentials"
SUBMISSIONS = "/submissions"
ADMIN = "/admin"
ADMIN_USERS = "/admin/users"
ADMIN_SUBMISSIONS = "/admin/submissions"


def marketplace_agent(slug: str) -> str:
    """Path of a marketplace listing's page (``slug`` may be a Var in components)."""
    return f"/marketplace/agent/{slug}"


def marketplace_creator(username: str) -> str:
    """Path of a creator's public page."""
    return f"/marketplace/creator/{username}"


def library_agent(agent_id: str) -> str:
    """Path of one library agent's page (run form and history)."""
    return f"/library/agent/{agent_id}"


def run(execution_id: str) -> str:
    """Path of one run's live page."""
    return f"/runs/{execution_id}"
