"""Services that run beside the dashboard, outside the UI (no Textual here): the
Prometheus metrics endpoint (`metrics`)."""
