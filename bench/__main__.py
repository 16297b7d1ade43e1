"""Benchmarks: `make bench` (or `python -m bench`).

Measures, on a throwaway database (PostgreSQL by DATABASE_URL, as in CI):
  * lifecycle throughput: decisions walked through every service call to `implementing`;
  * the decision list and the leader overview at a realistic catalogue size, by latency, query
    count and peak Python memory;
  * the public comment form: a stream of people (one address each) posting comments to one open
    consultation, and its page read while the comments pile up, by latency and query count.
Each figure has a target; the run exits non-zero if one is missed. Results go to
bench/results/latest.json. Targets live here, never in unit tests.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/decision_tracker_bench")

import argparse  # noqa: E402
import secrets  # noqa: E402

import django  # noqa: E402

ARGS = argparse.ArgumentParser(prog="python -m bench", description="City-scale benchmark, or --scale province.")
ARGS.add_argument("--scale", choices=("city", "province"), default="city")
ARGS.add_argument("--decisions", type=int, default=100_000, help="province: decisions to seed")
ARGS.add_argument("--governments", type=int, default=135, help="province: cities and counties")
ARGS.add_argument("--seconds", type=float, default=10.0, help="province: seconds per load")
ARGS.add_argument("--port", type=int, default=8765, help="province: gunicorn's port on loopback")
ARGS.add_argument("--workers", type=int, default=3, help="province: gunicorn's sync workers")
ARGS.add_argument(
    "--transitions", type=int, default=200, help="province: service transitions timed against raw transactions"
)
OPTIONS = ARGS.parse_args()
# The province run's server uses the production settings, which want a strong key of their own.
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(64))

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from bench.load import percentile  # noqa: E402

WALKED = int(os.environ.get("BENCH_WALKED", "40"))
CATALOGUE = int(os.environ.get("BENCH_CATALOGUE", "2000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))
COMMENTS = int(os.environ.get("BENCH_COMMENTS", "200"))

# Targets on the 2-core reference machine.
TARGETS = {
    "service_call_p95_ms": 60.0,
    "list_p95_ms": 300.0,
    "list_queries": 12,
    # At 2,000 decisions: 75 ms on a quiet machine, 173 ms with the other cores busy (load 3.5);
    # it was 4.4 s before the page was paged and its figures counted in SQL.
    "overview_p95_ms": 250.0,
    "overview_queries": 12,
    "list_peak_mib": 64.0,
    # The comment form: a post (checks, tracking number, insert, redirect) and the page read.
    "comment_post_p95_ms": 150.0,
    "comment_post_queries": 12,
    "consultation_page_p95_ms": 150.0,
}


def timed_pages(client, url: str) -> tuple[list[float], int, float]:
    client.get(url)  # warm caches and templates
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    queries = []
    with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)):
        client.get(url)
    tracemalloc.start()
    client.get(url)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return times, len(queries), peak / (1024 * 1024)


def clone_catalogue(template_ids: list[int], total: int) -> None:
    """Fill the catalogue to ``total`` decisions by copying walked ones (rows, steps, events)."""
    from decisions.models import Decision, DecisionEvent, ProcedureStep

    templates = list(Decision.objects.filter(pk__in=template_ids))
    existing = Decision.objects.count()
    year = 2020
    batch = []
    seq = 0
    while existing + len(batch) < total:
        source = templates[len(batch) % len(templates)]
        seq += 1
        clone = Decision(
            government_id=source.government_id,
            catalogue_year=year,
            sequence=seq,
            code=f"{year}-{seq:04d}",
            title=f"{source.title}（{seq}）",
            summary=source.summary,
            category=source.category,
            lead_sponsor_id=source.lead_sponsor_id,
            decision_body=source.decision_body,
            legal_basis=source.legal_basis,
            executing_unit_id=source.executing_unit_id,
            registered_by_id=source.registered_by_id,
        )
        clone.__dict__["state"] = source.state  # a copy of a real row, not a transition
        batch.append((source, clone))
    Decision.objects.bulk_create([c for _s, c in batch], batch_size=500)
    steps, events = [], []
    for source, clone in batch:
        for step in source.steps.all():
            copy = ProcedureStep(
                decision=clone,
                kind=step.kind,
                waiver_reason=step.waiver_reason,
                waiver_article=step.waiver_article,
                waiver_approved_by_id=step.waiver_approved_by_id,
            )
            copy.__dict__["state"] = step.state
            steps.append(copy)
        for event in source.events.all():
            events.append(
                DecisionEvent(
                    decision=clone,
                    actor_id=event.actor_id,
                    transition=event.transition,
                    step_kind=event.step_kind,
                    from_state=event.from_state,
                    to_state=event.to_state,
                    comment=event.comment,
                )
            )
    ProcedureStep.objects.bulk_create(steps, batch_size=1000)
    DecisionEvent.objects.bulk_create(events, batch_size=2000)


def province() -> int:
    """`make bench BENCH_ARGS="--scale province"`: 100,000 decisions served by gunicorn (bench/province.py).
    Its database is a throwaway named after DATABASE_URL's with the suffix ``_province``."""
    from bench import province as scale
    from config.celery import app

    setup_test_environment()
    app.conf.task_always_eager = False
    app.conf.broker_url = "memory://localhost/"
    connection.settings_dict.setdefault("TEST", {})["NAME"] = connection.settings_dict["NAME"] + "_province"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        results = scale.run(
            decisions=OPTIONS.decisions,
            governments=OPTIONS.governments,
            seconds=OPTIONS.seconds,
            port=OPTIONS.port,
            workers=OPTIONS.workers,
            transitions=OPTIONS.transitions,
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    scale.write_report(results, Path(__file__).resolve().parent.parent)
    errors = sum(row["errors"] + row["floor_errors"] for row in results["loads"])
    return 1 if errors or results["seed"]["integrity_problems"] else 0


def comment_form(org) -> dict:
    """``COMMENTS`` people post to one open consultation through the page's form, each from its own
    address (the per-address limit is not what is measured); the page is read every tenth post."""
    from django.test import Client
    from django.urls import reverse

    from tests.factories import open_consultation

    decision = open_consultation(org)
    url = reverse("public:consultation", args=[decision.pk])
    client = Client()
    client.get(url)  # warm caches and templates
    posts, pages = [], []
    for i in range(COMMENTS):
        address = f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}"
        body = {
            "article": "2" if i % 2 else "",
            "text": f"第{i}条意见：建议进一步明确适用范围。",
            "name": "",
            "contact": "",
        }
        start = time.perf_counter()
        response = client.post(url, body, REMOTE_ADDR=address)
        posts.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 302, response.status_code
        if i % 10 == 0:
            start = time.perf_counter()
            assert client.get(url).status_code == 200
            pages.append((time.perf_counter() - start) * 1000)
    queries: list[str] = []
    with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)):
        client.post(url, {"text": "最后一条意见。"}, REMOTE_ADDR="10.255.255.254")
    return {
        "comments": COMMENTS,
        "post_p50_ms": round(statistics.median(posts), 1),
        "post_p95_ms": round(percentile(posts, 0.95), 1),
        "post_queries": len(queries),
        "page_p95_ms": round(percentile(pages, 0.95), 1),
    }


