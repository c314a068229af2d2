"""The registration blueprint, shared by the public, self-service and organizer view modules."""

from flask import Blueprint

bp = Blueprint("registration", __name__)
