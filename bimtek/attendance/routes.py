"""The attendance blueprint and the view modules that register on it, by audience.

Participants: views_public.py (presensi). Organizers: views_manage.py (Zoom reports, webhook),
views_manage_review.py (the review queue by Zoom identity), views_manage_presensi.py (presensi windows),
views_manage_verdicts.py (rule, verdicts, matrix).
Devices and integrations: api.py.
"""

from bimtek.attendance import (  # noqa: F401 (each module registers its views on the blueprint)
    views_manage,
    views_manage_presensi,
    views_manage_review,
    views_manage_verdicts,
    views_public,
    zoom_date_pages,
)
from bimtek.attendance.blueprint import bp

__all__ = ["bp"]
