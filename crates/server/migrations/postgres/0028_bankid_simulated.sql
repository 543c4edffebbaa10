-- Twin of ../sqlite/0028_bankid_simulated.sql.
CREATE TABLE bankid_simulated (
    order_ref TEXT PRIMARY KEY,
    auto_start_token TEXT NOT NULL,
    qr_start_token TEXT NOT NULL,
    qr_start_secret TEXT NOT NULL,
    started_ms BIGINT NOT NULL,
    end_user_ip TEXT NOT NULL,
    return_url TEXT,
    status TEXT NOT NULL,
    hint_code TEXT NOT NULL,
    personal_number TEXT,
    name TEXT,
    given_name TEXT,
    surname TEXT,
    completed_ms BIGINT,
    collected BIGINT NOT NULL DEFAULT 0
);
