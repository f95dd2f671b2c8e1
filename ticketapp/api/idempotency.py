"""Idempotency-Key on creating holds and confirming bookings: the API's half.

A client that lost the answer to a POST retries it with the same `Idempotency-Key` header and
gets the first answer back (with `Idempotent-Replayed: true`); nothing is created twice. The
same key with a different body (or path) is the client's bug: 422 `idempotency_key_reused`,
and nothing runs.

The engine keeps the record in the same transaction as the change it guards
(`ticketapp.booking.idempotency`), so a stored answer is always the truth about what was
committed and no key is ever stuck "in progress" after its owner died. This door only
fingerprints the request and says how a result or a refusal is written as an HTTP answer.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.responses import Response
from pydantic import BaseModel

from ticketapp.api.deps import CurrentUser
from ticketapp.api.errors import describe
from ticketapp.booking.errors import BookingError
from ticketapp.booking.idempotency import Once, Replay

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias=HEADER,
        min_length=1,
        max_length=120,
        pattern=r"^[!-~]+$",
        description=(
            "Any unique string (a UUID) chosen by the client. Retrying with the same key "
            "returns the first answer and creates nothing new."
        ),
    ),
]


def fingerprint(path: str, body: BaseModel) -> str:
    canonical = json.dumps(
        {"path": path, "body": body.model_dump(mode="json")}, sort_keys=True, default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass
class Idempotency:
    user_id: int
    scope: str
    key: str | None

    def run(
        self,
        body: BaseModel,
        status_code: int,
        out: type[BaseModel],
        action: Callable[[Once | None], Any],
    ) -> Response:
        """Run `action` once per key; its result, as `out`, is the body of the answer."""
        answers: dict[int, tuple[int, str]] = {}

        def encode(outcome: Any) -> tuple[int, str]:
            # The engine encodes the answer to store it; the response reuses that encoding.
            if id(outcome) not in answers:
                if isinstance(outcome, BookingError):
                    status, error = describe(outcome)
                    answers[id(outcome)] = (status, json.dumps(error))
                else:
                    dumped = out.model_validate(outcome).model_dump_json()
                    answers[id(outcome)] = (status_code, dumped)
            return answers[id(outcome)]

        once = (
            None
            if self.key is None
            else Once(self.user_id, self.scope, self.key, fingerprint(self.scope, body), encode)
        )
        outcome = action(once)
        if isinstance(outcome, Replay):
            return Response(
                outcome.body,
                status_code=outcome.status_code,
                media_type="application/json",
                headers={REPLAYED_HEADER: "true"},
            )
        status, content = encode(outcome)
        return Response(content, status_code=status, media_type="application/json")


async def get_idempotency(
    request: Request, user: CurrentUser, key: IdempotencyKey = None
) -> Idempotency:
    return Idempotency(user_id=user.id, scope=f"{request.method} {request.url.path}"[:60], key=key)


Idempotent = Annotated[Idempotency, Depends(get_idempotency)]
