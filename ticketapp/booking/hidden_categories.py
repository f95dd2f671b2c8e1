"""Hidden price categories: places an organizer keeps off public sale (guest lists, sponsors,
a block for a fan club), sold only to holders of an access code that unlocks them.

Invariants:
- A place of a hidden category (`PriceCategory.hidden`) is held, bought or booked only with an
  access code that opens that category (`promo_codes.Rule.opens_hidden`: valid now, uses
  left, for this show). Without one, chosen seats are refused (`SeatsNotForSale`, naming
  them, like seats someone else took); best available and standing areas never pick them; a
  one-request purchase, which holds and confirms with the same functions, likewise.
- Confirm checks again, against the code it claims: a code that does not open the category
  refuses the confirm, and everything — the code's use included — is rolled back.
- With an unlocking code, those places are ordinary places; the code's use is claimed at
  confirm like any code's.

Why it costs nothing on the hot path: the hidden flag rides on reads that holding and
confirming already make (the seats joined to their category), and is checked in Python. A
code is read only when one is given and a hidden place is asked for (once per transaction,
shared with the presale's gate: `promo_codes.AccessCode`); at confirm, the code's claim
returns its rule anyway.

The public seat map shows an available hidden place as not for sale (status `hidden`,
`compact` code "r"); a viewer who entered an unlocking code sees those places available by an
overlay over the shared status string (`compact.unlock_statuses`), never by a read of their
own. Listings leave hidden categories out of "from" prices and places left.
"""

from __future__ import annotations

from collections.abc import Sequence

from ticketapp.booking.errors import SeatsUnavailable
from ticketapp.booking.promo_codes import AccessCode, Rule


class SeatsNotForSale(SeatsUnavailable):
    """Places of a hidden category, asked for without a code that unlocks it."""

    def __init__(self, seat_ids: list[int], labels: list[str] | None = None) -> None:
        super().__init__(seat_ids, labels)
        names = ", ".join(self.labels) if self.labels else ", ".join(map(str, self.seat_ids))
        self.message = f"These seats are not for sale without an access code: {names}."
        self.args = (self.message,)


def refuse_locked(access: AccessCode | None, places: Sequence[tuple[int, str, str]]) -> None:
    """Holding: refuse the hidden places (id, label, category name) the customer's access code
    does not open — all of them without a code. No read unless a code was given."""
    if not places:
        return
    unlocked = access.unlocked({name for _, _, name in places}) if access is not None else set()
    _refuse([(i, label) for i, label, name in places if name not in unlocked])


def refuse_unclaimed(
    rule: Rule | None, show_id: int, places: Sequence[tuple[int, str, str]]
) -> None:
    """Confirming: refuse the hidden places (id, label, category name) that the code claimed
    for this booking (`rule`, None without one) does not open."""
    _refuse(
        [
            (i, label)
            for i, label, name in places
            if rule is None or not rule.opens_hidden(show_id, name)
        ]
    )


def locked_names(access: AccessCode | None, hidden_names: set[str]) -> set[str]:
    """The hidden categories (by name) that stay closed to this customer."""
    if not hidden_names:
        return set()
    if access is None:
        return set(hidden_names)
    return hidden_names - access.unlocked(hidden_names)


def _refuse(locked: list[tuple[int, str]]) -> None:
    if locked:
        locked.sort()
        raise SeatsNotForSale([i for i, _ in locked], [label for _, label in locked])
