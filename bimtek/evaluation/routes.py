"""The evaluation blueprint and its views by audience: views_manage.py (organizers), views_public.py
(the participant's form); the API is api.py."""

from bimtek.evaluation import views_manage, views_public  # noqa: F401 (each registers its views on the blueprint)
from bimtek.evaluation.blueprint import bp

__all__ = ["bp"]
