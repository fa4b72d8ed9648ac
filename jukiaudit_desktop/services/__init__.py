"""Use cases the GUI and the CLI both call. No Qt."""
