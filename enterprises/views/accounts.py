"""accounts views (being written)."""
