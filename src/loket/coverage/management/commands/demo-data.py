"""`loket demo-data` (the hyphenated name of the contract); the command is in demo_data.py."""

from loket.coverage.management.commands.demo_data import Command

__all__ = ["Command"]
