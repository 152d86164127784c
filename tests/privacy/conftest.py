from tests.console.fixtures import console_settings  # noqa: F401
from tests.whatsapp_fixtures import _fake_graph_server, fake_graph  # noqa: F401
