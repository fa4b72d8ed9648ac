"""Where the project's shared material lies: `shared/` beside the checkout (samples, seed, log generator).

CI clones the repository into another folder with a copy of shared/ beside it, so the path is found relative
to this file, never hard-coded.
"""

from __future__ import annotations

from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"
SAMPLES = SHARED / "samples"
SEED = SHARED / "seed" / "nagano-2026-01-council-materials.md"
GEN_OPLOG = SHARED / "tools" / "gen_oplog.py"

if not SAMPLES.is_dir():
    raise RuntimeError(f"shared material not found at {SHARED}: the tests need shared/ beside the checkout")
