"""Documents: what a sheet says (models) apart from how reportlab draws it (renderers)."""
