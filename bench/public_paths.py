"""What bench/public.py asks for: the throwaway databases it fills, and every kind of page it measures, with
the paths of each taken from the filled database (codes old and new, agencies, kelurahan, cursors)."""

from __future__ import annotations

import os
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote_plus

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from handlers.categories import CATEGORIES

# A published complaint is in one of these (a received one is not published yet).
LIST_STATUSES = ("verified", "in_progress", "needs_info", "resolved", "closed", "reopened", "archived")
# Street words as typed in the list's search box, the last matching nothing at all.
SEARCHES = ("merdeka", "jl. kenanga 12", "pajajaran", "rt 03/rw 4", "pamulang barat", "cendrawasih 7",
            "sawah baru", "tidak ada jalan ini")


def database(kind: str, complaints: int, keep: bool) -> tuple[str, bool]:
    """The URL of a database of `complaints` complaints, and whether it was made just now."""
    if kind == "sqlite":
        path = Path("data") / f"bench-public-{complaints}.db"
        if keep and path.exists():
            return f"sqlite:///{path}", False
        path.parent.mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}", True
    admin_url = os.environ.get("ADUAN_BENCH_POSTGRES_URL") or os.environ.get("ADUAN_TEST_POSTGRES_URL")
    if not admin_url:
        raise SystemExit("set ADUAN_BENCH_POSTGRES_URL to a PostgreSQL server for --database postgresql")
    name = f"aduan_bench_{complaints}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                    {"n": name}).first()
        if exists and not keep:
            connection.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        if not exists or not keep:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    return url, not (exists and keep)


def warm(kind: str, url: str) -> int:
    """Read the whole database once into the operating system's cache (megabytes read).

    A server with a million complaints (about 2 GB) holds them in memory after its first hours; the pages
    are measured as such a server answers them, not as a disk that was just written answers the first
    read of each part (past windows of dates read up to 200 ms more that way on this machine).
    """
    if kind == "sqlite":
        path = Path(sa.make_url(url).database or "")
        total = 0
        for part in (path, Path(f"{path}-wal")):
            if part.exists():
                with part.open("rb") as file:
                    while chunk := file.read(1 << 20):
                        total += len(chunk)
        return total >> 20
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_prewarm"))
        # Mode 'read': into the operating system's cache (shared_buffers stays what the server has).
        blocks = connection.execute(sa.text(
            "SELECT coalesce(sum(pg_prewarm(c.oid, 'read')), 0) FROM pg_class c "
            "WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'i', 'm')")).scalar_one()
        block_size = int(connection.execute(sa.text("SHOW block_size")).scalar_one())
    engine.dispose()
    return int(blocks) * block_size >> 20


def drop(kind: str, url: str) -> None:
    """Remove a database made for this run."""
    if kind == "sqlite":
        path = sa.make_url(url).database or ""
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    name = sa.make_url(url).database
    admin = sa.create_engine(sa.make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _codes(engine: Engine, rng: random.Random, count: int, *, public_only: bool) -> list[str]:
    """Codes of published complaints spread over the whole table (each looked up by its id)."""
    with engine.connect() as connection:
        top = connection.execute(sa.text("SELECT max(id) FROM complaint")).scalar_one()
        where = "published_at IS NOT NULL AND erased_at IS NULL" + (" AND privacy = 'public'" * public_only)
        query = sa.text(f"SELECT code FROM complaint WHERE id >= :id AND {where} ORDER BY id LIMIT 1")
        codes = [connection.execute(query, {"id": rng.randint(1, top)}).scalar() for _ in range(count)]
    return [code for code in codes if code]


def _ends(n: int, rng: random.Random, *, within_days: float = 0.0) -> list[str]:
    """`n` different moments (UTC, ISO 8601): the last minutes, or spread over the last `within_days`."""
    now = datetime.now(UTC).replace(microsecond=0)
    moments = [now - timedelta(seconds=i) if not within_days else
               now - timedelta(seconds=rng.randint(90 * 86400, int(within_days * 86400))) for i in range(n)]
    return [moment.isoformat().replace("+00:00", "Z") for moment in moments]


def pages(engine: Engine, requests: int) -> dict[str, list[str]]:
    """Each kind of page measured, with the paths to ask for it (more than enough that none repeats when
    the point is to see the cost of building it)."""
    rng = random.Random(15)
    with engine.connect() as connection:
        agencies = list(connection.execute(sa.text("SELECT code FROM agency ORDER BY code")).scalars())
        places = sorted(p for p in connection.execute(sa.text(
            "SELECT kelurahan FROM complaint WHERE id <= 5000 GROUP BY kelurahan")).scalars() if p)
    many = 2 * requests + 20
    codes = _codes(engine, rng, many, public_only=False)
    deep = _codes(engine, rng, many, public_only=True)
    pick = rng.sample
    windows = []
    for start in _ends(many, rng, within_days=3 * 365):
        end = datetime.fromisoformat(start) + timedelta(days=rng.choice([7, 30, 90]))
        windows.append(f"start_date={start}&end_date={end.isoformat().replace('+00:00', 'Z')}")
    ends = _ends(many, rng)
    return {
        # The health check (one SELECT 1) measures the machine and the server themselves: the other pages'
        # figures read best as ratios to it, taken in the same run.
        "/healthz": ["/healthz"],
        "/laporan": ["/laporan", "/laporan?lang=en"],
        "… kategori": [f"/laporan?kategori={c}" for c in CATEGORIES],
        "… status": [f"/laporan?status={s}" for s in LIST_STATUSES],
        "… instansi": [f"/laporan?instansi={a}" for a in agencies],
        "… kelurahan": [f"/laporan?kelurahan={quote_plus(p)}" for p in places],
        "… search text": [f"/laporan?cari={quote_plus(s)}" for s in SEARCHES],
        "… 2-3 filters": [f"/laporan?status={s}&instansi={a}" for s in pick(LIST_STATUSES, 3)
                          for a in pick(agencies, 3)]
                         + [f"/laporan?kategori={c}&kelurahan={quote_plus(p)}&status=needs_info"
                            for c in pick(CATEGORIES, 3) for p in pick(places, 2)],
        # Older than a report anywhere in the list (the "older" link's cursor), with and without a filter.
        "… deep page": [f"/laporan?sebelum={code}" for code in deep[: len(deep) // 2]]
                       + [f"/laporan?sebelum={code}&kategori={rng.choice(CATEGORIES)}"
                          for code in deep[len(deep) // 2:]],
        "/laporan/CODE": [f"/laporan/{code}" for code in codes],
        "/statistik": ["/statistik", "/statistik?lang=en"],
        "requests.json": ["/open311/v2/requests.json", "/open311/v2/requests.json?status=open",
                          "/open311/v2/requests.json?service_code=roads"],
        # From here each request is different, so none is answered from the 15 s list cache: the cost
        # of building each list of up to 1000 requests.
        "… new": [f"/open311/v2/requests.json?end_date={end}" for end in ends],
        "… new open": [f"/open311/v2/requests.json?status=open&end_date={end}" for end in ends],
        "… new service": [f"/open311/v2/requests.json?service_code={rng.choice(CATEGORIES)}&end_date={end}"
                          for end in ends],
        "… new dates": [f"/open311/v2/requests.json?{window}" for window in windows],
        "requests.xml new": [f"/open311/v2/requests.xml?end_date={end}" for end in ends],
        "requests/ID.json": [f"/open311/v2/requests/{code}.json" for code in codes],
    }
