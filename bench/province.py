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

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.apps import apps
from django.db import connection, reset_queries, transaction
from django.test.utils import CaptureQueriesContext

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
        # The overview's gate records, which the triggers write for every other road (migration
        # reporting/0002), written for the copies in one statement.
        cursor.execute("SELECT reporting_gates_rebuild()")
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
    assign_clocks()
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


def run(*, decisions: int, governments: int, seconds: float, port: int, workers: int, transitions: int) -> dict:
    """Seeds a throwaway database, measures issue 14's ratios in this process (``ratios``, with
    ``transitions`` service transitions), serves it with gunicorn and the production settings, and
    loads every page and API call at 1 and 16 users, each beside the bare endpoints. Returns the figures."""
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
    results["ratios"] = ratios(org, leader, transitions=transitions)
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


# --------------------------------------------------------------------------- the ratios

# Issue 14's targets that set the application beside the database doing the same work, measured in
# this process on the seeded database (``ratios``): the lower bound of the first, the upper of the rest.
RATIO_TARGETS = {
    "transitions": 0.25,  # service transitions per second ÷ raw UPDATE + event INSERT transactions per second
    "reminder_scan": 3.0,  # the scan's time ÷ the raw INSERT … SELECT's
    "figures_seconds": 1.0,  # the annual figures of a year
    "figures_to_count": 50.0,  # the annual figures' time ÷ one COUNT(*) over the year
}
TRANSITIONS = 200
# The anchor of the open clocks the seed assigns (``assign_clocks``).
BENCH_ANCHOR = "bench:assigned"
SUSPENSION_REASON = "基准测试：暂停执行。"


@contextmanager
def _captured() -> Iterator[CaptureQueriesContext]:
    """CaptureQueriesContext on an emptied log: the connection keeps only its last ``queries_limit``
    (9,000) statements, so a count that reaches it would come out short, and is refused."""
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        yield queries
    if len(queries) >= connection.queries_limit:
        raise RuntimeError(f"more than {connection.queries_limit} statements: the count would be short")


