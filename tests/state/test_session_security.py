"""Issue 14 through the Reflex doors: handlers called the way crafted websocket messages call
them, on the real state tree, against the real database (helpers of test_dashboard_access).

A tab's server-side state is keyed by its client token; the websocket connection an event came
in on is the router's session id, which the server sets from the socket (the client cannot).
"""

from __future__ import annotations

import logging
import uuid

from reflex.istate.data import ReflexURL, RouterData, SessionData
from reflex.state import State, UpdateVarsInternalState
from reflex_base.event import Event
from sqlmodel import Session, func, select

from tests.engine.conftest import make_users
from tests.state import test_dashboard_access as access
from tests.state.test_dashboard_access import call, on_own_loop, redirected_to, tab
from ticketapp import auth, booking
from ticketapp.booking import MAX_SEATS, MAX_SECTIONS, grid_cells
from ticketapp.logredact import REDACTED, install_log_redaction
from ticketapp.models import Booking, Role
from ticketapp.state.account_forms import LogInState
from ticketapp.state.checkout import CheckoutState
from ticketapp.state.connection import NewConnectionMiddleware
from ticketapp.state.layout_editor import LayoutEditorState, plan_of
from ticketapp.state.my_bookings import MyBookingsState
from ticketapp.state.session import SessionState

HYDRATE_AND_LOAD = f"{State.get_full_name()}.hydrate_and_load"
db = access.db  # the app's own engine pointed at the test database
stage = access.stage  # an organizer's event, one show, one sold ticket


def connect(root: State, sid: str, path: str = "/bookings", ip: str = "10.0.0.1") -> State:
    """Websocket `sid` connects with this tab's client token (the same server-side state) and
    sends its first event, `hydrate_and_load`, through the app's middleware."""
    root.router = RouterData(
        session=SessionData(
            client_token=root.router.session.client_token, client_ip=ip, session_id=sid
        ),
        url=ReflexURL(f"http://localhost:3000{path}"),
    )
    hydrate = Event(name=HYDRATE_AND_LOAD)
    on_own_loop(NewConnectionMiddleware().preprocess(None, root, hydrate))
    return root


def browser_sends_local_storage(root: State, token: str) -> None:
    """What the browser does on every (re)connect and storage sync: hand over localStorage."""
    name = f"{SessionState.get_full_name()}.token"
    call(root, UpdateVarsInternalState, "update_vars_internal", ({name: token},))


# --- 3. the client token is not a credential -----------------------------------------------


def test_a_second_connection_reusing_the_client_token_without_the_jwt_gets_nothing(db, stage):
    _, sold, buyer = stage
    victim = State(_reflex_internal_init=True)
    victim.router = RouterData(session=SessionData(client_token=str(uuid.uuid4())))
    connect(victim, "sid-of-the-victims-tab")
    browser_sends_local_storage(victim, auth.issue_token(buyer, Role.CUSTOMER))
    call(victim, MyBookingsState, "load")
    assert [c.code for c in on_own_loop(victim.get_state(MyBookingsState)).upcoming] == [sold.code]

    # The tab is closed; someone who saw its client token connects with it, JWT-less. The
    # snapshot their hydrate answers with holds nothing of the victim's page.
    attacker = connect(victim, "sid-of-the-attacker")  # the same server-side state
    session = on_own_loop(attacker.get_state(SessionState))
    assert (session.user_id, session.user_email, session.token) == (0, "", "")
    assert on_own_loop(attacker.get_state(MyBookingsState)).upcoming == []
    result = call(attacker, MyBookingsState, "load")
    cancel = call(attacker, MyBookingsState, "cancel", (sold.id,))

    assert redirected_to(result) == "/login?next=/bookings"
    assert redirected_to(cancel) == "/login?next=/bookings"
    assert on_own_loop(attacker.get_state(MyBookingsState)).upcoming == []
    with Session(db) as session:
        assert session.get(Booking, sold.id).status == "confirmed"

    # The victim's tab reconnects: its browser proves itself again with the JWT it holds.
    connect(victim, "sid-after-reconnect")
    browser_sends_local_storage(victim, auth.issue_token(buyer, Role.CUSTOMER))
    assert redirected_to(call(victim, MyBookingsState, "load")) is None


def test_a_token_left_in_server_state_does_not_count_on_another_connection(db, stage):
    _, _, buyer = stage
    root = State(_reflex_internal_init=True)
    root.router = RouterData(session=SessionData(client_token=str(uuid.uuid4())))
    connect(root, "sid-of-the-tab")
    browser_sends_local_storage(root, auth.issue_token(buyer, Role.CUSTOMER))

    # A socket that skips hydrating and goes straight for a handler.
    root.router = RouterData(
        session=SessionData(client_token=root.router.session.client_token, session_id="other"),
        url=ReflexURL("http://localhost:3000/bookings"),
    )

    assert redirected_to(call(root, MyBookingsState, "load")) == "/login?next=/bookings"
    assert on_own_loop(root.get_state(MyBookingsState)).upcoming == []


