"""The feature's blueprint, as create_app looks for it."""

from bimtek.organizers.views_manage import bp

__all__ = ["bp"]
