# The fake Graph API (tests/whatsapp_fixtures.py), for messages fed through the real webhook.
from tests.whatsapp_fixtures import _fake_graph_server, fake_graph  # noqa: F401
