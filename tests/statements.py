"""Counting what a Database sends to its server, statement by statement."""

from __future__ import annotations

from sqlalchemy import event


class StatementCounter:
    """Every statement a Database sends: each execute, BEGIN, COMMIT, ROLLBACK and the
    pool's pings (which bypass the execute events, so the dialect's ping is wrapped)."""

    def __init__(self, engine, monkeypatch) -> None:
        self.sent: list[str] = []
        event.listen(engine, "before_cursor_execute", self._execute)
        for name in ("begin", "commit", "rollback"):
            event.listen(engine, name, lambda conn, name=name: self.sent.append(name.upper()))
        ping = type(engine.dialect).do_ping

        def counted_ping(dialect, dbapi_connection):
            self.sent.append("PING")
            return ping(dialect, dbapi_connection)

        monkeypatch.setattr(type(engine.dialect), "do_ping", counted_ping)

    def _execute(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.sent.append(" ".join(statement.split()))
