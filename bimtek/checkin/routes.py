"""The check-in blueprint: every page is for staff (views_manage.py); devices use api.py."""

from bimtek.checkin.views_manage import bp

__all__ = ["bp"]
