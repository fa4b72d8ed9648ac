"""core.collector.collector_paused: the cycle collector is off inside, back on after (also after an error), and a
pause inside a pause leaves it to the outer one."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from jukiaudit_desktop.core.collector import collector_paused


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.enable()
    yield
    (gc.enable if enabled else gc.disable)()


def test_paused_inside_and_on_again_after_even_after_an_error() -> None:
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), collector_paused():
        raise ValueError
    assert gc.isenabled()


def test_a_pause_inside_a_pause_leaves_it_off_until_the_outer_ends() -> None:
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_left_off_when_it_was_off() -> None:
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()
