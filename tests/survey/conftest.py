# pytest_plugins may only be declared in the top-level conftest (owned by the lead); until
# it lists "tests.whatsapp_fixtures", importing the fixtures here makes them visible below.
from tests.whatsapp_fixtures import _fake_graph_server, fake_graph  # noqa: F401
