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
    # 10: several sites on one database. Every plan, alert (and its steps), excuse and
    # shift record names the site that wrote it (`[site] name`); the shift record also
    # the TL whose rtm recorded it (plans have tl_name, alerts acked_by, excuses who).
    # Rows kept before get site '' ("not labelled yet"): a store opened with its site
    # adopts them (sqlite_store.Store._adopt, docs/DECISIONS.md). Tables whose key must
    # hold the site are rebuilt (create, copy, drop, rename, index), the portable way.
    (
        "ALTER TABLE plans ADD COLUMN site TEXT NOT NULL DEFAULT ''",
        "DROP INDEX plans_date",
        "CREATE INDEX plans_date ON plans(site, date)",
        "DROP INDEX plans_due",
        "CREATE INDEX plans_due ON plans(site, status, due_ts)",
        "ALTER TABLE excuses ADD COLUMN site TEXT NOT NULL DEFAULT ''",
        "DROP INDEX excuses_day",
        "CREATE INDEX excuses_day ON excuses(site, day, start_ts)",
        # alerts: unique per site
        """CREATE TABLE alerts_v10 (
            id INTEGER PRIMARY KEY,
            site TEXT NOT NULL DEFAULT '',
            tl_name TEXT NOT NULL DEFAULT '',
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
            what TEXT NOT NULL DEFAULT '',
            params TEXT NOT NULL DEFAULT '{}',
            condition TEXT NOT NULL DEFAULT '',
            state TEXT NOT NULL DEFAULT 'open',
            acked_by TEXT NOT NULL DEFAULT '',
            snoozed_until TEXT,
            snooze_reason TEXT NOT NULL DEFAULT '',
            resolved_at TEXT,
            resolution TEXT NOT NULL DEFAULT '',
            UNIQUE (site, key, at_ts)
        )""",
        """INSERT INTO alerts_v10 (id, site, tl_name, day, key, kind, severity, at, at_ts,
            message, agent_id, code, kpi, scope, value, limit_value, acknowledged_at, what,
            params, condition, state, acked_by, snoozed_until, snooze_reason, resolved_at,
            resolution)
        SELECT id, '', '', day, key, kind, severity, at, at_ts, message, agent_id, code, kpi,
            scope, value, limit_value, acknowledged_at, what, params, condition, state,
            acked_by, snoozed_until, snooze_reason, resolved_at, resolution FROM alerts""",
        "DROP TABLE alerts",
        "ALTER TABLE alerts_v10 RENAME TO alerts",
        "CREATE INDEX alerts_day ON alerts(site, day, at_ts)",
        "-- PostgreSQL only: new alerts' ids go on after the copied ones",
        # alert steps: unique per site
        """CREATE TABLE alert_steps_v10 (
            id INTEGER PRIMARY KEY,
            site TEXT NOT NULL DEFAULT '',
            alert_key TEXT NOT NULL,
            raised_ts REAL NOT NULL,
            step TEXT NOT NULL,
            at TEXT NOT NULL,
            at_ts REAL NOT NULL,
            who TEXT NOT NULL DEFAULT '',
            until TEXT,
            reason TEXT NOT NULL DEFAULT '',
            UNIQUE (site, alert_key, raised_ts, step, at_ts)
        )""",
        """INSERT INTO alert_steps_v10 (id, site, alert_key, raised_ts, step, at, at_ts, who,
            until, reason)
        SELECT id, '', alert_key, raised_ts, step, at, at_ts, who, until, reason
        FROM alert_steps""",
        "DROP TABLE alert_steps",
        "ALTER TABLE alert_steps_v10 RENAME TO alert_steps",
        "-- PostgreSQL only: new steps' ids go on after the copied ones",
        # the shift record: keyed by site
        """CREATE TABLE interval_kpis_v10 (
            site TEXT NOT NULL DEFAULT '',
            tl_name TEXT NOT NULL DEFAULT '',
            day TEXT NOT NULL,
            kpi TEXT NOT NULL,
            scope TEXT NOT NULL,
            period TEXT NOT NULL,
            period_start TEXT NOT NULL,
            period_ts REAL NOT NULL,
            value REAL,
            status TEXT NOT NULL,
            counts TEXT NOT NULL DEFAULT '{}',
            PRIMARY KEY (site, kpi, scope, period, period_ts)
        )""",
        """INSERT INTO interval_kpis_v10 (site, tl_name, day, kpi, scope, period,
            period_start, period_ts, value, status, counts)
        SELECT '', '', day, kpi, scope, period, period_start, period_ts, value, status, counts
        FROM interval_kpis""",
        "DROP TABLE interval_kpis",
        "ALTER TABLE interval_kpis_v10 RENAME TO interval_kpis",
        "CREATE INDEX interval_kpis_day ON interval_kpis(site, day, period_ts)",
        """CREATE TABLE agent_events_v10 (
            site TEXT NOT NULL DEFAULT '',
            tl_name TEXT NOT NULL DEFAULT '',
            day TEXT NOT NULL,
            agent_id TEXT NOT NULL,
            at TEXT NOT NULL,
            at_ts REAL NOT NULL,
            state TEXT NOT NULL,
            aux_code TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (site, agent_id, at_ts, state, aux_code)
        )""",
        """INSERT INTO agent_events_v10 (site, tl_name, day, agent_id, at, at_ts, state,
            aux_code)
        SELECT '', '', day, agent_id, at, at_ts, state, aux_code FROM agent_events""",
        "DROP TABLE agent_events",
        "ALTER TABLE agent_events_v10 RENAME TO agent_events",
        "CREATE INDEX agent_events_day ON agent_events(site, day, at_ts)",
        """CREATE TABLE monitor_state_v10 (
            site TEXT NOT NULL DEFAULT '',
            tl_name TEXT NOT NULL DEFAULT '',
            day TEXT NOT NULL,
            state TEXT NOT NULL,
            saved_at TEXT NOT NULL,
            PRIMARY KEY (site, day)
        )""",
        """INSERT INTO monitor_state_v10 (site, tl_name, day, state, saved_at)
        SELECT '', '', day, state, saved_at FROM monitor_state""",
        "DROP TABLE monitor_state",
        "ALTER TABLE monitor_state_v10 RENAME TO monitor_state",
        """CREATE TABLE rosters_v10 (
            site TEXT NOT NULL DEFAULT '',
            tl_name TEXT NOT NULL DEFAULT '',
            day TEXT NOT NULL,
            roster TEXT NOT NULL,
            saved_at TEXT NOT NULL,
            PRIMARY KEY (site, day)
        )""",
        """INSERT INTO rosters_v10 (site, tl_name, day, roster, saved_at)
        SELECT '', '', day, roster, saved_at FROM rosters""",
        "DROP TABLE rosters",
        "ALTER TABLE rosters_v10 RENAME TO rosters",
    ),
)

