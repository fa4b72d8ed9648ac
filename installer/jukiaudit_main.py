"""The frozen application's entry point (PyInstaller): the same `main()` as the `jukiaudit` command."""

from jukiaudit_desktop.cli import main

raise SystemExit(main())
