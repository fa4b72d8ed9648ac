"""The frozen application's entry point (PyInstaller): the same `main()` as the `jukiaudit` command, which also
starts the import's worker process (jukiaudit_desktop.launch)."""

from jukiaudit_desktop.launch import main

raise SystemExit(main())
