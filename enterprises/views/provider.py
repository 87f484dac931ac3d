"""provider views (being written)."""
