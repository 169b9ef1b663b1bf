"""The application without a screen: what the UI drives but does not draw, and the
services that run beside it (no Textual here; an import-linter contract keeps it so):
the shift-record writer (`recorder`) and the Prometheus metrics endpoint (`metrics`)."""
