"""Importing the application sets numpy's OpenBLAS to one thread: by default it starts a thread per core when numpy
is imported, each spinning a while (CPU every command pays, on the cores its own threads need); nothing here
multiplies matrices. A value given by the user is kept."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

CHILD = "import jukiaudit_desktop, numpy, os; print(len(os.listdir('/proc/self/task')), os.environ['OPENBLAS_NUM_THREADS'])"


def threads_after_import(env: dict[str, str]) -> list[str]:
    done = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, check=True, timeout=120,
                          env=env)
    return done.stdout.split()


@pytest.mark.skipif(not os.path.isdir("/proc/self/task") or (os.cpu_count() or 1) < 2,
                    reason="counts the process's threads in /proc; OpenBLAS starts none on one core")
def test_numpy_starts_no_blas_threads() -> None:
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    assert threads_after_import(env) == ["1", "1"]


def test_a_value_the_user_gives_is_kept() -> None:
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "2"}
    assert threads_after_import(env)[1] == "2"
