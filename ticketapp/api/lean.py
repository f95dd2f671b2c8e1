"""A lean request path for the routes an on-sale rush calls (hold, book).

FastAPI's generic request handler solves a route's dependency tree per request: for POST
/holds that is seven nodes (caller, database, clock, bearer scheme, idempotency, header, body),
each with cache keys, override lookups and signature checks, and the caller's check hops to a
thread of its own. Profiled under load it was more than a third of the server's CPU per
booking — more than the booking itself.

`LeanRoute` keeps everything FastAPI derives from a route's signature (validation models,
OpenAPI, the generic handler) and adds one shortcut for the common case: a JSON body that
validates, a caller the per-process cache knows (ticketapp/auth_cache.py), a well-formed
Idempotency-Key. Then it fills the same arguments itself — with the same validators FastAPI
built from the signature — and calls the endpoint in one thread hop. Anything else (a missing
or bad token, a cache miss, invalid JSON, a body that does not validate, overridden
dependencies other than the database and the clock) goes to FastAPI's own handler, before the
endpoint has run, so every error answer is exactly what it was.

A route qualifies only when every dependency of its endpoint has a fast form here and the
endpoint returns a Response itself; any other route keeps the generic handler.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import json
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, get_type_hints

from fastapi import Request, Response

# `_effective_route_context_var`: FastAPI builds an included route's handler under this context
# (its effective path, body and dependencies), and the lean handler must read the same. It is
# private, so the version is pinned and tests/api/test_lean_route.py checks that the lean path
# really serves the hot routes.
from fastapi.routing import APIRoute, _effective_route_context_var

from ticketapp import auth
from ticketapp.api import deps
from ticketapp.api.idempotency import HEADER, Idempotency, get_idempotency

Handler = Callable[[Request], Coroutine[Any, Any, Response]]
# The endpoints' threads: as many as anyio's default limiter gives FastAPI's sync routes (40),
# handed work through the loop's executor call, which costs less per request than anyio's
# thread hop (a cancel scope and a limiter per call).
ENDPOINT_THREADS = ThreadPoolExecutor(max_workers=40, thread_name_prefix="lean-route")
JSON_TYPES = (b"application/json", b"application/json; charset=utf-8")


class _Fallback(Exception):
    """The lean path cannot answer this request: the generic handler will."""


class _Context:
    """What the fast dependencies of one request share."""

    __slots__ = ("actor", "db", "request")

    def __init__(self, request: Request) -> None:
        self.request = request
        self.actor = None
        self.db = None


def _bearer_token(request: Request) -> str:
    header = request.headers.get("authorization")
    if not header:
        raise _Fallback
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise _Fallback
    return token


async def _overridable(call: Callable[[], Awaitable[Any]], overrides: dict) -> Any:
    # Tests aim the app with plain callables (`lambda: engine`, a clock object).
    value = overrides.get(call, call)()
    return await value if inspect.isawaitable(value) else value


def _fast_dependencies(route: Any) -> dict[Callable, Callable] | None:
    """For each dependency the endpoint takes, an async function (context, overrides) ->
    value; None if one of them has no fast form."""
    idempotency = next((d for d in route.dependant.dependencies if d.call is get_idempotency), None)
    key_field = idempotency.header_params[0] if idempotency is not None else None

    async def db(ctx: _Context, overrides: dict) -> Any:
        if ctx.db is None:
            ctx.db = await _overridable(deps.get_db, overrides)
        return ctx.db

    async def now(ctx: _Context, overrides: dict) -> Any:
        return await _overridable(deps.get_now, overrides)

    async def caller(ctx: _Context, overrides: dict) -> Any:
        if ctx.actor is None:
            try:
                actor = auth.cached_actor(_bearer_token(ctx.request), db=await db(ctx, overrides))
            except auth.InvalidToken:
                raise _Fallback from None  # the generic path answers the 401
            if actor is None:
                raise _Fallback  # not cached: the generic path reads the row (and caches it)
            ctx.actor = actor
        return ctx.actor

    async def once(ctx: _Context, overrides: dict) -> Any:
        user = await caller(ctx, overrides)
        key = ctx.request.headers.get(HEADER)
        if key is not None:
            _, errors = key_field.validate(key, {}, loc=("header", HEADER))
            if errors:
                raise _Fallback
        request = ctx.request
        return Idempotency(
            user_id=user.id, scope=f"{request.method} {request.url.path}"[:60], key=key
        )

    fast = {
        deps.get_db: db,
        deps.get_now: now,
        deps.get_current_user: caller,
        get_idempotency: once,
    }
    plan = {}
    for dependency in route.dependant.dependencies:
        if dependency.call not in fast or dependency.name is None:
            return None
        plan[dependency.name] = fast[dependency.call]
    return plan


def lean_handler(route: Any, generic: Handler) -> Handler | None:
    """The lean handler of `route`, or None if the route does not qualify."""
    dependant = route.dependant
    endpoint = dependant.call
    hints = get_type_hints(endpoint)
    if hints.get("return") is not Response or inspect.iscoroutinefunction(endpoint):
        return None
    if (
        dependant.path_params
        or dependant.query_params
        or dependant.cookie_params
        or dependant.request_param_name
        or dependant.response_param_name
        or dependant.background_tasks_param_name
        or len(dependant.body_params) != 1
    ):
        return None
    plan = _fast_dependencies(route)
    if plan is None:
        return None
    body_field = dependant.body_params[0]
    header_fields = [(field, field.alias or field.name) for field in dependant.header_params]
    provider = route.dependency_overrides_provider
    # Overriding the database and the clock is how tests aim the app; overriding anything
    # else this route depends on means someone wants FastAPI's own resolution.
    not_leanable = _calls(dependant) - {deps.get_db, deps.get_now}

    async def handle(request: Request) -> Response:
        overrides = getattr(provider, "dependency_overrides", None) or {}
        if overrides and not not_leanable.isdisjoint(overrides):
            return await generic(request)
        try:
            if request.headers.get("content-type", "").encode().lower() not in JSON_TYPES:
                raise _Fallback
            try:
                document = json.loads(await request.body())
            except ValueError:
                raise _Fallback from None
            body, errors = body_field.validate(document, {}, loc=("body",))
            if errors:
                raise _Fallback
            ctx = _Context(request)
            values = {body_field.name: body}
            for field, name in header_fields:  # e.g. Queue-Pass, validated as declared
                raw = request.headers.get(name)
                if raw is None:
                    if field.field_info.is_required():
                        raise _Fallback
                    values[field.name] = field.field_info.get_default(call_default_factory=True)
                    continue
                value, errors = field.validate(raw, {}, loc=("header", name))
                if errors:
                    raise _Fallback
                values[field.name] = value
            for name, resolve in plan.items():
                values[name] = await resolve(ctx, overrides)
        except _Fallback:
            return await generic(request)
        LeanRoute.served_lean += 1
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(ENDPOINT_THREADS, functools.partial(endpoint, **values))

    return handle


def _calls(dependant: Any) -> set[Callable]:
    """Every dependency callable under `dependant`, however deep."""
    found = set()
    for sub in dependant.dependencies:
        found.add(sub.call)
        found |= _calls(sub)
    return found


class LeanRoute(APIRoute):
    """An APIRoute that serves the common case of a hot route without the generic dependency
    solver (see the module's docstring); `served_lean` counts those answers, for tests."""

    served_lean = 0

    def get_route_handler(self) -> Handler:
        generic = super().get_route_handler()
        context = _effective_route_context_var.get()
        route = context if context is not None and context.original_route is self else self
        return lean_handler(route, generic) or generic
