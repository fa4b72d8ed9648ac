"""The 3-year audit cycle: periods, the rules every plan must keep, the plan generator and the coverage matrix."""
