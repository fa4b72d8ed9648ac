"""The scrypt cost tests derive keys at. A passphrase test is about what a passphrase opens, refuses or
changes, not about what one guess costs: each derivation at the product's cost (N = 2**17, 128 MiB) takes
0.3-0.5 s, and the suite makes over a hundred of them. So every test in this process derives at CHEAP_N
(conftest's autouse `cheap_scrypt`); the product's cost is checked where it is the promise:
test_security_passphrase_policy.py::test_scrypt_cost_is_not_lowered (`@pytest.mark.real_scrypt`), and the
child processes that start the real CLI or GUI with a passphrase (test_security_no_network.py) derive at it.
"""

from __future__ import annotations

CHEAP_N = 2**10
