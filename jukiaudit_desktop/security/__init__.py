"""Keys, the tamper-evident trail, atomic file writes and sealed packages."""
