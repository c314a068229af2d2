"""Until create_app registers `bimtek.events.blueprint.bp` by name, it finds the blueprint here."""

from bimtek.events.blueprint import bp

__all__ = ["bp"]
