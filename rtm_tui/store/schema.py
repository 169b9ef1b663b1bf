"""Schema migrations. `PRAGMA user_version` = how many of MIGRATIONS have been applied.

Append new migrations; never edit one that has shipped. Write SQL types in upper case and
names in lower case: the PostgreSQL engine maps the types by their case (pg_engine.map_ddl). Each migration is a tuple of
single SQL statements (run one by one inside the migrating transaction, so a crash half
way leaves the previous version intact).

Datetimes are stored twice: ISO 8601 text with its offset (what the TL saw, readable in
any SQLite shell) and `*_ts` Unix seconds for range queries, since ISO strings with
different offsets do not sort by instant.
"""

from __future__ import annotations

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1: recovery plans, their actions and their change history
    (
        """CREATE TABLE plans (
            id INTEGER PRIMARY KEY,
            created_at TEXT NOT NULL,
            created_ts REAL NOT NULL,
            updated_at TEXT NOT NULL,
            date TEXT NOT NULL,
            tl_shift TEXT NOT NULL,
            interval_start TEXT NOT NULL,
            kpi TEXT NOT NULL,
            scope TEXT NOT NULL,
            sla REAL,
            slg REAL,
            actual REAL,
            counts TEXT NOT NULL DEFAULT '{}',
            root_cause TEXT NOT NULL,
            analysis TEXT NOT NULL,
            tl_name TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'open',
            verified_value REAL,
            verified_achieved INTEGER,
            verified_at TEXT,
            due_at TEXT,
            due_ts REAL
        )""",
        """CREATE TABLE plan_actions (
            plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            what TEXT NOT NULL,
            pic TEXT NOT NULL,
            due TEXT NOT NULL,
            PRIMARY KEY (plan_id, position)
        )""",
        """CREATE TABLE plan_history (
            id INTEGER PRIMARY KEY,
            plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
            at TEXT NOT NULL,
            who TEXT NOT NULL,
            field TEXT NOT NULL,
            old TEXT,
            new TEXT
        )""",
        "CREATE INDEX plans_date ON plans(date)",
        "CREATE INDEX plan_history_plan ON plan_history(plan_id, id)",
    ),
    # 2: suggested actions shown on the form when it was opened
    ("ALTER TABLE plans ADD COLUMN suggested_actions TEXT NOT NULL DEFAULT '[]'",),
    # 3: what the shift handover report is built from, and the monitor's restart state
    (
        """CREATE TABLE interval_kpis (
            day TEXT NOT NULL,
            kpi TEXT NOT NULL,
            scope TEXT NOT NULL,
            period TEXT NOT NULL,
            period_start TEXT NOT NULL,
            period_ts REAL NOT NULL,
            value REAL,
            status TEXT NOT NULL,
            counts TEXT NOT NULL DEFAULT '{}',
            PRIMARY KEY (kpi, scope, period, period_ts)
        )""",
        "CREATE INDEX interval_kpis_day ON interval_kpis(day, period_ts)",
        """CREATE TABLE agent_events (
            day TEXT NOT NULL,
            agent_id TEXT NOT NULL,
            at TEXT NOT NULL,
            at_ts REAL NOT NULL,
            state TEXT NOT NULL,
            aux_code TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (agent_id, at_ts, state, aux_code)
        )""",
        "CREATE INDEX agent_events_day ON agent_events(day, at_ts)",
        """CREATE TABLE alerts (
            id INTEGER PRIMARY KEY,
            day TEXT NOT NULL,
            key TEXT NOT NULL,
            kind TEXT NOT NULL,
            severity TEXT NOT NULL,
            at TEXT NOT NULL,
            at_ts REAL NOT NULL,
            message TEXT NOT NULL,
            agent_id TEXT,
            code TEXT,
            kpi TEXT,
            scope TEXT,
            value REAL,
            limit_value REAL,
            acknowledged_at TEXT,
            UNIQUE (key, at_ts)
        )""",
        "CREATE INDEX alerts_day ON alerts(day, at_ts)",
        """CREATE TABLE monitor_state (
            day TEXT PRIMARY KEY,
            state TEXT NOT NULL,
            saved_at TEXT NOT NULL
        )""",
    ),
    # 4: the dashboard asks for overdue plans often
    ("CREATE INDEX plans_due ON plans(status, due_ts)",),
    # 5: the day's roster as the app last read it, so a report can judge logins later
    (
        """CREATE TABLE rosters (
            day TEXT PRIMARY KEY,
            roster TEXT NOT NULL,
            saved_at TEXT NOT NULL
        )""",
    ),
    # 6: a plan names who or what it is about (not "agent:A0002" alone), says the period
    # its value is for and which way is better, and keeps the evidence of its verification.
    # Agent plans filed before get the name and team from that day's kept roster.
    (
        "ALTER TABLE plans ADD COLUMN scope_label TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE plans ADD COLUMN team TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE plans ADD COLUMN period TEXT NOT NULL DEFAULT 'interval'",
        "ALTER TABLE plans ADD COLUMN direction TEXT",
        "ALTER TABLE plans ADD COLUMN verified_period TEXT",
        "ALTER TABLE plans ADD COLUMN verified_read_at TEXT",
        "ALTER TABLE plans ADD COLUMN verified_counts TEXT NOT NULL DEFAULT '{}'",
        "ALTER TABLE plans ADD COLUMN verified_by TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE plans ADD COLUMN verified_note TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE plans ADD COLUMN verified_reason TEXT NOT NULL DEFAULT ''",
        "UPDATE plans SET period = 'now' WHERE scope LIKE 'agent:%'",
        """UPDATE plans SET
            scope_label = coalesce((
                SELECT json_extract(e.value, '$.name') FROM rosters r,
                    json_each(r.roster, '$.entries') e
                WHERE r.day = plans.date
                    AND json_extract(e.value, '$.agent_id') = substr(plans.scope, 7)
                LIMIT 1), ''),
            team = coalesce((
                SELECT json_extract(e.value, '$.team') FROM rosters r,
                    json_each(r.roster, '$.entries') e
                WHERE r.day = plans.date
                    AND json_extract(e.value, '$.agent_id') = substr(plans.scope, 7)
                LIMIT 1), '')
        WHERE scope LIKE 'agent:%'""",
    ),
    # 7: plans as living records: each action's status and result, progress notes and
    # addenda (written by whom, when). Actions kept before are open with no result.
    (
        "ALTER TABLE plan_actions ADD COLUMN status TEXT NOT NULL DEFAULT 'open'",
        "ALTER TABLE plan_actions ADD COLUMN result TEXT NOT NULL DEFAULT ''",
        """CREATE TABLE plan_notes (
            id INTEGER PRIMARY KEY,
            plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
            at TEXT NOT NULL,
            at_ts REAL NOT NULL,
            who TEXT NOT NULL,
            kind TEXT NOT NULL,
            text TEXT NOT NULL
        )""",
        "CREATE INDEX plan_notes_plan ON plan_notes(plan_id, id)",
    ),
    # 8: several instances on one database: an edit names the revision it started from
    ("ALTER TABLE plans ADD COLUMN revision INTEGER NOT NULL DEFAULT 0",),
    # 9: alerts with their lifecycle (what they say as a code with parameters, acknowledged
    # by whom, snoozed until when and why, resolved when and how), every step with its
    # time, and the TL's excuses (an agent's period, or a neutral window for everyone).
    # Alerts kept before: acknowledged ones say so; their English text stays in `message`.
    (
        "ALTER TABLE alerts ADD COLUMN what TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE alerts ADD COLUMN params TEXT NOT NULL DEFAULT '{}'",
        "ALTER TABLE alerts ADD COLUMN condition TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE alerts ADD COLUMN state TEXT NOT NULL DEFAULT 'open'",
        "ALTER TABLE alerts ADD COLUMN acked_by TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE alerts ADD COLUMN snoozed_until TEXT",
        "ALTER TABLE alerts ADD COLUMN snooze_reason TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE alerts ADD COLUMN resolved_at TEXT",
        "ALTER TABLE alerts ADD COLUMN resolution TEXT NOT NULL DEFAULT ''",
        "UPDATE alerts SET state = 'acknowledged' WHERE acknowledged_at IS NOT NULL",
        """CREATE TABLE alert_steps (
            id INTEGER PRIMARY KEY,
            alert_key TEXT NOT NULL,
            raised_ts REAL NOT NULL,
            step TEXT NOT NULL,
            at TEXT NOT NULL,
            at_ts REAL NOT NULL,
            who TEXT NOT NULL DEFAULT '',
            until TEXT,
            reason TEXT NOT NULL DEFAULT '',
            UNIQUE (alert_key, raised_ts, step, at_ts)
        )""",
        """CREATE TABLE excuses (
            id INTEGER PRIMARY KEY,
            day TEXT NOT NULL,
            agent_id TEXT,
            start TEXT NOT NULL,
            start_ts REAL NOT NULL,
            "end" TEXT NOT NULL,  -- quoted: END is reserved in PostgreSQL
            end_ts REAL NOT NULL,
            reason TEXT NOT NULL,
            who TEXT NOT NULL DEFAULT '',
            at TEXT NOT NULL,
            at_ts REAL NOT NULL,
            alert_key TEXT,
            resolved TEXT NOT NULL DEFAULT '[]'
        )""",
        "CREATE INDEX excuses_day ON excuses(day, start_ts)",
    ),
)

SCHEMA_VERSION = len(MIGRATIONS)

# The PostgreSQL form of the few statements with no portable spelling, by (migration
# number, statement index); None = nothing to do there. Every other statement runs on
# both engines, its DDL types mapped by `pg_engine.map_ddl`. A migration added later
# needs an entry here only if it uses SQLite-only SQL (json_each, PRAGMA, triggers...).
POSTGRES_VARIANTS: dict[tuple[int, int], str | None] = {
    # 6: the agent's name and team from the kept roster, with jsonb for json_each
    (6, 11): """UPDATE plans SET
            scope_label = coalesce((
                SELECT e ->> 'name' FROM rosters r,
                    jsonb_array_elements(r.roster::jsonb -> 'entries') e
                WHERE r.day = plans.date AND e ->> 'agent_id' = substr(plans.scope, 7)
                LIMIT 1), ''),
            team = coalesce((
                SELECT e ->> 'team' FROM rosters r,
                    jsonb_array_elements(r.roster::jsonb -> 'entries') e
                WHERE r.day = plans.date AND e ->> 'agent_id' = substr(plans.scope, 7)
                LIMIT 1), '')
        WHERE scope LIKE 'agent:%'""",
}
