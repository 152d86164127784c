from django.conf import settings

# pytest-django imports the settings before tests/conftest.py sets LOKET_SECRET_KEY;
# sessions and messages in the page tests sign cookies.
if settings.configured and not vars(settings._wrapped).get("SECRET_KEY"):
    settings.SECRET_KEY = "test-secret-key-not-for-production"
