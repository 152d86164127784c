from tests.console.fixtures import console_settings  # noqa: F401

# The fake Graph API, for console tests fed through the real webhook (inbox, end to end).
from tests.whatsapp_fixtures import _fake_graph_server, fake_graph  # noqa: E402, F401
