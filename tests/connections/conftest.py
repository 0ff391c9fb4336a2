import pytest

from tests.connections.flow import CALLBACK, Flow
from tests.sandbox_harness import DASHBOARD_CLIENT_ID


@pytest.fixture(scope="session")
def flow_sandbox(sandbox):
    """The session sandbox, which also accepts the test client's callback URL."""
    sandbox.register_redirect_uri(DASHBOARD_CLIENT_ID, CALLBACK)
    return sandbox


@pytest.fixture
def flow(flow_sandbox, kantata_sandbox, client) -> Flow:
    return Flow(client, flow_sandbox)
