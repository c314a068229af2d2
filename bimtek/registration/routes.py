"""Until create_app registers `bimtek.registration.blueprint.bp` by name, it finds the blueprint here."""

from bimtek.registration.blueprint import bp

__all__ = ["bp"]
