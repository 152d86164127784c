"""The `loket` console command: Django's manage.py for this project.

Our own sub-commands (parse, serve, worker, demo, calendar, coverage, ...) are ordinary
Django management commands living in the app that owns them.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loket.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["loket", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
