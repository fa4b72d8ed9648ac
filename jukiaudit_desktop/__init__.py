"""JukiAudit Desktop: offline audit workbench for the use of 住基ネット."""

__version__ = "0.1.0"
APP_NAME = "JukiAudit Desktop"
