"""Background work of attendance: confirming a big Zoom report without holding a web request."""

from __future__ import annotations

from bimtek.jobs import job_task


@job_task("zoom_import")
def confirm_zoom_import(job) -> None:
    """Store a previewed import's attendance (confirming twice changes nothing; the import stays a preview
    until this commits)."""
    from bimtek.accounts.models import User
    from bimtek.attendance import services
    from bimtek.attendance.models import ZoomImport
    from bimtek.extensions import db

    imp = db.session.get(ZoomImport, (job.params or {}).get("import_id"))
    if imp is None:
        raise LookupError("Impor Zoom tidak ditemukan (sudah dihapus?).")
    user = db.session.get(User, job.created_by_id) if job.created_by_id else None
    services.confirm_import(imp, user=user)
    job.done = job.total
