"""The meters' zone registers, stored per day (docs/design.md "Smart-meter data", issue 14).

A register is a cumulative sum of the 30-minute profile from the day the meter's profile starts,
so computing it means summing every day since then: a few ms per meter-year, hours for a real
company's 100,000 meters. It is therefore kept in ``meter_register_days``: the registers at
00:00 МСК of each day, per zone. The snapshot of day D is the snapshot of D − 1 plus the zone
sums of D − 1's 48 intervals (one simulator day), and the day a profile starts has the reading
the meter had then (``simulator.initial_registers``).

* :class:`Keeper` — a background thread: when a poll day begins (the 01:30 МСК poll) it adds
  that day's snapshot of every meter, and it backfills once the meters that have none, a bounded
  slice of days per turn, taking turns with the requests (core/pacing.py). What it has written
  is the whole of its state, so a run cut short (a crash, a stop) resumes where it was, and
  running it again writes nothing.
* Whoever writes, a meter's stored days are a run without gaps from the day after its start:
  every computation goes forward from the latest stored day. So one day there means every
  earlier one is, and "the latest day" is all the progress there is to know.
* :func:`at_midnight`, :func:`at` — what requests read: one snapshot (an indexed lookup) plus,
  for a moment within a day, that day's intervals from the simulator. A snapshot not there yet
  (the Keeper has not reached that meter, or the clock was moved) is computed for that meter
  alone, from its latest stored one, and stored: no request pays for another meter's history.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from voek_desktop.api.server.core import pacing
from voek_desktop.api.server.features.metering import simulator
from voek_desktop.api.server.storage.db import Connection, Database
from voek_desktop.api.server.storage.db import Row as DbRow
from voek_desktop.domain.time import MSK

if TYPE_CHECKING:
    from voek_desktop.api.server.app import CabinetApp

log = logging.getLogger("voek.registers")

Registers = list[list[int]]  # per quantity (A+, A−, R+, R−), per zone (index 0 = T1)

# Meter-days computed between two looks at the pace: one is ≈ 70 µs (core/pacing.py QUANTUM).
SLICE_DAYS = 32
# Meter ids looked at per page (one turn), and snapshot rows written per transaction.
PAGE_METERS = 500
FLUSH_ROWS = 600
POLL_SECONDS = 2.0

_INSERT = (
    "INSERT INTO meter_register_days"
    " (meter_id, day, zone, a_plus, a_minus, r_plus, r_minus) VALUES (?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT DO NOTHING"
)
_LATEST = (
    "SELECT day FROM meter_register_days WHERE meter_id = ? AND day <= ? ORDER BY day DESC LIMIT 1"
)


# --- the arithmetic ---------------------------------------------------------------------------


def forward(
    model: simulator.MeterModel, day: date, regs: Registers, until: date
) -> Iterator[tuple[date, Registers]]:
    """The snapshots of the days after ``day`` (whose snapshot is ``regs``) up to ``until``."""
    current = [list(zones) for zones in regs]
    while day < until:
        for q, sums in enumerate(simulator.zone_sums(model, day)):
            current[q] = [a + b for a, b in zip(current[q], sums, strict=True)]
        day += timedelta(days=1)
        yield day, [list(zones) for zones in current]


def computed(model: simulator.MeterModel, day: date) -> Registers:
    """The snapshot of ``day`` summed from the start (O(days)): what is stored, for work that
    runs without the database (a bench)."""
    regs = simulator.initial_registers(model)
    for _, later in forward(model, model.start, regs, day):
        regs = later
    return regs


Row = tuple[int, str, int, int, int, int, int]


def _rows(meter_id: int, day: date, regs: Registers) -> list[Row]:
    text = day.isoformat()
    a_plus, a_minus, r_plus, r_minus = regs
    return [
        (meter_id, text, z + 1, a_plus[z], a_minus[z], r_plus[z], r_minus[z])
        for z in range(len(a_plus))
    ]


def _stored(conn: Connection, meter_id: int, zones: int, day: str) -> Registers | None:
    rows = conn.execute(
        "SELECT a_plus, a_minus, r_plus, r_minus FROM meter_register_days"
        " WHERE meter_id = ? AND day = ? ORDER BY zone",
        (meter_id, day),
    ).fetchall()
    if len(rows) != zones:
        return None
    return [[row[name] for row in rows] for name in ("a_plus", "a_minus", "r_plus", "r_minus")]


def _latest(
    conn: Connection, meter_id: int, model: simulator.MeterModel, day: date
) -> tuple[date, Registers]:
    """The latest stored snapshot at or before ``day``; the start's reading when none is."""
    found = conn.execute(_LATEST, (meter_id, day.isoformat())).fetchone()
    if found is not None:
        regs = _stored(conn, meter_id, model.zones, found["day"])
        if regs is not None:
            return date.fromisoformat(found["day"]), regs
    return model.start, simulator.initial_registers(model)


# --- what requests read -------------------------------------------------------------------------


