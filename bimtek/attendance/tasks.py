"""Background work of attendance: confirming a big Zoom report without holding a web request."""

from __future__ import annotations

from bimtek.jobs import finish_job, task


@task()
def confirm_zoom_import(job_id: int, import_id: int, user_id: int | None) -> None:
    """Store a previewed import's attendance and record the outcome on its job."""
    from bimtek.accounts.models import User
    from bimtek.attendance import services
    from bimtek.attendance.models import ZoomImport
    from bimtek.core.models import Job
    from bimtek.extensions import db

    job = db.session.get(Job, job_id)
    imp = db.session.get(ZoomImport, import_id)
    if job is None or imp is None:
        return
    job.status = "running"
    db.session.commit()
    try:
        user = db.session.get(User, user_id) if user_id else None
        services.confirm_import(imp, user=user)
        job.done = job.total
        finish_job(job)
        db.session.commit()
    except Exception as exc:  # the job record must say what happened; the import stays a preview
        db.session.rollback()
        job = db.session.get(Job, job_id)
        finish_job(job, error=str(exc)[:500])
        db.session.commit()
        raise
