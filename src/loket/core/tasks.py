"""Job handlers of the core app (autodiscovered by the worker): operations alerts, and the
stored files a purge or an erasure could not delete at once."""

from loket.core import alerts, storage  # noqa: F401 - register `core.alert`, `core.delete_files`
