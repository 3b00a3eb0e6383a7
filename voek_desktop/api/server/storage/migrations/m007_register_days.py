"""Migration 7: the meters' zone registers at 00:00 МСК of each day, stored instead of summed
from commissioning on every start (issue 14, item 1; docs/design.md "Smart-meter data").

One row per meter, Moscow day and tariff zone (1 = T1); the four registers in Wh / varh. A day
is written with all its zones in one transaction, so a day that is there is complete.
"""

SQL = """
CREATE TABLE meter_register_days (
    meter_id INTEGER NOT NULL REFERENCES meters(id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    zone INTEGER NOT NULL CHECK (zone BETWEEN 1 AND 3),
    a_plus INTEGER NOT NULL,
    a_minus INTEGER NOT NULL,
    r_plus INTEGER NOT NULL,
    r_minus INTEGER NOT NULL,
    PRIMARY KEY (meter_id, day, zone)
) WITHOUT ROWID
"""
