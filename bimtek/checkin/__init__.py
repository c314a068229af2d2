"""Checkin feature."""