def test_a_revoked_token_ends_the_reflex_session_too(db, stage):
    _, _, buyer = stage
    root = tab("/bookings", buyer)
    assert redirected_to(call(root, MyBookingsState, "load")) is None

    auth.log_out_everywhere(buyer, db=db)

    assert redirected_to(call(root, MyBookingsState, "load")) == "/login?next=/bookings"
    assert on_own_loop(root.get_state(SessionState)).token == ""


def test_client_tokens_and_jwts_never_reach_the_logs(caplog):
    install_log_redaction()
    client_token = str(uuid.uuid4())
    jwt = auth.issue_token(7, Role.CUSTOMER)
    logger = logging.getLogger("reflex.istate.manager.redis")

    with caplog.at_level(logging.WARNING, logger="reflex.istate.manager.redis"):
        logger.warning(
            f"Lock for token {client_token}_reflex___state____state was held too long "
            "time_taken=3.2s"
        )
        logger.warning("token %s from %s", jwt, "somewhere")

    text = caplog.text
    assert client_token not in text and jwt not in text
    assert text.count(REDACTED) == 2
    assert "was held too long" in text


# --- 1. the web form is throttled like the API ----------------------------------------------


def test_the_log_in_form_says_too_many_attempts_after_ten_wrong_passwords(db):
    root = connect(tab("/login"), "sid-login", "/login", ip=f"10.1.{uuid.uuid4().int % 250}.9")
    email = f"{uuid.uuid4().hex[:10]}@example.com"
    form = {"email": email, "password": "not the password"}
    for _ in range(auth.LOGIN_ATTEMPTS_PER_MINUTE):
        call(root, LogInState, "submit", (form,))
        assert on_own_loop(root.get_state(LogInState)).error == auth.INVALID_LOGIN

    call(root, LogInState, "submit", (form,))

    error = on_own_loop(root.get_state(LogInState)).error
    assert error.startswith("Too many attempts, try again in ") and error.endswith(" s."), error


# --- 4. the layout editor answers only organizers, and bounds the work ----------------------

EDITING = [
    ("set_name", ("Hijacked",)),
    ("set_tool", ("gap",)),
    ("add_section", (False,)),
    ("remove_section", (0,)),
    ("update_section", (0, "seats_per_row", "200")),
    ("click_seat", (1_001_001,)),
]


def test_the_layout_editor_refuses_visitors_and_customers_on_every_handler(db):
    customer = make_users(db, 1)[0]
    for who, expected in ((None, "/login?next=/organizer/layouts/new"), (customer, "/")):
        for handler, args in EDITING:
            root = tab("/organizer/layouts/new", who)
            result = call(root, LayoutEditorState, handler, args)
            editor = on_own_loop(root.get_state(LayoutEditorState))
            assert redirected_to(result) == expected, (who, handler)
            assert (editor.sections, editor.name, editor.tool) == ([], "", "blocked"), handler


def test_the_layout_editor_bounds_sections_and_seats_while_editing(db):
    organizer = make_users(db, 1, Role.ORGANIZER, "editor")[0]
    root = tab("/organizer/layouts/new", organizer, Role.ORGANIZER)
    call(root, LayoutEditorState, "load")

    for _ in range(MAX_SECTIONS + 5):
        call(root, LayoutEditorState, "add_section", (False,))
    for index in range(MAX_SECTIONS):
        call(root, LayoutEditorState, "update_section", (index, "rows", "100"))
        call(root, LayoutEditorState, "update_section", (index, "seats_per_row", "200"))

    editor = on_own_loop(root.get_state(LayoutEditorState))
    plans = [plan_of(d) for d in editor.sections]
    assert len(plans) <= MAX_SECTIONS
    assert grid_cells(plans) <= MAX_SEATS
    assert len(editor.preview_statuses) <= MAX_SEATS
    assert editor.message_is_error and "at most" in editor.message


# --- 5. the checkout form goes by the engine's buyer rule ------------------------------------


def test_checkout_with_a_list_of_addresses_says_so_and_books_nothing(db, stage):
    venue, _, _ = stage
    buyer = make_users(db, 1, Role.CUSTOMER, "second")[0]
    held = booking.hold_seats(buyer, venue.show_id, venue.ids("A2"), db=db)
    root = tab(f"/checkout/{held.hold_id}", buyer)
    call(root, CheckoutState, "load")

    form = {"buyer_name": "Carla", "buyer_email": "a@x.com, b@y.org, c@z.net"}
    call(root, CheckoutState, "confirm", (form,))

    checkout = on_own_loop(root.get_state(CheckoutState))
    assert checkout.error == "Please enter one valid e-mail address for the tickets."
    assert not checkout.busy
    with Session(db) as session:
        assert session.exec(select(func.count(Booking.id))).one() == 1  # the stage's only
