pytest_plugins = ["tests.whatsapp_fixtures"]
