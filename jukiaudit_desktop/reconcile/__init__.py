"""The reconciliation engine: operation log against 業務端末使用管理簿, plus the log-only checks."""
