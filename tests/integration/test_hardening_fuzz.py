"""Property test: arbitrary JSON (deep, huge numbers, unpaired surrogates, wrong types) thrown at every
operation of the OpenAPI document, and hostile ids and page numbers at the staff pages, never gives a 5xx.

BIMTEK_FUZZ_EXAMPLES sets the generated inputs per route (default 15); the run prints, per route, how many
inputs were tried and how long it took (`pytest -s` shows it).
"""

from __future__ import annotations

import json
import os
import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import bearer, login, make_event, make_registration, make_user, token_for

EXAMPLES = int(os.environ.get("BIMTEK_FUZZ_EXAMPLES", "15"))
HUGE = [2**31, 2**53 + 1, 2**63 - 1, 2**63, 2**70, -(2**63) - 1, 10**30]
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)

surrogates = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
text = st.text(st.characters() | surrogates, max_size=20) | st.sampled_from(["", "\ud800", "a\x00b", "x" * 400])
numbers = st.integers() | st.sampled_from(HUGE) | st.floats(allow_nan=False) | st.sampled_from([1e308, -0.0, 1.5])
scalars = st.none() | st.booleans() | numbers | text
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4), max_leaves=12
)


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels


def _properties(schema: dict, doc: dict, seen=()) -> set[str]:
    """Every property name a request schema mentions (following $ref), to aim values at real fields."""
    if not isinstance(schema, dict):
        return set()
    ref = schema.get("$ref")
    if ref and ref not in seen:
        return _properties(doc["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {}), doc, (*seen, ref))
    names = set(schema.get("properties", {}))
    for sub in (*schema.get("properties", {}).values(), schema.get("items"), *schema.get("allOf", [])):
        names |= _properties(sub, doc, seen)
    return names


def bodies(fields: list[str]):
    """Whole request bodies: objects aimed at the real fields, other JSON, deep nesting, broken text."""
    keys = st.sampled_from(fields) | text if fields else text
    aimed = st.dictionaries(keys, json_values, max_size=8)
    raw = st.sampled_from(
        [
            deep(100_000),
            deep(40),
            '{"a": "\\ud800"}',
            '{"event_id": 1e999}',
            "[NaN]",
            "{",
            "\xff\xfe",
            '"x"',
            "9" * 5000,
        ]
    )
    return aimed.map(json.dumps) | json_values.map(json.dumps) | raw


hostile_ids = st.sampled_from(["0", *(str(abs(n)) for n in HUGE), "9" * 40])
queries = st.dictionaries(
    st.sampled_from(["page", "per_page", "id", "q", "status", "session_id", "since", "mode"]),
    st.sampled_from(["1", "2", "0", "-1", "abc", "1e9", ""])
    | st.text(max_size=10)
    | st.sampled_from(["99999999999999999999", "9" * 5000]),
    max_size=3,
)


def path_values(names: list[str], real: dict[str, str]):
    """Mostly the ids of real rows (so the body reaches the view), sometimes hostile ones."""
    return st.fixed_dictionaries({n: st.sampled_from([real.get(n, "1")] * 4) | hostile_ids for n in names})


@pytest.fixture
def world(app):
    admin = make_user("admin")
    event = make_event(admin)
    reg = make_registration(event)
    real = {"event_id": str(event.id), "registration_id": str(reg.id), "session_id": str(event.sessions[0].id)}
    return {"admin": admin, "event": event, "headers": bearer(token_for(admin)), "real": real}


def _fill(path: str, values: dict) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), "1"), path)


def fuzz_operation(client, headers: dict, real: dict, path: str, method: str, fields: list[str]) -> int:
    """Throw generated bodies, ids and query strings at one API operation; returns how many."""
    tried = []

    @SETTINGS
    @given(body=bodies(fields), ids=path_values(re.findall(r"\{(\w+)\}", path), real), query=queries)
    def check(body, ids, query):
        tried.append(1)
        url = "/api/v1" + _fill(path, ids)
        resp = client.open(
            url, method=method, data=body, query_string=query, content_type="application/json", headers=headers
        )
        assert resp.status_code < 500, (method, url, body[:200], resp.status_code, resp.data[:300])
        if resp.status_code >= 400:
            assert {"error", "message"} <= set(resp.get_json()), resp.data[:200]

    check()
    return len(tried)


def test_no_json_crashes_any_api_route(app, world):
    client = app.test_client()
    doc = client.get("/api/v1/openapi.json").get_json()
    report = []
    started = time.perf_counter()
    for path, operations in sorted(doc["paths"].items()):
        for method, spec in operations.items():
            schema = (spec.get("requestBody") or {}).get("content", {}).get("application/json", {}).get("schema", {})
            fields = sorted(_properties(schema, doc))
            t0 = time.perf_counter()
            n = fuzz_operation(client, world["headers"], world["real"], path, method.upper(), fields)
            report.append((f"{method.upper()} {path}", n, time.perf_counter() - t0))
    total = time.perf_counter() - started
    print(f"\nfuzz: {len(report)} API operations, {sum(n for _, n, _ in report)} inputs, {total:.1f} s")
    for name, n, secs in report:
        print(f"  {n:4d} inputs {secs:6.2f} s  {name}")
    assert len(report) >= 40 and all(n >= min(EXAMPLES, 10) for _, n, _ in report)


STAFF_PAGES = [
    "/manage/events",
    "/manage/events/{event_id}",
    "/manage/events/{event_id}/registrations",
    "/manage/registrations/{registration_id}",
    "/manage/events/{event_id}/badges.pdf",
    "/manage/events/{event_id}/certificates",
    "/manage/events/{event_id}/eligibility",
]


def fuzz_page(client, real: dict, page: str) -> int:
    """Throw hostile ids and query strings at one staff page; returns how many."""
    tried = []

    @SETTINGS
    @given(ids=path_values(re.findall(r"\{(\w+)\}", page), real), query=queries)
    def check(ids, query):
        tried.append(1)
        resp = client.get(_fill(page, ids), query_string=query)
        assert resp.status_code < 500, (page, ids, query, resp.status_code)

    check()
    return len(tried)


def test_no_hostile_id_or_page_crashes_staff_pages(app, world):
    client = login(app.test_client(), world["admin"])
    known = {r.rule.replace("<int:", "{").replace(">", "}") for r in app.url_map.iter_rules()}
    pages = [p for p in STAFF_PAGES if p in known]
    assert len(pages) >= 5, known
    started = time.perf_counter()
    inputs = sum(fuzz_page(client, world["real"], page) for page in pages)
    print(f"\nfuzz: {len(pages)} staff pages, {inputs} inputs, {time.perf_counter() - started:.1f} s")
