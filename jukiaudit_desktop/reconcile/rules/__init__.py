"""The reconciliation rules, one module per group of discrepancy kinds; each returns Discrepancy objects."""
