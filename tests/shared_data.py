"""Where the tests' material lies: `tests/data/` in the repository (samples, seed, log generator).

The files are copies of the project's shared material (`shared/` beside a developer's checkout), so a
fresh clone with nothing beside it runs every test. The module name and its constants stay as they were
for the tests that read them.
"""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
SHARED = DATA  # the same layout as shared/: samples/, seed/, tools/
SAMPLES = DATA / "samples"
SEED = DATA / "seed" / "nagano-2026-01-council-materials.md"
GEN_OPLOG = DATA / "tools" / "gen_oplog.py"
