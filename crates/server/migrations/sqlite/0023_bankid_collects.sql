-- BankID's RP guidelines: ask `collect` every two seconds. The app asks every second, and with
-- several server processes it may reach any of them: this row per order is how they agree. A
-- process claims the right to ask (`asked_at_ms` at least two seconds old), the others answer
-- from the last pending result kept here. A final answer is passed on and the row removed.
CREATE TABLE bankid_collects (
    order_ref TEXT PRIMARY KEY,
    asked_at_ms INTEGER NOT NULL,
    hint_code TEXT
);
