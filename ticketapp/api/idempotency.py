"""Idempotency-Key on creating holds and confirming bookings.

A client that lost the answer to a POST retries it with the same `Idempotency-Key` header and
gets the first answer back (with `Idempotent-Replayed: true`); nothing is created twice.

How: the key is *claimed* before the engine runs, by inserting an `IdempotencyRecord` with
status 0 ("in progress"); the unique constraint (user, scope, key) makes exactly one of two
concurrent identical requests the owner. The owner runs the engine call and then stores the
answer, success or engine error (a 409 for lost seats is an answer too). The other request
sees the claim and gets 409 `idempotency_in_progress` until the answer is stored, then the
replay. The same key with a different body (or path) is the client's bug: 422
`idempotency_key_reused`, and nothing runs.

The claim and the engine call are separate transactions (the engine owns its own), so a
process that dies between them leaves a claim without an answer. Such a claim is taken over
after `STALE_AFTER`; the request then runs again. For confirm that is harmless (the engine
finds the hold's booking: one hold, one booking); for a new hold the worst case is a second
hold, which expires on its own. Unexpected failures and 5xx answers release the claim at once,
so the client's retry runs for real.

The claim and the answer are committed without waiting for the disk (`synchronous_commit=off`
on PostgreSQL): they are bookkeeping, and a crash that loses them is the case above. The
claim cannot be lost once the engine's own (synchronous) commit has returned, because
PostgreSQL flushes its log in order. This saves two fsync waits per request.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy import delete, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from ticketapp.api.deps import CurrentUser, Db, Now
from ticketapp.api.errors import ApiError, describe
from ticketapp.auth import AuthError
from ticketapp.booking.errors import BookingError
from ticketapp.db import commit_without_flush_wait, session_scope
from ticketapp.models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
IN_PROGRESS = 0
STALE_AFTER = timedelta(minutes=2)

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
    db: Engine
    user_id: int
    scope: str
    key: str | None
    now: datetime

    def run(self, body: BaseModel, status_code: int, action: Callable[[], Any]) -> Response:
        """Run `action` once per key; its result is the JSON body of a `status_code` answer."""
        if self.key is None:
            return JSONResponse(jsonable_encoder(action()), status_code=status_code)
        replay = self._claim(fingerprint(self.scope, body))
        if replay is not None:
            return replay
        try:
            result = jsonable_encoder(action())
        except (BookingError, AuthError) as exc:
            status, error = describe(exc)
            if status >= 500:
                self._release()
            else:
                self._answer(status, error)
            raise
        except BaseException:
            self._release()
            raise
        self._answer(status_code, result)
        return JSONResponse(result, status_code=status_code)

    def _where(self) -> Any:
        return (
            (IdempotencyRecord.user_id == self.user_id)
            & (IdempotencyRecord.scope == self.scope)
            & (IdempotencyRecord.key == self.key)
        )

    def _claim(self, request_hash: str) -> Response | None:
        """None if this request now owns the key; else the stored answer to replay."""
        for _attempt in range(3):
            try:
                with session_scope(self.db) as session:
                    commit_without_flush_wait(session)
                    session.add(
                        IdempotencyRecord(
                            user_id=self.user_id,
                            scope=self.scope,
                            key=self.key,
                            request_hash=request_hash,
                            status_code=IN_PROGRESS,
                            response_json="",
                            created_at=self.now,
                        )
                    )
                return None
            except IntegrityError:
                pass
            with session_scope(self.db) as session:
                record = session.exec(select(IdempotencyRecord).where(self._where())).first()
                if record is None:  # released between our insert and our look: claim again
                    continue
                if record.request_hash != request_hash:
                    raise ApiError(
                        "idempotency_key_reused",
                        "This Idempotency-Key was already used for a different request.",
                    )
                if record.status_code != IN_PROGRESS:
                    return Response(
                        record.response_json,
                        status_code=record.status_code,
                        media_type="application/json",
                        headers={REPLAYED_HEADER: "true"},
                    )
                if record.created_at > self.now - STALE_AFTER:
                    raise ApiError(
                        "idempotency_in_progress",
                        "A request with this Idempotency-Key is still running; retry shortly.",
                        headers={"Retry-After": "1"},
                    )
                taken = session.execute(
                    update(IdempotencyRecord)
                    .where(
                        IdempotencyRecord.id == record.id,
                        IdempotencyRecord.created_at == record.created_at,
                    )
                    .values(created_at=self.now)
                )
                if taken.rowcount == 1:
                    return None
        raise ApiError(
            "idempotency_in_progress",
            "A request with this Idempotency-Key is still running; retry shortly.",
            headers={"Retry-After": "1"},
        )

    def _answer(self, status_code: int, body: Any) -> None:
        with session_scope(self.db) as session:
            commit_without_flush_wait(session)
            session.execute(
                update(IdempotencyRecord)
                .where(self._where())
                .values(status_code=status_code, response_json=json.dumps(body))
            )

    def _release(self) -> None:
        with session_scope(self.db) as session:
            session.execute(
                delete(IdempotencyRecord).where(
                    self._where(), IdempotencyRecord.status_code == IN_PROGRESS
                )
            )


async def get_idempotency(
    request: Request, user: CurrentUser, db: Db, now: Now, key: IdempotencyKey = None
) -> Idempotency:
    return Idempotency(
        db=db, user_id=user.id, scope=f"{request.method} {request.url.path}"[:60], key=key, now=now
    )


Idempotent = Annotated[Idempotency, Depends(get_idempotency)]
