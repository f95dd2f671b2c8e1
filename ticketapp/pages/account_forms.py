"""Log-in and sign-up pages."""

from __future__ import annotations

import reflex as rx

from ticketapp import routes
from ticketapp.components.forms import labelled
from ticketapp.components.layout import template
from ticketapp.pages.registry import page
from ticketapp.state.account_forms import LogInState, SignUpState
from ticketapp.state.session import SessionState


def _field(label: str, name: str, kind: str = "text", *, invalid: rx.Var, **props) -> rx.Component:
    # The form's one error line (#form-error) describes the field it is about.
    return labelled(
        label,
        rx.input(
            id=name,
            name=name,
            type=kind,
            size="3",
            width="100%",
            aria_describedby="form-error",
            aria_invalid=rx.cond(invalid, "true", "false"),
            **props,
        ),
        id=name,
    )


def _error(message: rx.Var) -> rx.Component:
    # Always in the page, so that the message is announced when it appears (role=alert).
    return rx.el.div(
        rx.cond(
            message != "",
            rx.callout(message, icon="circle-alert", color_scheme="red"),
        ),
        role="alert",
        id="form-error",
        width="100%",
    )


def _card(title: str, *children: rx.Component) -> rx.Component:
    return rx.center(
        rx.card(
            rx.vstack(rx.heading(title, size="6"), *children, spacing="4", width="100%"),
            width="100%",
            max_width="420px",
            size="3",
        ),
        padding_top="2em",
    )


@page(
    route=routes.LOGIN,
    title="Log in — ticketapp",
    on_load=SessionState.restore,
)
@template()
def login() -> rx.Component:
    return _card(
        "Log in",
        _error(LogInState.error),
        rx.form(
            rx.vstack(
                _field(
                    "E-mail",
                    "email",
                    "email",
                    invalid=LogInState.error != "",
                    required=True,
                    auto_complete="email",
                ),
                _field(
                    "Password",
                    "password",
                    "password",
                    invalid=LogInState.error != "",
                    required=True,
                    auto_complete="current-password",
                ),
                rx.button(
                    "Log in",
                    type="submit",
                    size="3",
                    width="100%",
                    id="login-submit",
                ),
                spacing="3",
            ),
            on_submit=LogInState.submit,
            no_validate=True,
            reset_on_submit=False,
        ),
        rx.text(
            "New here? ",
            rx.link("Create an account", href=routes.SIGNUP),
            size="2",
        ),
    )


@page(
    route=routes.SIGNUP,
    title="Sign up — ticketapp",
    on_load=SessionState.restore,
)
@template()
def signup() -> rx.Component:
    return _card(
        "Create your account",
        _error(SignUpState.error),
        rx.form(
            rx.vstack(
                _field(
                    "Name",
                    "name",
                    invalid=SignUpState.error_field == "name",
                    required=True,
                    auto_complete="name",
                ),
                _field(
                    "E-mail",
                    "email",
                    "email",
                    invalid=SignUpState.error_field == "email",
                    required=True,
                    auto_complete="email",
                ),
                _field(
                    "Password (at least 8 characters)",
                    "password",
                    "password",
                    invalid=SignUpState.error_field == "password",
                    required=True,
                    auto_complete="new-password",
                ),
                rx.button(
                    "Sign up",
                    type="submit",
                    size="3",
                    width="100%",
                    id="signup-submit",
                ),
                spacing="3",
            ),
            on_submit=SignUpState.submit,
            no_validate=True,
            reset_on_submit=False,
        ),
        rx.text("Already have an account? ", rx.link("Log in", href=routes.LOGIN), size="2"),
    )