# The tables that name their site (migration 10), with the columns that, beside the site,
# make a row unique (none: only its id). What a store adopts when it opens (`Store._adopt`).
SITE_TABLES: dict[str, tuple[str, ...]] = {
    "plans": (),
    "excuses": (),
    "alerts": ("key", "at_ts"),
    "alert_steps": ("alert_key", "raised_ts", "step", "at_ts"),
    "interval_kpis": ("kpi", "scope", "period", "period_ts"),
    "agent_events": ("agent_id", "at_ts", "state", "aux_code"),
    "monitor_state": ("day",),
    "rosters": ("day",),
}

SCHEMA_VERSION = len(MIGRATIONS)

# What migration 10 gave the rows kept before it: "written by this site", until a store
# opened with its `[site] name` adopts them (see sqlite_store.Store._adopt).
UNLABELLED_SITE = ""

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
    # 10: rows copied with their ids into an identity column leave its sequence behind
    (10, 13): "SELECT setval(pg_get_serial_sequence('alerts', 'id'), "
    "coalesce((SELECT max(id) FROM alerts), 0) + 1, false)",
    (10, 18): "SELECT setval(pg_get_serial_sequence('alert_steps', 'id'), "
    "coalesce((SELECT max(id) FROM alert_steps), 0) + 1, false)",
}
