"""JSON API v1: bearer tokens, uniform errors and lists, and the OpenAPI document."""

from bimtek.api.base import api_bp

__all__ = ["api_bp"]
