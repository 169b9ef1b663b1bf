"""The application without a screen: what the UI drives but does not draw (no Textual here;
an import-linter contract keeps it so)."""
