#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ditep.settings")
    if not os.environ.get("DATABASE_URL"):
        # No server configured: the same embedded PostgreSQL as `uv run ditep manage` (data in var/).
        from ditep.cli import manage

        sys.exit(manage(sys.argv[1:]))
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
