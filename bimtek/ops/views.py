"""Operator endpoints: GET /healthz for the load balancer and the operator (JSON, no login)."""

from __future__ import annotations

from flask import Blueprint, jsonify

from bimtek.extensions import limiter
from bimtek.ops import health

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """Database, Redis, queue depth, oldest waiting job, instance disk; 503 when the database is down."""
    body, status = health.report()
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response
