import pytest

from tests.connections.flow import CALLBACK, Flow
from tests.connections.token_endpoint import TokenEndpoint, serve
from tests.sandbox_harness import DASHBOARD_CLIENT_ID


@pytest.fixture(scope="session")
def flow_sandbox(sandbox):
    """The session sandbox, which also accepts the test client's callback URL."""
    sandbox.register_redirect_uri(DASHBOARD_CLIENT_ID, CALLBACK)
    return sandbox


@pytest.fixture
def flow(flow_sandbox, kantata_sandbox, client) -> Flow:
    return Flow(client, flow_sandbox)


@pytest.fixture
def token_endpoint(settings):
    """`token_endpoint(sandbox)`: from now on the dashboard reaches `sandbox`'s
    authorization server through a recording stand-in (tests/connections/token_endpoint.py)."""
    servers = []

    def make(sandbox) -> TokenEndpoint:
        recorder = TokenEndpoint(sandbox.oauth_url)
        servers.append(serve(recorder))
        settings.KANTATA_OAUTH_URL = recorder.url
        return recorder

    yield make
    for server in servers:
        server.shutdown()
        server.server_close()
