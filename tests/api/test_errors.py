"""One error shape everywhere: unknown routes, wrong methods, broken JSON, a database that
refuses connections — never a bare 500 or an HTML page."""

from __future__ import annotations

from fastapi.testclient import TestClient
from starlette.responses import PlainTextResponse
from starlette.routing import Mount

from tests.api.factories import Account
from ticketapp.api import app
from ticketapp.api.deps import get_db
from ticketapp.db import make_engine


def test_unknown_api_path_is_a_json_404(client: TestClient) -> None:
    r = client.get("/api/v1/tickets/search")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"


def test_wrong_method_is_405_with_allow_header(client: TestClient) -> None:
    r = client.put("/api/v1/holds")
    assert r.status_code == 405
    assert r.headers["Allow"] == "POST"
    assert r.json()["error"]["code"] == "method_not_allowed"


def test_body_that_is_not_json_is_422(client: TestClient, customer: Account) -> None:
    r = client.post(
        "/api/v1/holds",
        content=b"\xff{not json",
        headers={**customer.headers, "Content-Type": "application/json"},
    )
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "invalid_request"


def test_validation_errors_name_the_field_and_list_details(client: TestClient) -> None:
    r = client.post("/api/v1/auth/login", json={"email": "a@example.com", "password": 5})
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["message"].startswith("password:")
    assert error["details"][0]["loc"] == ["body", "password"]


def test_database_refusing_connections_is_503_with_retry_after(
    client: TestClient, customer: Account
) -> None:
    unreachable = make_engine("postgresql+psycopg://postgres@127.0.0.1:1/nowhere")
    app.dependency_overrides[get_db] = lambda: unreachable
    try:
        r = client.get("/api/v1/auth/me", headers=customer.headers)
    finally:
        unreachable.dispose()
    assert r.status_code == 503
    assert r.headers["Retry-After"] == "1"
    assert r.json()["error"]["code"] == "temporarily_unavailable"


def test_docs_and_schema_are_served_under_api(client: TestClient) -> None:
    assert client.get("/api/docs").status_code == 200
    schema = client.get("/api/openapi.json").json()
    assert "/api/v1/holds" in schema["paths"]
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"


def test_with_reflex_mounted_api_paths_stay_ours_and_the_rest_falls_through(
    client: TestClient,
) -> None:
    """`rx.App(api_transformer=app)` mounts Reflex at "" inside our app, after our routes."""

    async def reflex_stand_in(scope: dict, receive: object, send: object) -> None:
        await PlainTextResponse("reflex")(scope, receive, send)

    app.router.routes.append(Mount("", app=reflex_stand_in))
    try:
        assert client.get("/some/page").text == "reflex"
        assert client.get("/api/v1/nothing").json()["error"]["code"] == "not_found"
        r = client.put("/api/v1/holds")
        assert r.status_code == 405
        assert r.headers["Allow"] == "POST"
    finally:
        app.router.routes.pop()
