"""The frame every page shares: navbar, content column, footer."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from ticketapp import routes
from ticketapp.state.session import SessionState


def _user_menu() -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(
            rx.button(
                rx.icon("circle-user", size=18, aria_hidden="true"),
                # A long name is cut with an ellipsis on wide screens; on phones the button is
                # an icon that opens the whole navigation, and the name is left for screen
                # readers only (it still names the button).
                rx.text(SessionState.user_name, id="nav-user-name", class_name="nav-user-name"),
                rx.badge(
                    SessionState.user_role,
                    id="nav-user-role",
                    variant="soft",
                    class_name="nav-user-role",
                ),
                rx.icon("menu", size=18, class_name="nav-menu-icon", aria_hidden="true"),
                variant="ghost",
                id="nav-user-menu",
            )
        ),
        rx.menu.content(
            rx.cond(
                SessionState.is_organizer,
                rx.menu.item("Dashboard", on_click=rx.redirect(routes.ORGANIZER)),
            ),
            rx.cond(
                SessionState.works_doors,
                rx.menu.item("Door check-in", on_click=rx.redirect(routes.DOOR)),
            ),
            rx.menu.item("My bookings", on_click=rx.redirect(routes.MY_BOOKINGS)),
            rx.menu.item("Account", on_click=rx.redirect(routes.ACCOUNT)),
            rx.menu.separator(),
            rx.menu.item("Log out", on_click=SessionState.log_out, id="nav-logout", color="red"),
        ),
    )


def navbar() -> rx.Component:
    return rx.el.header(
        rx.el.nav(
            rx.link(
                rx.hstack(
                    rx.icon("ticket", size=24, color=rx.color("accent", 9)),
                    # The brand is not a heading: each page's own title is its one <h1>.
                    rx.text("ticketapp", size="5", weight="bold", class_name="brand"),
                    align="center",
                    spacing="2",
                ),
                href=routes.HOME,
                underline="none",
                color="inherit",
            ),
            rx.spacer(),
            rx.cond(
                SessionState.logged_in,
                rx.hstack(
                    rx.cond(
                        SessionState.is_organizer,
                        rx.link(
                            "Dashboard",
                            href=routes.ORGANIZER,
                            display=["none", "block"],
                            id="nav-dashboard",
                        ),
                    ),
                    rx.cond(
                        SessionState.works_doors,
                        rx.link(
                            "Door",
                            href=routes.DOOR,
                            display=["none", "block"],
                            id="nav-door",
                        ),
                    ),
                    rx.link("My bookings", href=routes.MY_BOOKINGS, display=["none", "block"]),
                    _user_menu(),
                    align="center",
                    spacing="4",
                ),
                rx.hstack(
                    rx.link(rx.button("Log in", variant="soft"), href=routes.LOGIN),
                    rx.link(rx.button("Sign up"), href=routes.SIGNUP),
                    spacing="2",
                ),
            ),
            aria_label="Main",
            class_name="navbar",
        ),
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        background_color=rx.color("gray", 1),
        position="sticky",
        top="0",
        z_index="10",
        width="100%",
        class_name="no-print",
    )


def footer() -> rx.Component:
    return rx.el.footer(
        rx.text(
            "ticketapp — open-source ticket booking.",
            size="1",
            color_scheme="gray",
        ),
        padding="2em 1.25em",
        max_width="1200px",
        margin="0 auto",
        class_name="no-print",
    )


def page_frame(*children: rx.Component, max_width: str = "1200px") -> rx.Component:
    return rx.box(
        # The first thing a keyboard reaches: past the navbar, straight to the page's content.
        # The link's own jump does not move focus in every browser: focus <main> as well.
        rx.el.a(
            "Skip to content",
            href="#main-content",
            on_click=rx.set_focus("main-content"),
            class_name="skip-link no-print",
        ),
        navbar(),
        rx.el.main(
            rx.box(*children, max_width=max_width, margin="0 auto", padding="1.5em 1.25em"),
            id="main-content",
            tab_index=-1,
            class_name="page-main",
        ),
        footer(),
        min_height="100vh",
        background_color=rx.color("gray", 2),
    )


def template(max_width: str = "1200px") -> Callable[[Callable[[], rx.Component]], Callable]:
    """Decorator: wrap a page function's content in the shared frame."""

    def wrap(page: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
        def framed() -> rx.Component:
            return page_frame(page(), max_width=max_width)

        framed.__name__ = page.__name__
        return framed

    return wrap