def transition_ratio(government, count: int = TRANSITIONS) -> dict:
    """``count`` transitions through the services against as many raw transactions doing the same
    moves: each a single-row UPDATE of the decision's state and one INSERT into the event log, each
    committed on its own.

    The moves are Art 37's suspension and resumption by the government's head (``Government.head``),
    the one pair of transitions that goes back and forth: the government's implementing decisions
    (except its newest, the loads' sample) are suspended, then resumed, as many rounds as ``count``
    asks, so every state is as it was after each run. Their events stay: the log is append-only (its
    triggers refuse a DELETE). The triggers are on for both runs (the lifecycle trigger checks each
    UPDATE of the state; the event table's guard only UPDATE and DELETE). The raw events stand outside
    the audit chain (no place, empty hashes, as the copies do), so the chain head's lock and update,
    which the services take for every event (``decisions.audit.link``), count against the services.
    Each run starts with one untimed round trip of the first decision."""
    import time

    from decisions.services import TRANSITION_SERVICES

    Decision = apps.get_model("decisions", "Decision")
    head = government.head
    newest = Decision.objects.filter(government=government).order_by("-id").values_list("pk", flat=True)[0]
    pairs = max(count // 2, 1)
    ids = list(
        Decision.objects.filter(government=government, state="implementing")
        .exclude(pk=newest)
        .order_by("id")
        .values_list("pk", flat=True)[:pairs]
    )
    if not ids:
        raise RuntimeError(f"{government} has no implementing decision to suspend")
    rounds = [ids[: pairs - done] for done in range(0, pairs, len(ids))]
    # (transition, from state, to state, the service's payload)
    moves: tuple[tuple[str, str, str, dict[str, str]], ...] = (
        ("suspend", "implementing", "suspended", {"reason": SUSPENSION_REASON}),
        ("resume_implementation", "suspended", "implementing", {}),
    )

    def service(pk: int, name: str, _from: str, _to: str, payload: dict) -> None:
        TRANSITION_SERVICES[name](decision=pk, actor=head, **payload)

    def raw(pk: int, name: str, from_state: str, to_state: str, payload: dict) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE decisions_decision SET state = %s, updated_at = now() WHERE id = %s", [to_state, pk])
            cursor.execute(
                "INSERT INTO decisions_decisionevent (decision_id, government_id, actor_id, step_kind, transition, "
                "from_state, to_state, comment, details, created_at, prev_hash, hash) "
                "VALUES (%s, %s, %s, '', %s, %s, %s, %s, '{}', now(), '', '')",
                [pk, government.pk, head.pk, name, from_state, to_state, payload.get("reason", "")],
            )

    def timed(move) -> tuple[float, int]:
        for args in moves:
            move(ids[0], *args)
        with _captured() as queries:
            start = time.perf_counter()
            for batch in rounds:
                for args in moves:
                    for pk in batch:
                        move(pk, *args)
            elapsed = time.perf_counter() - start
        return elapsed, len(queries)

    moved = 2 * sum(len(batch) for batch in rounds)
    service_seconds, service_statements = timed(service)
    raw_seconds, raw_statements = timed(raw)
    service_rate, raw_rate = moved / service_seconds, moved / raw_seconds
    ratio = service_rate / raw_rate
    return {
        "transitions": moved,
        "decisions": len(ids),
        "service_per_second": round(service_rate, 1),
        "service_statements_each": round(service_statements / moved, 1),
        "raw_per_second": round(raw_rate, 1),
        "raw_statements_each": round(raw_statements / moved, 1),
        "ratio": round(ratio, 3),
        "target": RATIO_TARGETS["transitions"],
        "met": ratio >= RATIO_TARGETS["transitions"],
    }


def assign_clocks() -> int:
    """The open clocks of the province: the copied catalogue has none (the walked templates' review
    clocks close when the opinion is issued, and nobody assigns the others), so the seed gives it the
    clocks its government offices would assign (``deadlines.clocks.deadline_assign``): an
    implementation report due of every implementing decision (Art 34), a meeting due of every decision
    awaiting one (Art 29), by one INSERT … SELECT: about 40,000 at 100,000 decisions, each due a week
    or more ahead. Returns how many."""
    from django.utils import timezone

    from deadlines.models import Deadline, DeadlineKind

    today = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {Deadline._meta.db_table} (created_at, updated_at, decision_id, department_id, kind, anchor,
                start_date, due_date, unit, setting, article, fallback_years, paused, status, closed_note, note,
                next_reminder_on)
            SELECT now(), now(), d.id,
                   CASE WHEN d.state = 'implementing' THEN coalesce(d.executing_unit_id, d.lead_sponsor_id)
                        ELSE (SELECT min(o.id) FROM decisions_department o
                              WHERE o.government_id = d.government_id AND o.kind = 'government_office') END,
                   CASE WHEN d.state = 'implementing' THEN %(report)s ELSE %(meeting)s END,
                   %(anchor)s, %(today)s, %(today)s + 10 + (d.id %% 60)::int, 'assigned', '', '', '[]', false,
                   'open', '', '', %(today)s + 7 + (d.id %% 60)::int
            FROM decisions_decision d WHERE d.state IN ('implementing', 'awaiting_decision')
            ON CONFLICT DO NOTHING
            """,
            {
                "report": DeadlineKind.IMPLEMENTATION_REPORT,
                "meeting": DeadlineKind.MEETING,
                "anchor": BENCH_ANCHOR,
                "today": today,
            },
        )
        made = cursor.rowcount
        cursor.execute(f"ANALYZE {Deadline._meta.db_table}")
    return made


def reminder_scan_ratio(due_every: int = 50) -> dict:
    """The reminder scan (``deadlines.reminders.run_scan``) against raw SQL planning the same
    reminders, at the issue's scale: about 40,000 open deadlines at 100,000 decisions, 2 % of them due.

    The open clocks are those ``assign_clocks`` gave the seeded province. Every ``due_every``-th of
    them by id is made due today (the others fall due a week or more ahead), and stays so for the loads.

    The scan runs as the beat runs it, committing batch by batch. What it made (reminders, their bell
    notifications and deliveries) is then deleted and the due clocks made due again, and the baseline
    plans the same rows in one transaction: one INSERT … SELECT … ON CONFLICT DO NOTHING of a reminder
    per due deadline, and the UPDATE that moves those deadlines' next reminder day, since both are
    what the scan's planning writes of them. The notifications and deliveries are the scan's fan-out
    to people: counted, not in the baseline. Nothing leaves the machine: the seeded people have no
    e-mail address and the departments no robot, so only the bell is planned, and e-mail would go to
    Django's in-memory backend."""
    import datetime as dt
    import time

    from django.db.models import Count, Max
    from django.test.utils import override_settings
    from django.utils import timezone

    from deadlines.models import Deadline, Delivery, Notification, Reminder
    from deadlines.reminders import run_scan

    today = timezone.localdate()
    made_by_scan = (Notification, Delivery, Reminder)  # in the order they are deleted

    def make_due() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Deadline._meta.db_table} SET due_date = %s, next_reminder_on = %s "
                "WHERE anchor = %s AND id %% %s = 0",
                [today, today, BENCH_ANCHOR, due_every],
            )

    def delete_made(marks: dict) -> None:
        with connection.cursor() as cursor:
            for model in made_by_scan:
                cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE id > %s", [marks[model]])

    make_due()
    open_deadlines = Deadline.objects.filter(status=Deadline.Status.OPEN)
    opened = open_deadlines.count()
    due = open_deadlines.filter(paused=False, next_reminder_on__lte=today).count()
    marks = {model: model.objects.aggregate(last=Max("pk"))["last"] or 0 for model in made_by_scan}

    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"), _captured() as queries:
        start = time.perf_counter()
        scan = run_scan(today=today)
        scan_seconds = time.perf_counter() - start
    # Read now: the capture reads the log when asked, and the baseline's capture empties it.
    scan_statements = len(queries)
    deliveries = dict(
        Delivery.objects.filter(pk__gt=marks[Delivery]).order_by().values_list("channel").annotate(n=Count("pk"))
    )
    reminders = Reminder.objects.filter(pk__gt=marks[Reminder]).count()
    notifications = Notification.objects.filter(pk__gt=marks[Notification]).count()
    delete_made(marks)
    make_due()

    table = Deadline._meta.db_table
    due_rows = "status = 'open' AND NOT paused AND next_reminder_on <= %(today)s"
    with _captured() as baseline_queries:
        start = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {Reminder._meta.db_table} (created_at, updated_at, deadline_id, kind, due_day, status)
                SELECT now(), now(), id,
                       CASE WHEN due_date > next_reminder_on THEN 'before'
                            WHEN due_date = next_reminder_on THEN 'due_day' ELSE 'overdue' END,
                       next_reminder_on, 'pending'
                FROM {table} WHERE {due_rows}
                ON CONFLICT DO NOTHING
                """,
                {"today": today},
            )
            planned = cursor.rowcount
            # The next day: the scan computes the next reminder's working day in Python instead.
            cursor.execute(
                f"UPDATE {table} SET next_reminder_on = %(next)s, updated_at = now() WHERE {due_rows}",
                {"today": today, "next": today + dt.timedelta(days=1)},
            )
        baseline_seconds = time.perf_counter() - start
    baseline_statements = len(baseline_queries)
    delete_made(marks)
    ratio = scan_seconds / baseline_seconds
    return {
        "open_deadlines": opened,
        "due": due,
        "scan": scan.as_dict(),
        "reminders": reminders,
        "notifications": notifications,
        "deliveries": deliveries,
        "scan_ms": round(scan_seconds * 1000, 3),
        "scan_statements": scan_statements,
        "baseline_reminders": planned,
        "baseline_ms": round(baseline_seconds * 1000, 3),
        "baseline_statements": baseline_statements,
        "ratio": round(ratio, 2),
        "target": RATIO_TARGETS["reminder_scan"],
        "met": ratio <= RATIO_TARGETS["reminder_scan"],
    }


def figures_ratio(government, leader, runs: int = 5) -> dict:
    """The annual figures (``reporting.figures.AnnualFigures.tables``: what the page, its print view,
    the API and the Excel workbook compute) against one COUNT(*) of a catalogue year's decisions.

    The figures take one government (and optionally one of its departments): there is no
    province-wide variant, so the largest scope is measured, the template government as the
    province's leader asks for it (``figures_scope``), for this year, which holds every act of the
    seeded catalogue (the copies keep their templates' event times). The COUNT(*) is over the
    province's catalogue year of the same number (about 10,000 decisions at 100,000), as the issue's
    target reads. Medians of ``runs`` after a warm-up. The statements are counted again for a year
    without any act, to show whether they grow with the decisions counted."""
    import statistics
    import time

    from django.utils import timezone

    from reporting.figures import AnnualFigures, figures_scope

    Decision = apps.get_model("decisions", "Decision")
    year = timezone.localdate().year
    scope, _department = figures_scope(leader, government_id=government.pk)

    def figures(of_year: int) -> tuple[float, int]:
        with _captured() as queries:
            start = time.perf_counter()
            AnnualFigures(scope, of_year).tables()
            elapsed = time.perf_counter() - start
        return elapsed, len(queries)

    def count() -> float:
        with connection.cursor() as cursor:
            start = time.perf_counter()
            cursor.execute("SELECT COUNT(*) FROM decisions_decision WHERE catalogue_year = %s", [year])
            cursor.fetchone()
            return time.perf_counter() - start

    figures(year)
    timings = [figures(year) for _ in range(runs)]
    seconds = statistics.median(elapsed for elapsed, _n in timings)
    count()
    count_seconds = statistics.median(count() for _ in range(runs))
    ratio = seconds / count_seconds
    return {
        "government": scope.name,
        "year": year,
        "decisions": Decision.objects.filter(government=scope).count(),
        "ms": round(seconds * 1000, 3),
        "statements": timings[-1][1],
        "statements_no_acts": figures(FIRST_YEAR - 1)[1],
        "count_rows": Decision.objects.filter(catalogue_year=year).count(),
        "count_ms": round(count_seconds * 1000, 3),
        "ratio": round(ratio, 2),
        "target_seconds": RATIO_TARGETS["figures_seconds"],
        "target_ratio": RATIO_TARGETS["figures_to_count"],
        "met_seconds": seconds <= RATIO_TARGETS["figures_seconds"],
        "met_ratio": ratio <= RATIO_TARGETS["figures_to_count"],
    }


def ratios(org, leader, *, transitions: int = TRANSITIONS, due_every: int = 50) -> dict:
    """Issue 14's ratios on the seeded database, in this process: service transitions against raw
    transactions (``transition_ratio``), the reminder scan against raw SQL (``reminder_scan_ratio``)
    and the annual figures against one COUNT(*) (``figures_ratio``). Each leaves the database as the
    loads expect it: the same states, no clock or reminder added; only the transitions' events stay,
    with the bell notifications the services sent of them."""
    results = {
        "transitions": transition_ratio(org.government, transitions),
        "reminder_scan": reminder_scan_ratio(due_every),
        "annual_figures": figures_ratio(org.government, leader),
    }
    row = results["transitions"]
    print(
        f"ratio transitions: {row['transitions']} by the services {row['service_per_second']}/s "
        f"({row['service_statements_each']} statements each), raw {row['raw_per_second']}/s: {row['ratio']} "
        f"(target ≥ {row['target']})",
        flush=True,
    )
    row = results["reminder_scan"]
    print(
        f"ratio reminder scan: {row['open_deadlines']} open deadlines, {row['due']} due, {row['reminders']} "
        f"reminders in {row['scan_ms']:.0f} ms ({row['scan_statements']} statements), raw {row['baseline_ms']:.1f} ms: "
        f"{row['ratio']} (target ≤ {row['target']})",
        flush=True,
    )
    row = results["annual_figures"]
    print(
        f"ratio annual figures: {row['government']} {row['year']} ({row['decisions']} decisions) {row['ms']:.0f} ms "
        f"({row['statements']} statements, {row['statements_no_acts']} for a year without acts), COUNT(*) of "
        f"{row['count_rows']} {row['count_ms']:.2f} ms: {row['ratio']} (targets ≤ {row['target_seconds']} s, "
        f"≤ {row['target_ratio']})",
        flush=True,
    )
    return results


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
        "",
        *_ratio_lines(results["ratios"]),
    ]
    (directory / "BENCHMARKS.md").write_text("\n".join(lines) + "\n")


def _ratio_lines(ratios: dict) -> list[str]:
    """The table of ``ratios`` in BENCHMARKS.md: each measure, its figures, its target and whether it is met."""

    def met(value: bool) -> str:
        return "yes" if value else "no"

    moves, scan, figures = ratios["transitions"], ratios["reminder_scan"], ratios["annual_figures"]
    channels = ", ".join(f"{channel} {n}" for channel, n in sorted(scan["deliveries"].items())) or "none"
    deliveries = sum(scan["deliveries"].values())
    return [
        "Ratios measured in the benchmark's own process (test settings), on the seeded database before the loads "
        "(statement counts include BEGIN and COMMIT):",
        "",
        "| measure | figures | target | met? |",
        "|---|---|---|---|",
        f"| service transitions ÷ single-row UPDATE + event INSERT transactions | {moves['transitions']} transitions "
        f"(Art 37 suspend and resume by the head) on {moves['decisions']} decisions: {moves['service_per_second']}/s, "
        f"{moves['service_statements_each']} statements each; raw {moves['raw_per_second']}/s, "
        f"{moves['raw_statements_each']} statements each: **{moves['ratio']:.3f}** | ≥ {moves['target']} | "
        f"{met(moves['met'])} |",
        f"| reminder scan ÷ raw `INSERT … SELECT … ON CONFLICT DO NOTHING` (+ the `UPDATE` of the next reminder day) "
        f"| {scan['open_deadlines']:,} open deadlines, {scan['due']} due: {scan['reminders']} reminders, "
        f"{scan['notifications']} notifications, {deliveries} deliveries ({channels}) in {scan['scan_ms']:,.0f} ms, "
        f"{scan['scan_statements']} statements; raw {scan['baseline_reminders']} reminders in "
        f"{scan['baseline_ms']:.1f} ms, {scan['baseline_statements']} statements: **{scan['ratio']:.1f}** | "
        f"≤ {scan['target']} | {met(scan['met'])} |",
        f"| annual figures of a year (one government: no province-wide scope exists) | {figures['government']} "
        f"{figures['year']} ({figures['decisions']:,} decisions): **{figures['ms']:.0f} ms**, {figures['statements']} "
        f"statements ({figures['statements_no_acts']} for a year without acts) | ≤ {figures['target_seconds']} s | "
        f"{met(figures['met_seconds'])} |",
        f"| annual figures ÷ one `COUNT(*)` over the catalogue year | `COUNT(*)` of {figures['count_rows']:,} "
        f"decisions {figures['count_ms']:.2f} ms: **{figures['ratio']:.1f}** | ≤ {figures['target_ratio']} | "
        f"{met(figures['met_ratio'])} |",
    ]
