import json

from tests.core.test_security import _manage

_PROBE = (
    "from django.test import Client; r = Client().get('/healthz');"
    " print(r.status_code, r.content.decode())"
)


def test_healthz_answers_200_without_login(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def _probe(**env) -> tuple[int, dict]:
    result = _manage(
        "shell", "--no-imports", "-c", _PROBE, env={"ALLOWED_HOSTS": "testserver", **env}
    )
    status, body = result.stdout.strip().split(" ", 1)
    return int(status), json.loads(body)


def test_healthz_answers_503_when_the_database_is_unreachable():
    status, body = _probe(DATABASE_URL="postgresql://postgres@127.0.0.1:1/none")
    assert (status, body) == (503, {"status": "unavailable"})


def test_healthz_answers_503_when_redis_is_unreachable():
    status, body = _probe(REDIS_URL="redis://127.0.0.1:1/0")
    assert (status, body) == (503, {"status": "unavailable"})
