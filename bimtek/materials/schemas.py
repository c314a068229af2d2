"""The JSON shape of a material in the API, declared once: it serialises and documents (OpenAPI)."""

from __future__ import annotations

from bimtek.api.schemas import ApiSchema, Context, UtcMoment, fields, validate
from bimtek.materials.services import is_released


class MaterialSchema(ApiSchema):
    """A material with its release rule, whether it is released now, and its download count."""

    id = fields.Integer(dump_only=True)
    title = fields.String(required=True)
    kind = fields.String(dump_only=True, validate=validate.OneOf(["file", "link"]))
    session_id = fields.Integer(allow_none=True)
    release = fields.String(validate=validate.OneOf(["now", "after_session", "never"]))
    public = fields.Boolean()
    released = fields.Method("_released", dump_only=True, metadata={"type": "boolean"})
    size = fields.Integer(dump_only=True)
    filename = fields.Method("_filename", dump_only=True, metadata={"type": "string", "nullable": True})
    url = fields.Method("_url", metadata={"type": "string", "nullable": True})
    download_count = fields.Integer(dump_only=True)
    created_at = UtcMoment(dump_only=True)

    def _released(self, m) -> bool:
        ctx = Context.get()
        return is_released(m, ctx["event"], ctx["now"])

    def _filename(self, m) -> str | None:
        return m.original_name or None

    def _url(self, m) -> str | None:
        return m.url or None


class MaterialListSchema(ApiSchema):
    items = fields.List(fields.Nested(MaterialSchema))
