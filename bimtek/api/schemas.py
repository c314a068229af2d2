"""What every API shape is built from: marshmallow schemas that both serialise and document.

A feature declares each JSON shape once, as a schema class in its ``schemas.py``; ``dump`` turns objects into
the JSON the API answers, and the OpenAPI document (bimtek.api.openapi) is generated from the same classes.
Datetimes are shown in the event's zone: ``dump(..., tz=event.timezone)`` sets it for every LocalMoment
field of the shape, nested ones included.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from zoneinfo import ZoneInfo

from marshmallow import INCLUDE, Schema, fields, validate
from marshmallow.experimental.context import Context

from bimtek.core.time import as_utc

__all__ = [
    "INCLUDE", "Context", "ApiSchema", "ErrorSchema", "LocalMoment", "UtcMoment", "IsoDate", "compile_dump", "dump",
    "fields", "page_of", "validate",
]  # fmt: skip


class ApiSchema(Schema):
    """Base of every API shape: the document says exactly which keys a response carries."""


class LocalMoment(fields.DateTime):
    """An aware moment shown at the venue (the zone given to ``dump``), ISO 8601 with its offset."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        tz = Context.get({}).get("tz")
        moment = as_utc(value)
        return (moment.astimezone(_zone(tz)) if tz else moment).isoformat()


class UtcMoment(fields.DateTime):
    """An aware moment shown in UTC, ISO 8601."""

    def _serialize(self, value, attr, obj, **kwargs):
        return as_utc(value).isoformat() if value is not None else None


class IsoDate(fields.Date):
    """A calendar day, YYYY-MM-DD (a date, or figures already in that form)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return value.isoformat() if value is not None and not isinstance(value, str) else value


_ZONES: dict[str, ZoneInfo] = {}


def _zone(name: str) -> ZoneInfo:
    zone = _ZONES.get(name)
    if zone is None:
        zone = _ZONES[name] = ZoneInfo(name)
    return zone


class ErrorSchema(ApiSchema):
    """Every 4xx answer: a stable code, a readable message, and the message per field."""

    class Meta:
        unknown = INCLUDE  # some refusals carry more (e.g. a check-in's first_checkin)

    error = fields.String(required=True)
    message = fields.String(required=True)
    fields_ = fields.Dict(keys=fields.String(), values=fields.String(), required=True, data_key="fields")


_PAGES: dict[type, type] = {}


def page_of(item: type[Schema]) -> type[Schema]:
    """The uniform list shape {items, total, total_exact, page, per_page} of `item` (one class per item schema)."""
    page = _PAGES.get(item)
    if page is None:
        name = item.__name__.removesuffix("Schema") + "PageSchema"
        page = _PAGES[item] = type(name, (ApiSchema,), {
            "items": fields.List(fields.Nested(item), required=True),
            "total": fields.Integer(required=True),
            "total_exact": fields.Boolean(required=True, metadata={
                "description": "false when a search stopped counting: total is a lower bound"}),
            "page": fields.Integer(required=True),
            "per_page": fields.Integer(required=True),
            "__doc__": f"A page of {item.__name__.removesuffix('Schema')}.",
        })  # fmt: skip
    return page


_INSTANCES: dict[tuple[type, bool], Schema] = {}


def _instance(schema: type[Schema], many: bool) -> Schema:
    inst = _INSTANCES.get((schema, many))
    if inst is None:
        inst = _INSTANCES[(schema, many)] = schema(many=many)
    return inst


def dump(schema: type[Schema], obj, *, many: bool = False, tz: str | None = None, **context):
    """`obj` (or a list of them with many=True) as the JSON of `schema`; LocalMoment fields in zone `tz`.
    Other keyword arguments are what the schema's Method fields read with ``Context.get()`` (e.g. now)."""
    if tz is None and not context:
        return _instance(schema, many).dump(obj)
    with Context({"tz": tz, **context}):
        return _instance(schema, many).dump(obj)


# Fields whose marshmallow serialisation of the values we store is the value itself.
_PLAIN = (fields.String, fields.Integer, fields.Boolean, fields.Raw)
_CONVERTING = (fields.Nested, fields.List, fields.Dict, fields.DateTime, fields.Date, fields.Float, fields.Decimal)


def compile_dump(schema: type[Schema]) -> Callable[[object], dict]:
    """A faster dump of `schema` for hot paths, derived from the schema's own fields (so there is still one
    definition): plain attributes are read with one attrgetter, Method fields call the schema's method and
    every other field is serialised by the field itself. Returns the same dict as ``dump(schema, obj)``."""
    inst = schema()
    plain_keys, plain_attrs, computed = [], [], []
    for name, field in inst.dump_fields.items():
        key = field.data_key or name
        if isinstance(field, fields.Method):
            computed.append((key, getattr(inst, field.serialize_method_name)))
        elif isinstance(field, fields.Function):
            computed.append((key, field.serialize_func))
        elif isinstance(field, _PLAIN) and not isinstance(field, _CONVERTING):
            plain_keys.append(key)
            plain_attrs.append(field.attribute or name)
        else:
            # The field's own conversion of the attribute (Field.serialize without its missing-value lookups).
            get = attrgetter(field.attribute or name)
            computed.append((key, lambda obj, f=field, n=name, get=get: f._serialize(get(obj), n, obj)))
    getter = attrgetter(*plain_attrs) if len(plain_attrs) > 1 else None
    single = plain_attrs[0] if len(plain_attrs) == 1 else None
    keys = tuple(plain_keys)

    def fast(obj) -> dict:
        if getter is not None:
            out = dict(zip(keys, getter(obj), strict=True))
        elif single is not None:
            out = {keys[0]: getattr(obj, single)}
        else:
            out = {}
        for key, fn in computed:
            out[key] = fn(obj)
        return out

    fast.__doc__ = f"{schema.__name__} as a dict (compiled from its fields)."
    return fast
