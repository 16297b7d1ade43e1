"""The province-scale catalogue for `make bench --scale province`: 100,000 decisions in minutes.

A handful of decisions are walked through the services (every state the pages show: from proposed
to implementing), in one template government; then ``clone`` copies them inside PostgreSQL, with
``INSERT … SELECT`` statements, into as many cities and counties as asked (each a government built
like the template, with its own departments and staff): the decisions with their co-sponsors, steps,
event logs, review rounds, meetings, publications and deadlines. Nothing leaves the database, so
100,000 decisions and their two million events take minutes and little memory.

The copies are made with ``session_replication_role = replica`` (a superuser's setting, so the
benchmark's database user must be one): the audit record's triggers (docs/security.md) would refuse
nothing an INSERT does, but they would chain every copied event, one row at a time. Replica mode
also skips the foreign-key triggers, so the copy maps every reference itself and ``integrity``
checks afterwards that none dangles. The copied events stand outside the audit chain (no place,
empty hashes), exactly as events inserted by hand: ``verify_audit`` names them; the walked
templates' chain stays whole. Only a throwaway benchmark database is ever seeded this way.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import connection, transaction

# The states the templates are walked to: one decision per state a page lists, the later states
# more than once since most of a ten-year catalogue is decided and implemented.
TEMPLATE_STATES = (
    "proposed",
    "preparing",
    "legality_review",
    "awaiting_decision",
    "decided",
    "published",
    "implementing",
    "implementing",
    "implementing",
    "withdrawn",
)
FIRST_YEAR = 2017
YEARS = 10


@dataclass
class Seeded:
    templates: list[int]
    governments: int
    decisions: int


def walk_templates(org, states: tuple[str, ...] = TEMPLATE_STATES) -> list[int]:
    """The template decisions, each walked through the real services to its state."""
    from decisions import services
    from demo import builder as demo

    ids = []
    for i, state in enumerate(states):
        decision = services.decision_register(
            **org.decision_kwargs(title=f"省级基准决策事项{i}", co_sponsors=[org.other_sponsor])
        )
        ids.append(demo.walk(decision, state, org).pk)
    return ids


def _columns(label: str) -> list[str]:
    return [field.column for field in apps.get_model(label)._meta.concrete_fields if not field.primary_key]


def _table(label: str) -> str:
    return apps.get_model(label)._meta.db_table


def _copy(cursor, label: str, join: str, **expressions: str) -> int:
    """INSERT … SELECT of every row of ``label``'s table reached by ``join`` (aliased ``src``), each
    column copied as it is unless ``expressions`` gives its new value in SQL."""
    columns = _columns(label)
    values = ", ".join(expressions.get(column, f"src.{column}") for column in columns)
    cursor.execute(
        f"INSERT INTO {_table(label)} ({', '.join(columns)}) SELECT {values} FROM {_table(label)} src {join}"
    )
    return cursor.rowcount


def clone(templates: list[int], governments: list[int], total: int) -> int:
    """Copies the ``templates`` (decision ids of one government) round-robin into ``governments``
    (each built like the template's: same departments, created in the same order) until they hold
    ``total`` decisions between them, spread over ten catalogue years. Returns the rows copied."""
    Decision = apps.get_model("decisions", "Decision")
    template_government = Decision.objects.filter(pk=templates[0]).values_list("government_id", flat=True).get()
    copied = 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        # Which department of each government stands for which of the template's (same rank).
        cursor.execute(
            """
            CREATE TEMP TABLE bench_department ON COMMIT DROP AS
            SELECT s.id AS src, d.id AS dst, d.government_id AS government
            FROM (SELECT id, row_number() OVER (ORDER BY id) AS rank FROM decisions_department
                  WHERE government_id = %s) s
            JOIN (SELECT id, government_id, row_number() OVER (PARTITION BY government_id ORDER BY id) AS rank
                  FROM decisions_department WHERE government_id = ANY(%s)) d ON d.rank = s.rank
            """,
            [template_government, governments],
        )
        # The plan: which template each new decision copies, in which government, year and place.
        cursor.execute(
            """
            CREATE TEMP TABLE bench_plan ON COMMIT DROP AS
            SELECT n, src, government, year,
                   1000 + row_number() OVER (PARTITION BY government, year ORDER BY n) AS sequence
            FROM (SELECT n, (%s::bigint[])[1 + n %% cardinality(%s::bigint[])] AS src,
                         (%s::bigint[])[1 + (n / cardinality(%s::bigint[])) %% cardinality(%s::bigint[])]
                             AS government,
                         %s + n %% %s AS year
                  FROM generate_series(0, %s - 1) AS n) p
            """,
            [templates, templates, governments, templates, governments, FIRST_YEAR, YEARS, total],
        )
        copied += _copy(
            cursor,
            "decisions.Decision",
            "JOIN bench_plan p ON p.src = src.id",
            government_id="p.government",
            catalogue_year="p.year",
            sequence="p.sequence",
            code="p.year || '-' || lpad(p.sequence::text, 5, '0')",
            lead_sponsor_id="(SELECT dst FROM bench_department WHERE src = src.lead_sponsor_id "
            "AND government = p.government)",
            executing_unit_id="(SELECT dst FROM bench_department WHERE src = src.executing_unit_id "
            "AND government = p.government)",
        )
        cursor.execute(
            """
            CREATE TEMP TABLE bench_decision ON COMMIT DROP AS
            SELECT p.src, d.id AS dst, p.government FROM bench_plan p
            JOIN decisions_decision d ON d.government_id = p.government
                AND d.code = p.year || '-' || lpad(p.sequence::text, 5, '0');
            CREATE INDEX ON bench_decision (src);
            ANALYZE bench_decision;
            """
        )
        cursor.execute(
            """
            INSERT INTO decisions_decision_co_sponsors (decision_id, department_id)
            SELECT m.dst, dep.dst FROM decisions_decision_co_sponsors src
            JOIN bench_decision m ON m.src = src.decision_id
            JOIN bench_department dep ON dep.src = src.department_id AND dep.government = m.government
            """
        )
        copied += cursor.rowcount
        joined = "JOIN bench_decision m ON m.src = src.decision_id"
        copied += _copy(cursor, "decisions.ProcedureStep", joined, decision_id="m.dst", waiver_request_id="NULL")
        copied += _copy(
            cursor,
            "decisions.DecisionEvent",
            joined,
            decision_id="m.dst",
            government_id="m.government",
            seq="NULL",
            prev_hash="''",
            hash="''",
        )
        copied += _copy(
            cursor,
            "reviews.LegalityReview",
            joined,
            decision_id="m.dst",
            revised_draft_id="NULL",
            document_number="CASE WHEN src.document_number = '' THEN '' ELSE src.document_number || '-' || m.dst END",
        )
        copied += _copy(cursor, "decisions.Meeting", joined, decision_id="m.dst")
        copied += _copy(cursor, "decisions.Publication", joined, decision_id="m.dst")
        copied += _copy(
            cursor,
            "deadlines.Deadline",
            joined,
            decision_id="m.dst",
            department_id="(SELECT dst FROM bench_department WHERE src = src.department_id "
            "AND government = m.government)",
            step_id="(SELECT s.id FROM decisions_procedurestep s JOIN decisions_procedurestep t "
            "ON t.kind = s.kind WHERE t.id = src.step_id AND s.decision_id = m.dst)",
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return copied


# The references the copy maps by hand (replica mode checks none of them): table, column, target.
REFERENCES = (
    ("decisions_decision", "government_id", "decisions_government"),
    ("decisions_decision", "lead_sponsor_id", "decisions_department"),
    ("decisions_decision", "executing_unit_id", "decisions_department"),
    ("decisions_decision_co_sponsors", "decision_id", "decisions_decision"),
    ("decisions_decision_co_sponsors", "department_id", "decisions_department"),
    ("decisions_procedurestep", "decision_id", "decisions_decision"),
    ("decisions_decisionevent", "decision_id", "decisions_decision"),
    ("reviews_legalityreview", "decision_id", "decisions_decision"),
    ("decisions_meeting", "decision_id", "decisions_decision"),
    ("decisions_publication", "decision_id", "decisions_decision"),
    ("decisions_deadline", "decision_id", "decisions_decision"),
    ("decisions_deadline", "department_id", "decisions_department"),
    ("decisions_deadline", "step_id", "decisions_procedurestep"),
)


def integrity() -> list[str]:
    """What the copy broke: a reference to no row, a sponsor of another government, or a decision
    without its three steps. Empty when the copy is sound."""
    problems = []
    with connection.cursor() as cursor:
        for table, column, target in REFERENCES:
            cursor.execute(
                f"SELECT count(*) FROM {table} t LEFT JOIN {target} r ON r.id = t.{column} "
                f"WHERE t.{column} IS NOT NULL AND r.id IS NULL"
            )
            if dangling := cursor.fetchone()[0]:
                problems.append(f"{table}.{column}: {dangling} dangling")
        cursor.execute(
            "SELECT count(*) FROM decisions_decision d JOIN decisions_department s ON s.id = d.lead_sponsor_id "
            "WHERE s.government_id <> d.government_id"
        )
        if foreign := cursor.fetchone()[0]:
            problems.append(f"{foreign} decisions led by another government's department")
        cursor.execute(
            "SELECT count(*) FROM decisions_decision d WHERE (SELECT count(*) FROM decisions_procedurestep s "
            "WHERE s.decision_id = d.id) <> 3"
        )
        if stepless := cursor.fetchone()[0]:
            problems.append(f"{stepless} decisions without their three steps")
    return problems


def seed(total: int, governments: int) -> tuple[Seeded, object]:
    """Walks the templates in a first government, builds the others like it, copies up to ``total``
    decisions. Returns what was seeded and the template government's people (for the load)."""
    from tests.factories import make_org

    template_org = make_org("省级基准市人民政府")
    templates = walk_templates(template_org)
    others = [make_org(f"基准{n:03d}县人民政府").government.pk for n in range(max(governments - 1, 1))]
    clone(templates, [template_org.government.pk, *others], max(total - len(templates), 0))
    Decision = apps.get_model("decisions", "Decision")
    return Seeded(templates, len(others) + 1, Decision.objects.count()), template_org


# --------------------------------------------------------------------------- the run


def province_leader(org, governments: list[int]):
    """The template government's leader made a leader of every government (the province's view:
    every decision of every city and county), as the memberships an administrator would enter."""
    from decisions.models import Department, Membership, Role

    offices = Department.objects.filter(government_id__in=governments, kind=Department.Kind.GOVERNMENT_OFFICE)
    Membership.objects.bulk_create(
        [Membership(user=org.leader, department=office, role=Role.LEADER) for office in offices],
        ignore_conflicts=True,
    )
    return org.leader


def _environment(database_url: str) -> dict[str, str]:
    """The production settings' environment for the server on loopback (no TLS there, so no HTTPS
    redirect or secure-only cookies; the API's rate limit out of the way of the load)."""
    import os

    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0"),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DT_API_RATE_TOKEN": "100000000/hour",
        "DT_API_RATE_USER": "100000000/hour",
    }


