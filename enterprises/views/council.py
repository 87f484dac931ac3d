"""council views (being written)."""
