"""Migration 3: grid-connection applications, their documents and history, connection
contracts, feedback threads and survey responses."""

SQL = """
CREATE TABLE applications (
    id INTEGER PRIMARY KEY,
    consumer_id INTEGER NOT NULL REFERENCES consumers(id) ON DELETE CASCADE,
    number TEXT NOT NULL UNIQUE,
    category TEXT NOT NULL CHECK (category IN ('p14', 'p12_1', 'p13')),
    status TEXT NOT NULL,
    form TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    submitted_at TEXT
);
CREATE INDEX applications_consumer ON applications(consumer_id, id);
CREATE TABLE application_history (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    at TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    actor TEXT NOT NULL CHECK (actor IN ('consumer', 'operator', 'system'))
);
CREATE INDEX application_history_application ON application_history(application_id, id);
CREATE TABLE application_documents (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    stored_name TEXT NOT NULL UNIQUE,
    sha256 TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
);
CREATE INDEX application_documents_application ON application_documents(application_id, id);
CREATE TABLE connection_contracts (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL UNIQUE REFERENCES applications(id) ON DELETE CASCADE,
    consumer_id INTEGER NOT NULL REFERENCES consumers(id) ON DELETE CASCADE,
    number TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('offered', 'signed', 'completed', 'annulled')),
    document_name TEXT NOT NULL,
    document_size INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    signed_at TEXT,
    signed_copy_name TEXT,
    signed_copy_filename TEXT,
    signed_copy_content_type TEXT,
    signed_copy_size INTEGER,
    signed_copy_uploaded_at TEXT
);
CREATE INDEX connection_contracts_consumer ON connection_contracts(consumer_id, id);
CREATE TABLE feedback_threads (
    id INTEGER PRIMARY KEY,
    consumer_id INTEGER NOT NULL REFERENCES consumers(id) ON DELETE CASCADE,
    subject TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX feedback_threads_consumer ON feedback_threads(consumer_id, id);
CREATE TABLE feedback_messages (
    id INTEGER PRIMARY KEY,
    thread_id INTEGER NOT NULL REFERENCES feedback_threads(id) ON DELETE CASCADE,
    author TEXT NOT NULL CHECK (author IN ('consumer', 'operator')),
    text TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX feedback_messages_thread ON feedback_messages(thread_id, id);
CREATE TABLE survey_responses (
    id INTEGER PRIMARY KEY,
    consumer_id INTEGER NOT NULL REFERENCES consumers(id) ON DELETE CASCADE,
    application_id INTEGER NOT NULL UNIQUE REFERENCES applications(id) ON DELETE CASCADE,
    answers TEXT NOT NULL,
    suggestion TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX survey_responses_consumer ON survey_responses(consumer_id, id)
"""