def _wait_for(host: str, port: int, seconds: float = 60) -> None:
    import http.client
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(host, port, timeout=5)
            connection.request("GET", "/bench/bare/")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("gunicorn did not answer")


def run(*, decisions: int, governments: int, seconds: float, port: int, workers: int) -> dict:
    """Seeds a throwaway database, serves it with gunicorn and the production settings, and loads
    every page and API call at 1 and 16 users, each beside the bare endpoints. Returns the figures."""
    import datetime as dt
    import os
    import platform
    import resource
    import subprocess
    import time

    from django.conf import settings
    from django.test import Client
    from django.utils import timezone

    from bench import load
    from decisions.api.tokens import api_token_issue
    from decisions.models import Decision

    results: dict = {
        "scale": "province",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        ).stdout.strip(),
        "gunicorn_workers": workers,
        "seconds_per_load": seconds,
    }
    start = time.perf_counter()
    seeded, org = seed(decisions, governments)
    results["seed"] = {
        "decisions": seeded.decisions,
        "governments": seeded.governments,
        "events": apps.get_model("decisions", "DecisionEvent").objects.count(),
        "seconds": round(time.perf_counter() - start, 1),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "integrity_problems": integrity(),
    }
    print(f"seeded: {results['seed']}", flush=True)
    government_ids = list(Decision.objects.order_by().values_list("government_id", flat=True).distinct())
    # The sessions are signed with the server's key (the production settings refuse the tests' key).
    settings.SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
    leader = province_leader(org, government_ids)
    sessions = {}
    for name, user in (("leader", leader), ("clerk", org.clerk), ("reviewer", org.reviewer)):
        client = Client()
        client.force_login(user)
        sessions[name] = {
            "Cookie": f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        }
    # A token's account acts for one department (decisions.api.tokens): the government office's,
    # which sees its government's decisions whole.
    _token, key = api_token_issue(
        user=org.secretary, department=org.government_office, name="基准测试", issued_by=org.secretary
    )
    api = {"Authorization": f"Token {key}", "Accept": "application/json"}
    sample = Decision.objects.filter(government=org.government).order_by("-id").values_list("pk", flat=True)[0]
    year = timezone.localdate().year
    endpoints = [
        ("decision list (leader, all governments)", "/", "leader"),
        ("decision list (department clerk)", "/", "clerk"),
        ("leader overview", "/overview/", "leader"),
        ("review queue", "/reviews/", "reviewer"),
        ("deadlines", "/deadlines/", "leader"),
        ("decision detail", f"/decisions/{sample}/", "leader"),
        ("annual figures", f"/reports/figures/?government={org.government.pk}&year={year}", "leader"),
        ("API decision list (50 rows)", "/api/v1/decisions/", "api"),
        ("API decision detail", f"/api/v1/decisions/{sample}/", "api"),
        ("API transitions list", f"/api/v1/decisions/{sample}/transitions/", "api"),
    ]
    results["in_process"] = _statements(
        endpoints, {"leader": leader, "clerk": org.clerk, "reviewer": org.reviewer}, api
    )
    database = connection.settings_dict
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    server = subprocess.Popen(
        [
            os.path.join(os.path.dirname(os.sys.executable), "gunicorn"),
            "-c",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        env=_environment(url),
    )
    if seconds <= 0:  # statements only
        server.terminate()
        server.wait(timeout=30)
        results["loads"] = []
        return results
    try:
        _wait_for("127.0.0.1", port)
        rows = []
        for label, path, who in endpoints:
            headers = api if who == "api" else sessions[who]
            for users in (1, 16):
                # The floor measured beside each endpoint, so a busy machine moves both alike.
                bare = load.run("127.0.0.1", port, "/bench/bare/", users=users, seconds=seconds / 2, headers={})
                select = load.run("127.0.0.1", port, "/bench/select/", users=users, seconds=seconds / 2, headers={})
                page = load.run("127.0.0.1", port, path, users=users, seconds=seconds, headers=headers)
                rows.append(
                    {
                        "endpoint": label,
                        **page.as_dict(),
                        "bare_per_second": round(bare.per_second, 1),
                        "select_per_second": round(select.per_second, 1),
                        "ratio_to_select": round(page.per_second / select.per_second, 3) if select.per_second else None,
                        "select_to_bare": round(select.per_second / bare.per_second, 3) if bare.per_second else None,
                        "load_average": round(os.getloadavg()[0], 2),
                        "floor_errors": bare.errors + select.errors,
                    }
                )
                print(
                    f"{label:<42}{users:>3} users {page.per_second:>8.1f}/s p95 {page.p95_ms:>8.1f} ms "
                    f"errors {page.errors} (select {select.per_second:.0f}/s)",
                    flush=True,
                )
        results["loads"] = rows
    finally:
        server.terminate()
        server.wait(timeout=30)
    return results


def _statements(endpoints, users: dict, api: dict) -> list[dict]:
    """Each endpoint once in this process: its SQL statements and its time alone (the second call,
    after a warm-up), to compare runs statement by statement."""
    import time

    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    clients = {}
    for name, user in users.items():
        clients[name] = Client()
        clients[name].force_login(user)
    rows = []
    for label, path, who in endpoints:
        if who == "api":
            client, extra = Client(), {"HTTP_AUTHORIZATION": api["Authorization"]}
        else:
            client, extra = clients[who], {}
        client.get(path, **extra)
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(path, **extra)
            elapsed = (time.perf_counter() - start) * 1000
        slowest = max(queries.captured_queries, key=lambda query: float(query["time"]))
        rows.append(
            {
                "endpoint": label,
                "status": response.status_code,
                "statements": len(queries),
                "ms": round(elapsed, 1),
                "slowest_ms": round(float(slowest["time"]) * 1000, 1),
                "slowest_sql": slowest["sql"][:300],
            }
        )
        print(
            f"{label:<42} {response.status_code} {len(queries):>5} statements {elapsed:>9.1f} ms, "
            f"slowest {float(slowest['time']) * 1000:.1f} ms: {slowest['sql'][:150]}",
            flush=True,
        )
    return rows


def write_report(results: dict, directory) -> None:
    """BENCHMARKS.md in ``directory`` (the repository's root) and BENCHMARKS.json beside it."""
    import json

    (directory / "BENCHMARKS.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    seed_row = results["seed"]
    lines = [
        "# Province-scale benchmark",
        "",
        f"Run {results['date']} at commit {results['commit']} on {results['machine']['cpus']} CPUs "
        f"({results['machine']['platform']}), gunicorn with {results['gunicorn_workers']} sync workers and the "
        f"production settings on loopback; {results['seconds_per_load']} s per load. Figures: BENCHMARKS.json.",
        "",
        f"Seeded {seed_row['decisions']:,} decisions in {seed_row['governments']} governments, "
        f"{seed_row['events']:,} events, in {seed_row['seconds']} s (peak RSS {seed_row['peak_rss_mib']} MiB); "
        f"integrity problems: {seed_row['integrity_problems'] or 'none'}."
        + (
            ""
            if seed_row["decisions"] >= 100_000
            else " A smaller run than the province's 100,000: it checks the benchmark, not the targets."
        ),
        "",
        "| endpoint | users | req/s | p50 ms | p95 ms | errors | `SELECT 1` req/s | ratio to `SELECT 1` | `SELECT 1` / bare | load |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in results["loads"]:
        lines.append(
            f"| {row['endpoint']} | {row['users']} | {row['per_second']} | {row['p50_ms']} | {row['p95_ms']} | "
            f"{row['errors']} | {row['select_per_second']} | {row['ratio_to_select']} | {row['select_to_bare']} | "
            f"{row['load_average']} |"
        )
    lines += [
        "",
        "Each endpoint once in the benchmark's own process (test settings), after a warm-up:",
        "",
        "| endpoint | status | SQL statements | ms | slowest statement ms |",
        "|---|---|---|---|---|",
        *(
            f"| {row['endpoint']} | {row['status']} | {row['statements']} | {row['ms']} | {row['slowest_ms']} |"
            for row in results.get("in_process", [])
        ),
    ]
    (directory / "BENCHMARKS.md").write_text("\n".join(lines) + "\n")
