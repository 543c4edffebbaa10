-- The simulated BankID of demo and test mode (`crate::bankid::SimulatedBankId`): its orders as
-- BankID would keep them, in the database, so that every server process sees the same orders
-- (one started through one process is signed on another's test-identity page and collected
-- through a third). Times are Unix milliseconds; `status` is pending, failed or complete; the
-- user's names are there once the order is complete.
CREATE TABLE bankid_simulated (
    order_ref TEXT PRIMARY KEY,
    auto_start_token TEXT NOT NULL,
    qr_start_token TEXT NOT NULL,
    qr_start_secret TEXT NOT NULL,
    started_ms INTEGER NOT NULL,
    end_user_ip TEXT NOT NULL,
    return_url TEXT,
    status TEXT NOT NULL,
    hint_code TEXT NOT NULL,
    personal_number TEXT,
    name TEXT,
    given_name TEXT,
    surname TEXT,
    completed_ms INTEGER,
    collected INTEGER NOT NULL DEFAULT 0
);
