"""Settings come from the environment."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from loket.core.env import envbool, envlist


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("true", True), ("0", False), ("False", False)])
def test_booleans_accept_0_1_true_false(monkeypatch, raw, expected):
    monkeypatch.setenv("LOKET_X", raw)
    assert envbool("LOKET_X") is expected


def test_a_bad_boolean_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("LOKET_X", "maybe")
    with pytest.raises(ImproperlyConfigured, match="LOKET_X"):
        envbool("LOKET_X")


def test_lists_are_comma_separated(monkeypatch):
    monkeypatch.setenv("LOKET_HOSTS", " a.example , b.example,")
    assert envlist("LOKET_HOSTS", "") == ["a.example", "b.example"]


def test_time_zone_and_languages(settings):
    assert settings.TIME_ZONE == "Asia/Jakarta"
    assert settings.LANGUAGE_CODE == "id"
    assert [code for code, _ in settings.LANGUAGES] == ["id", "en"]
