"""Job handlers of the core app (autodiscovered by the worker): operations alerts."""

from loket.core import alerts  # noqa: F401 - registers `core.alert`
