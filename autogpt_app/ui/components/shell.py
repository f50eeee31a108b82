"""The app shell: navigation, notification bell, account menu, colour mode, and the ``@template`` page decorator."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import reflex as rx

from autogpt_app.ui import routes
from autogpt_app.ui.components.notification_bell import notification_bell
from autogpt_app.ui.components.verify_notice import verify_notice
from autogpt_app.ui.states.auth import AuthState
from autogpt_app.ui.states.notifications import NotificationBellState

APP_NAME = "AutoGPT Platform"
#: The logo (``assets/logo.svg``, drawn by ``scripts/make_images.py``), also the tab's SVG icon.
LOGO = "/logo.svg"


@dataclass(frozen=True)
class NavItem:
    label: str
    route: str
    icon: str
    admin_only: bool = False
    #: Open to visitors without an account (read-only pages such as the marketplace).
    public: bool = False


NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem("Chat", routes.HOME, "message-circle", public=True),
    NavItem("Marketplace", routes.MARKETPLACE, "store", public=True),
    NavItem("Library", routes.LIBRARY, "library"),
    NavItem("Build", routes.BUILD, "workflow"),
    NavItem("Runs", routes.RUNS, "activity"),
    NavItem("Schedules", routes.SCHEDULES, "calendar-clock"),
    NavItem("Credentials", routes.CREDENTIALS, "key-round"),
    NavItem("Admin", routes.ADMIN_USERS, "shield", admin_only=True),
    NavItem("Review", routes.ADMIN_SUBMISSIONS, "clipboard-check", admin_only=True),
)


def _nav_link(item: NavItem) -> rx.Component:
    path = rx.State.router.url.path
    # A section stays highlighted on its sub-pages (an agent's page is still the Marketplace).
    active = (
        (path == item.route) if item.route == routes.HOME else (path == item.route) | path.startswith(item.route + "/")
    )
    link = rx.link(
        rx.hstack(rx.icon(item.icon, size=18), rx.text(item.label, size="3"), align="center", spacing="3"),
        href=item.route,
        underline="none",
        color_scheme=rx.cond(active, "violet", "gray"),
        high_contrast=~active,
        weight=rx.cond(active, "bold", "regular"),
        padding_x="0.75rem",
        padding_y="0.5rem",
        border_radius="8px",
        background=rx.cond(active, rx.color("violet", 3), "transparent"),
        _hover={"background": rx.color("gray", 3)},
        width="100%",
        data_testid=f"nav-{item.label.lower()}",
    )
    return rx.cond(AuthState.is_admin, link, rx.fragment()) if item.admin_only else link


def _nav_links() -> rx.Component:
    # Visitors see only the pages they can open without an account (Chat and the Marketplace).
    return rx.cond(
        AuthState.is_authenticated,
        rx.vstack(*[_nav_link(item) for item in NAV_ITEMS], spacing="1", width="100%"),
        rx.vstack(*[_nav_link(item) for item in NAV_ITEMS if item.public], spacing="1", width="100%"),
    )


def _brand() -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.image(src=LOGO, alt="", width="28px", height="28px", data_testid="brand-logo"),
            rx.heading(APP_NAME, size="4"),
            align="center",
        ),
        href=routes.HOME,
        underline="none",
        color_scheme="gray",
        high_contrast=True,
    )


def _sidebar() -> rx.Component:
    return rx.box(
        rx.vstack(_brand(), rx.divider(), _nav_links(), spacing="4", padding="1rem", width="100%"),
        display=["none", "none", "block"],
        width="15rem",
        min_width="15rem",
        height="100vh",
        position="sticky",
        top="0",
        border_right=f"1px solid {rx.color('gray', 5)}",
        background=rx.color("gray", 2),
    )


def _mobile_menu() -> rx.Component:
    return rx.box(
        rx.drawer.root(
            rx.drawer.trigger(rx.icon_button(rx.icon("menu"), variant="ghost", aria_label="Open navigation")),
            rx.drawer.overlay(z_index="50"),
            rx.drawer.portal(
                rx.drawer.content(
                    rx.vstack(
                        rx.hstack(
                            _brand(),
                            rx.spacer(),
                            rx.drawer.close(
                                rx.icon_button(rx.icon("x"), variant="ghost", aria_label="Close navigation")
                            ),
                        ),
                        rx.divider(),
                        _nav_links(),
                        spacing="4",
                        padding="1rem",
                    ),
                    width="16rem",
                    height="100%",
                    top="0",
                    left="0",
                    background=rx.color("gray", 1),
                    z_index="51",
                )
            ),
            direction="left",
        ),
        display=["block", "block", "none"],
    )


def _account_menu() -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(
            rx.button(
                rx.avatar(fallback=AuthState.user_initial, size="1", radius="full"),
                rx.text(AuthState.user_name, display=["none", "inline"]),
                rx.icon("chevron-down", size=14),
                variant="ghost",
                data_testid="account-menu",
            )
        ),
        rx.menu.content(
            rx.box(
                rx.text(AuthState.user_email, size="1", color_scheme="gray"), padding_x="0.75rem", padding_y="0.25rem"
            ),
            rx.menu.separator(),
            rx.menu.item(rx.hstack(rx.icon("user", size=14), rx.text("Account")), on_click=rx.redirect(routes.ACCOUNT)),
            rx.menu.item(
                rx.hstack(rx.icon("send", size=14), rx.text("My submissions")),
                on_click=rx.redirect(routes.SUBMISSIONS),
            ),
            rx.menu.item(
                rx.hstack(rx.icon("log-out", size=14), rx.text("Log out")),
                on_click=AuthState.logout,
                color="red",
                data_testid="logout",
            ),
        ),
    )


def _guest_links() -> rx.Component:
    # Both come back to the page the visitor is on.
    here = rx.State.router.url.path
    return rx.hstack(
        rx.link(
            rx.button("Log in", size=rx.breakpoints(initial="1", sm="2"), variant="soft", white_space="nowrap"),
            href=routes.LOGIN + "?next=" + here,
            data_testid="guest-login",
        ),
        rx.link(
            rx.button("Sign up", size=rx.breakpoints(initial="1", sm="2"), white_space="nowrap"),
            href=routes.SIGNUP + "?next=" + here,
            data_testid="guest-signup",
        ),
        spacing="2",
    )


def _top_bar(title: str, guests: bool = False) -> rx.Component:
    return rx.hstack(
        _mobile_menu(),
        rx.heading(title, size="5"),
        rx.spacer(),
        rx.cond(AuthState.is_authenticated, notification_bell(), rx.fragment()),
        rx.color_mode.button(variant="ghost", aria_label="Toggle light or dark"),
        rx.cond(AuthState.is_authenticated, _account_menu(), _guest_links() if guests else rx.fragment()),
        align="center",
        padding_x="1rem",
        padding_y="0.75rem",
        border_bottom=f"1px solid {rx.color('gray', 5)}",
        width="100%",
    )


def shell(
    content: rx.Component, title: str, *, guests: bool = False, notice: bool = True, wide: bool = False
) -> rx.Component:
    """Wrap ``content`` in the navigation shell (``guests``: offer Log in / Sign up to visitors;
    ``wide``: the content takes the whole width, as the builder's canvas needs)."""
    return rx.hstack(
        _sidebar(),
        rx.vstack(
            _top_bar(title, guests),
            rx.box(
                verify_notice() if notice else rx.fragment(),
                content,
                padding=["1rem", "1.5rem"],
                width="100%",
                max_width="none" if wide else "72rem",
            ),
            spacing="0",
            width="100%",
            min_width="0",
        ),
        spacing="0",
        width="100%",
        min_height="100vh",
        align="start",
    )


def _waiting() -> rx.Component:
    return rx.center(rx.spinner(size="3"), height="60vh", width="100%")


def template(
    route: str,
    title: str,
    *,
    admin: bool = False,
    public: bool = False,
    guests: bool = False,
    on_load: Callable | list | None = None,
    notice: bool = True,
    wide: bool = False,
) -> Callable[[Callable[[], rx.Component]], rx.Component]:
    """Register a page wrapped in the shell.

    Args:
        route: URL path of the page.
        title: shown in the top bar and the browser tab.
        admin: only admins may open it.
        public: visitors without a session may open it (login, sign-up).
        guests: visitors without a session may open it too, and logged-in people get the
            notification bell (the Chat page; its ``on_load`` resolves the user itself).
        on_load: extra load events, run after the login check.
        notice: show the "verify your e-mail" notice above the content (a page whose height fits the
            window, like the Chat, places it inside its own layout instead).

    A protected page's load also starts the notification bell's live count (one background task
    per page load, cancelled by Reflex when the page is left).
    """
    checks: list = [AuthState.learn_timezone]
    checks += [] if public or guests else [AuthState.check_admin if admin else AuthState.check_login]
    extra = on_load if isinstance(on_load, list) else ([on_load] if on_load else [])
    if not public:
        extra = [*extra, NotificationBellState.start]

    def decorator(page: Callable[[], rx.Component]) -> rx.Component:
        def wrapped() -> rx.Component:
            body = page()
            if not (public or guests):
                # Nothing of a protected page renders before the server has verified the token.
                body = rx.cond(AuthState.is_authenticated, body, _waiting())
            return shell(body, title, guests=guests, notice=notice, wide=wide)

        wrapped.__name__ = page.__name__
        return rx.page(route=route, title=f"{title} · {APP_NAME}", on_load=checks + extra)(wrapped)

    return decorator
