"""Evaluation feature."""
