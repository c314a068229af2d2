"""Bahan tayang: speakers' files per session, released to participants by the organizer's rule."""
