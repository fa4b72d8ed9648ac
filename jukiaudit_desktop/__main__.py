"""`python -m jukiaudit_desktop` runs the same entry point as `jukiaudit` (and starts import workers: launch)."""

from .launch import main

raise SystemExit(main())
