"""Migration 2: the metering registry (personal accounts, organisations, supply contracts,
metering points, meters), the consumers' personal accounts, archive requests and jobs."""

SQL = """
CREATE TABLE personal_accounts (
    number TEXT PRIMARY KEY,
    address TEXT NOT NULL
);
CREATE TABLE organizations (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('company', 'entrepreneur')),
    registry_number TEXT NOT NULL UNIQUE,
    inn TEXT NOT NULL,
    name TEXT NOT NULL
);
CREATE TABLE supply_contracts (
    number TEXT PRIMARY KEY,
    organization_id INTEGER NOT NULL REFERENCES organizations(id),
    signed_on TEXT NOT NULL
);
CREATE INDEX supply_contracts_organization ON supply_contracts(organization_id);
CREATE TABLE metering_points (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    personal_account_number TEXT REFERENCES personal_accounts(number),
    supply_contract_number TEXT REFERENCES supply_contracts(number),
    CHECK ((personal_account_number IS NULL) <> (supply_contract_number IS NULL))
);
CREATE INDEX metering_points_account ON metering_points(personal_account_number);
CREATE INDEX metering_points_contract ON metering_points(supply_contract_number);
CREATE TABLE meters (
    id INTEGER PRIMARY KEY,
    metering_point_id INTEGER NOT NULL REFERENCES metering_points(id),
    brand TEXT NOT NULL,
    model TEXT NOT NULL,
    serial_number TEXT NOT NULL UNIQUE,
    phases INTEGER NOT NULL CHECK (phases IN (1, 3)),
    tariff_zones INTEGER NOT NULL CHECK (tariff_zones BETWEEN 1 AND 3),
    is_smart INTEGER NOT NULL,
    commissioned_at TEXT NOT NULL,
    sim_seed INTEGER NOT NULL,
    profile_start TEXT NOT NULL,
    initial_wh INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX meters_point ON meters(metering_point_id);
CREATE TABLE consumer_personal_accounts (
    consumer_id INTEGER NOT NULL REFERENCES consumers(id) ON DELETE CASCADE,
    number TEXT NOT NULL REFERENCES personal_accounts(number),
    added_at TEXT NOT NULL,
    PRIMARY KEY (consumer_id, number)
);
CREATE TABLE organization_confirmations (
    consumer_id INTEGER PRIMARY KEY REFERENCES consumers(id) ON DELETE CASCADE,
    organization_id INTEGER NOT NULL REFERENCES organizations(id),
    supply_contract_number TEXT NOT NULL,
    confirmed_at TEXT NOT NULL
);
CREATE TABLE archive_requests (
    id INTEGER PRIMARY KEY,
    consumer_id INTEGER NOT NULL REFERENCES consumers(id) ON DELETE CASCADE,
    meter_id INTEGER NOT NULL REFERENCES meters(id),
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('accepted', 'ready', 'failed')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    editable_until TEXT NOT NULL,
    produce_after TEXT NOT NULL,
    ready_at TEXT,
    file_name TEXT,
    file_path TEXT,
    file_size INTEGER,
    etag TEXT,
    error TEXT
);
CREATE INDEX archive_requests_consumer ON archive_requests(consumer_id, meter_id, created_at);
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    ref_id INTEGER NOT NULL,
    due_at TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT,
    last_error TEXT
);
CREATE INDEX jobs_due ON jobs(state, due_at)
"""
