"""Reference data that does not change with events: Indonesian regions (Kemendagri codes)."""
