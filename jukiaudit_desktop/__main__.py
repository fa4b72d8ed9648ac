"""`python -m jukiaudit_desktop` runs the same entry point as `jukiaudit`."""

from .cli import main

raise SystemExit(main())