def main() -> int:
    if OPTIONS.scale == "province":
        return province()
    from django.test import Client

    from config.celery import app
    from decisions import services
    from decisions.models import DecisionEvent, DecisionState
    from demo import builder as demo
    from tests.factories import make_org

    setup_test_environment()
    # Measure the services themselves: background work (letters, reminders) is queued, not run inline.
    app.conf.task_always_eager = False
    app.conf.broker_url = "memory://localhost/"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    results: dict = {"walked": WALKED, "catalogue": CATALOGUE, "repeat": REPEAT, "database": connection.vendor}
    try:
        org = make_org("基准市人民政府")
        before = DecisionEvent.objects.count()
        start = time.perf_counter()
        per_decision = []
        ids = []
        for i in range(WALKED):
            t0 = time.perf_counter()
            decision = services.decision_register(**org.decision_kwargs(title=f"基准决策事项{i}"))
            decision = demo.walk(decision, DecisionState.IMPLEMENTING, org)
            per_decision.append(time.perf_counter() - t0)
            ids.append(decision.pk)
        elapsed = time.perf_counter() - start
        calls = DecisionEvent.objects.count() - before
        per_call_ms = [1000 * t / (calls / WALKED) for t in per_decision]
        results["lifecycle"] = {
            "decisions": WALKED,
            "events": calls,
            "seconds": round(elapsed, 2),
            "service_call_mean_ms": round(1000 * elapsed / calls, 2),
            "service_call_p95_ms": round(percentile(per_call_ms, 0.95), 2),
        }
        clone_catalogue(ids, CATALOGUE)
        client = Client()
        client.force_login(org.leader)
        for name, url in (("list", "/"), ("overview", "/overview/")):
            times, queries, peak = timed_pages(client, url)
            results[name] = {
                "p50_ms": round(statistics.median(times), 1),
                "p95_ms": round(percentile(times, 0.95), 1),
                "queries": queries,
                "peak_mib": round(peak, 1),
            }
        results["comments"] = comment_form(org)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    checks = {
        "service_call_p95_ms": results["lifecycle"]["service_call_p95_ms"],
        "list_p95_ms": results["list"]["p95_ms"],
        "list_queries": results["list"]["queries"],
        "overview_p95_ms": results["overview"]["p95_ms"],
        "overview_queries": results["overview"]["queries"],
        "list_peak_mib": results["list"]["peak_mib"],
        "comment_post_p95_ms": results["comments"]["post_p95_ms"],
        "comment_post_queries": results["comments"]["post_queries"],
        "consultation_page_p95_ms": results["comments"]["page_p95_ms"],
    }
    results["targets"] = {k: {"value": v, "target": TARGETS[k], "met": v <= TARGETS[k]} for k, v in checks.items()}
    out = Path(__file__).resolve().parent / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"{'figure':<24}{'value':>12}{'target':>12}  met")
    for key, row in results["targets"].items():
        print(f"{key:<24}{row['value']:>12}{row['target']:>12}  {'yes' if row['met'] else 'NO'}")
    print(json.dumps({k: results[k] for k in ("lifecycle", "list", "overview", "comments")}, ensure_ascii=False))
    return 0 if all(r["met"] for r in results["targets"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
