"""Hot-path statements run on SQLite's own cursor, with SQLAlchemy's compilation and type conversions.

A keyed read or write takes SQLite about 10 µs; through `Connection.execute`, about 50 µs (an execution
context, result metadata and parameter processing on every call). Every message's turn runs three such
statements on the event loop. A `Prepared` statement is compiled once per dialect and keeps its column
types' bind and result processors; on SQLite it runs on the DBAPI connection inside the Connection's
transaction, and errors come out as SQLAlchemy's (an IntegrityError stays one). On any other database,
or while an engine or connection event listener is set (the tests that watch statements), it is an
ordinary `Connection.execute`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql.compiler import SQLCompiler

Processor = Callable[[Any], Any] | None
_GIVEN: Any = object()  # a parameter whose value comes with each call


class _Compiled:
    """A statement's SQL for one dialect, its parameters in order and the processors of their types."""

    __slots__ = ("binds", "fixed", "names", "results", "sql")

    def __init__(self, statement: sa.ClauseElement, dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        assert isinstance(compiled, SQLCompiler)
        if not compiled.positional or compiled.positiontup is None:
            raise ValueError("a dialect with positional parameters (SQLite's) expected")
        self.sql = compiled.string
        self.names = tuple(compiled.positiontup)
        binds = [compiled.binds[name] for name in self.names]
        if any(b.callable is not None for b in binds):
            raise ValueError(f"a parameter whose value is computed at each call: {self.sql}")
        # A value the statement holds itself (a literal, SQLite's OFFSET 0 after a LIMIT) is used as is;
        # the others come with each call.
        self.fixed = tuple(_GIVEN if b.value is None else b.value for b in binds)
        self.binds = tuple(b.type.dialect_impl(dialect).bind_processor(dialect) for b in binds)
        columns = statement.selected_columns if isinstance(statement, sa.Select) else ()
        self.results = tuple(column.type.dialect_impl(dialect).result_processor(dialect, None)
                             for column in columns)


class Prepared:
    """A Core statement with bound parameters, run cheaply on SQLite (see the module's docstring)."""

    __slots__ = ("_compiled", "keys", "statement")

    def __init__(self, statement: sa.Select[Any] | sa.Insert | sa.Update | sa.Delete) -> None:
        self.statement = statement
        columns = statement.selected_columns if isinstance(statement, sa.Select) else ()
        self.keys = tuple(column.key for column in columns)
        self._compiled: _Compiled | None = None

    def first(self, connection: Connection, params: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """The first row, its values converted as SQLAlchemy would (None when there is none)."""
        if not _direct(connection):
            row = connection.execute(self.statement, params).first()
            return None if row is None else tuple(row)
        compiled = self._compiled_for(connection.dialect)
        raw = self._run(connection, compiled, params).fetchone()
        if raw is None:
            return None
        return tuple(value if convert is None else convert(value)
                     for convert, value in zip(compiled.results, raw, strict=True))

    def run(self, connection: Connection, params: Mapping[str, Any]) -> None:
        """Run the statement for its effect (an INSERT, UPDATE or DELETE)."""
        if not _direct(connection):
            connection.execute(self.statement, params)
            return
        self._run(connection, self._compiled_for(connection.dialect), params)

    def insert(self, connection: Connection, params: Mapping[str, Any]) -> int:
        """Run an INSERT and give the new row's integer primary key."""
        if not _direct(connection):
            key = connection.execute(self.statement, params).inserted_primary_key
            assert key is not None
            return int(key[0])
        cursor = self._run(connection, self._compiled_for(connection.dialect), params)
        return int(cursor.lastrowid)

    def _compiled_for(self, dialect: Dialect) -> _Compiled:
        if self._compiled is None:  # one dialect per statement in practice: SQLite's
            self._compiled = _Compiled(self.statement, dialect)
        return self._compiled

    @staticmethod
    def _run(connection: Connection, compiled: _Compiled, params: Mapping[str, Any]) -> Any:
        values = _values(compiled, params)
        if not connection.in_transaction():
            connection.begin()  # SQLAlchemy's BEGIN, so the statement joins the turn's transaction
        driver = connection.connection.driver_connection
        assert driver is not None
        dbapi = connection.dialect.loaded_dbapi
        try:
            return driver.execute(compiled.sql, values)
        except dbapi.Error as exc:
            raise sa.exc.DBAPIError.instance(compiled.sql, values, exc, dbapi.Error,
                                             dialect=connection.dialect) from exc


def insert_row(table: sa.Table) -> Prepared:
    """An INSERT of one row that takes every column but the integer key `id` as a parameter."""
    columns = [c.name for c in table.columns if c.name != "id"]
    return Prepared(table.insert().values({name: sa.bindparam(name) for name in columns}))


def _values(compiled: _Compiled, params: Mapping[str, Any]) -> Sequence[Any]:
    values = []
    for name, fixed, convert in zip(compiled.names, compiled.fixed, compiled.binds, strict=True):
        value = params[name] if fixed is _GIVEN else fixed
        values.append(value if convert is None else convert(value))
    return values


def _direct(connection: Connection) -> bool:
    """Whether the statement may skip `Connection.execute`: SQLite, and nobody listening to statements."""
    return (connection.dialect.name == "sqlite" and not connection._has_events
            and not connection.engine._has_events)

