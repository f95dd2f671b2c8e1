"""Form fields with a programmatic label, an optional hint and an error tied to the field.

Why one helper: every input needs a `<label for>` (a Radix `rx.text(as_="label")` renders no
`for`, so those labels named nothing), and an error must be reachable from its field —
`aria-describedby` points at it, `aria-invalid` says the value is wrong — and announced when it
appears. The error element is always in the page (empty when there is nothing to say): a live
region that exists before its text arrives is announced reliably, one inserted with its text
is not.
"""

from __future__ import annotations

import reflex as rx


def field_error(message: rx.Var | str, id: str) -> rx.Component:
    """A field's error line: announced (role=alert) when its text appears."""
    return rx.el.div(message, id=id, role="alert", class_name="field-error")


def invalid_when(error: rx.Var) -> rx.Var:
    return rx.cond(error != "", "true", "false")


def labelled(
    label: str | rx.Var,
    control: rx.Component,
    *,
    id: str,
    hint: str = "",
    error: rx.Var | None = None,
) -> rx.Component:
    """`control` (which must carry `id`) under its `<label for=id>`, its hint and its error.

    The hint and the error are added to the control's `aria-describedby`; with `error` the
    control is `aria-invalid` while the error is not empty.
    """
    described = [
        *(
            [control.custom_attrs["aria-describedby"]]
            if "aria-describedby" in control.custom_attrs
            else []
        ),
        *([f"{id}-hint"] if hint else []),
        *([f"{id}-error"] if error is not None else []),
    ]
    if described:
        control.custom_attrs["aria-describedby"] = " ".join(described)
    if error is not None:
        control.custom_attrs["aria-invalid"] = invalid_when(error)
    return rx.el.div(
        rx.el.label(label, html_for=id, class_name="field-label-text"),
        control,
        rx.el.div(hint, id=f"{id}-hint", class_name="field-hint") if hint else rx.fragment(),
        field_error(error, f"{id}-error") if error is not None else rx.fragment(),
        class_name="field-label",
    )


def text_field(
    label: str | rx.Var,
    id: str,
    *,
    hint: str = "",
    error: rx.Var | None = None,
    **input_props,
) -> rx.Component:
    """A labelled `rx.input` (name defaults to the id)."""
    input_props.setdefault("name", id)
    return labelled(
        label, rx.input(id=id, width="100%", **input_props), id=id, hint=hint, error=error
    )
