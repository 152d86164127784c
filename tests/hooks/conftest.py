from tests.console.fixtures import console_settings  # noqa: F401
