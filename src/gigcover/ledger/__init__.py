"""The per-order occupational-injury ledger (职业伤害保障信息系统, issue 11), first slice: its storage core.

Platforms report orders (每单必保); each order's contribution comes from the rules (one vector call per batch) and is
posted double-entry in integer fen; a worker is covered on each CST day they took an order on any platform (按日参保).
Modules: `ids` (GB 11643 ID numbers, keyed hashes), `schema` and `db` (tables, Alembic migrations, SQLite/PostgreSQL),
`contract` (the batch contract and its validation), `contributions` (amounts from the rules, in fen), `ingest`
(and `store`, its bulk reads and writes per database),
`cover` (covered days), `check` (invariants), `platforms`, `audit`.
"""
