"""The consumer's periodic work for reminders: every minute, send what is due (see reminders.sending)."""

from __future__ import annotations

from huey import crontab

from bimtek.jobs import _in_app, huey


@huey.periodic_task(crontab(minute="*"))
@_in_app
def send_reminders() -> int:
    """Every minute in the consumer (outside any request): send each due reminder once per participant."""
    from bimtek.reminders.sending import send_due

    return send_due()