def at_midnight(
    db: Database,
    meter_id: int,
    model: simulator.MeterModel,
    day: date,
    pace: Callable[[], None] = pacing.no_pace,
) -> Registers:
    """The zone registers (Wh) at 00:00 МСК of ``day``. ``pace``: called every slice of days
    computed here (a request passes ``pacing.inside(app.slot)``): a meter the Keeper has not
    reached yet costs ~70 µs a day of its history (~90 ms for a demo meter's 3½ years, in a
    fresh database's first seconds), and the other requests should not wait for all of it."""
    if day <= model.start:
        return simulator.initial_registers(model)
    conn = db.connection()
    regs = _stored(conn, meter_id, model.zones, day.isoformat())
    if regs is not None:
        return regs
    # Not there yet: this meter's missing days only, from its latest snapshot.
    base_day, regs = _latest(conn, meter_id, model, day)
    rows = []
    for n, (d, later) in enumerate(forward(model, base_day, regs, day), 1):
        rows += _rows(meter_id, d, later)
        regs = later
        if n % SLICE_DAYS == 0:
            pace()
    if rows:
        with db.write() as write:
            write.executemany(_INSERT, rows)
    return regs


def at(
    db: Database,
    meter_id: int,
    model: simulator.MeterModel,
    moment: datetime,
    pace: Callable[[], None] = pacing.no_pace,
) -> Registers:
    """The zone registers (Wh) at ``moment``: every interval that ended by then is counted."""
    local = moment.astimezone(MSK)
    day = local.date()
    regs = at_midnight(db, meter_id, model, day, pace)
    if day < model.start:
        return regs
    slots = (local.hour * 60 + local.minute) // 30
    if slots:
        for q, sums in enumerate(simulator.zone_sums(model, day, slots)):
            regs[q] = [a + b for a, b in zip(regs[q], sums, strict=True)]
    return regs


# --- the background work ------------------------------------------------------------------------


def model_of(row: DbRow) -> simulator.MeterModel:
    return simulator.MeterModel(
        seed=row["sim_seed"],
        phases=row["phases"],
        zones=row["tariff_zones"],
        start=date.fromisoformat(row["profile_start"]),
        initial_wh=row["initial_wh"],
    )


def catch_up(
    db: Database,
    through: date,
    turn: Callable[[], pacing.Pacer] = lambda: pacing.Pacer(pacing.Unshared()),
    stop: threading.Event | None = None,
) -> int:
    """Store every meter's snapshots up to ``through``; the meter-days computed. Each page of
    meters is one ``turn()`` (the slot, given way every quantum); what is computed is written
    a few hundred rows per transaction, whole days only, so stopping anywhere loses nothing
    that was written and the next run starts from it."""
    done = 0
    through_text = through.isoformat()
    after, top = 0, db.query_row("SELECT coalesce(max(id), 0) AS top FROM meters")["top"]
    while after < top and (stop is None or not stop.is_set()):
        with turn() as pace:
            # Only the meters that lack the day: after a restart that is an index probe each.
            page = db.query(
                "SELECT id, sim_seed, phases, tariff_zones, profile_start, initial_wh"
                " FROM meters m WHERE id > :after AND id <= :upto AND profile_start < :through"
                " AND NOT EXISTS (SELECT 1 FROM meter_register_days r"
                " WHERE r.meter_id = m.id AND r.day >= :through) ORDER BY id",
                {"through": through_text, "after": after, "upto": after + PAGE_METERS},
            )
            after += PAGE_METERS
            done += _catch_up_page(db, page, through, pace, stop)
    return done


def _catch_up_page(
    db: Database,
    page: list[DbRow],
    through: date,
    pace: Callable[[], None],
    stop: threading.Event | None,
) -> int:
    conn = db.connection()
    pending: list[Row] = []
    done = 0

    def flush() -> None:
        if pending:
            with db.write() as write:
                write.executemany(_INSERT, pending)
            pending.clear()

    for row in page:
        model = model_of(row)
        day, regs = _latest(conn, row["id"], model, through)
        while day < through:
            if stop is not None and stop.is_set():
                flush()
                return done
            until = min(through, day + timedelta(days=SLICE_DAYS))
            for d, later in forward(model, day, regs, until):
                pending += _rows(row["id"], d, later)
                done += 1
            day, regs = d, later
            if len(pending) >= FLUSH_ROWS:
                flush()
            pace()
    flush()
    return done


class Keeper:
    """The thread that keeps the snapshots up to the day of the last poll (see module doc)."""

    def __init__(self, app: CabinetApp) -> None:
        self.app = app
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None
        self.through: date | None = None  # up to which day every meter known then is stored
        self._registry: tuple[int, int] | None = None  # (count, max id) of the meters then

    def start(self) -> None:
        self.thread = threading.Thread(target=self._loop, name="voek-registers", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout=30)

    def run_once(self) -> int:
        """Catch up to the last poll's day if a poll day began or meters came; meter-days."""
        through = simulator.last_poll(self.app.clock.now()).date()
        count, top = self.app.db.query_row("SELECT count(*), coalesce(max(id), 0) FROM meters")
        registry = (count, top)
        if through == self.through and registry == self._registry:
            return 0
        done = catch_up(self.app.db, through, lambda: pacing.Pacer(self.app.slot), self.stopping)
        if not self.stopping.is_set():
            self.through, self._registry = through, registry
        return done

    def _loop(self) -> None:
        while not self.stopping.is_set():
            try:
                self.run_once()
            except Exception:
                log.exception("register snapshots: pass failed")
            self.stopping.wait(POLL_SECONDS)


def start(app: CabinetApp) -> None:
    if not app.config.jobs:  # a web process of several: voek-worker keeps the days
        return
    keeper = Keeper(app)
    app.register_keeper = keeper  # type: ignore[attr-defined]
    keeper.start()


def stop(app: CabinetApp) -> None:
    keeper = getattr(app, "register_keeper", None)
    if keeper is not None:
        keeper.stop()
