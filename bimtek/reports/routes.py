"""The reports blueprint: every page is for organizers and admins (views_manage.py); the API is api.py."""

from bimtek.reports.views_manage import bp

__all__ = ["bp"]
