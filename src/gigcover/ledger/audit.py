"""The append-only audit log (审计日志): who did what, when. The database refuses changes to past rows (triggers)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import Connection, insert

from gigcover.ledger.schema import audit_log


def record(connection: Connection, actor: str, action: str, detail: dict[str, Any]) -> None:
    """Append one entry in the caller's transaction, so it is written exactly when the change it describes is."""
    connection.execute(
        insert(audit_log).values(
            at=dt.datetime.now(dt.UTC), actor=actor, action=action, detail=json.dumps(detail, sort_keys=True)
        )
    )
