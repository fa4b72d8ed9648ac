"""JukiAudit Desktop: offline audit workbench for the use of 住基ネット."""

import os

__version__ = "0.1.0"
APP_NAME = "JukiAudit Desktop"

# numpy's OpenBLAS starts a thread per core when numpy is imported, and each spins a while (about 0.07 s of CPU a
# process, on the cores a command's own threads need); nothing here multiplies matrices. Set before any numpy
# import; a value given by the user is kept.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
