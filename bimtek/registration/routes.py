"""Registration pages: the public form, the participant's private manage link, and the organizer's list.

Split by audience: public.py (form, region lookup), selfservice.py (/r/<token>), organizer.py (the list,
one participant, actions) and organizer_tools.py (export, import, bulk email, extra questions).
"""

from bimtek.registration import organizer, organizer_tools, public, selfservice  # noqa: F401 (registers the views)
from bimtek.registration.blueprint import bp

__all__ = ["bp"]
