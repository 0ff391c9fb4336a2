"""The pooled sessions carry connections, never state: a cookie an upstream sets for one
member's call never goes out on another member's (issue 14, defect 2)."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kantata_admin.kantata import KantataClient


class CookieSettingUpstream(BaseHTTPRequestHandler):
    """Answers every call with an envelope and a Set-Cookie; remembers the Cookie header
    each call arrived with."""

    seen: list[tuple[str, str]] = []

    def do_GET(self) -> None:
        self.seen.append((self.headers.get("Authorization", ""), self.headers.get("Cookie", "")))
        body = (
            b'{"count":1,"results":[{"key":"users","id":"1"}],'
            b'"users":{"1":{"id":"1","full_name":"A","email_address":"a@x.test"}},'
            b'"meta":{"count":1,"page_count":1,"page_number":1,"page_size":20}}'
        )
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Set-Cookie", "upstream_session=member-a-secret; Path=/")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def upstream():
    server = ThreadingHTTPServer(("127.0.0.1", 0), CookieSettingUpstream)
    CookieSettingUpstream.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/v1", CookieSettingUpstream.seen
    server.shutdown()
    server.server_close()


def test_a_cookie_set_for_one_member_is_not_sent_for_another(upstream):
    base_url, seen = upstream
    member_a = KantataClient("token-of-member-a", base_url=base_url)
    member_b = KantataClient("token-of-member-b", base_url=base_url)

    member_a.users.me()  # upstream answers with Set-Cookie
    member_b.users.me()
    member_a.users.me()

    assert [auth for auth, _ in seen] == [
        "Bearer token-of-member-a",
        "Bearer token-of-member-b",
        "Bearer token-of-member-a",
    ]
    assert [cookie for _, cookie in seen] == ["", "", ""]
