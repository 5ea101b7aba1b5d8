"""What landed in a cleaned Delta table: rows per event key and rows carrying a null.

Read with delta-rs (the `deltalake` package), independently of the Spark that wrote the table, so
the check does not share the writer's code paths.
"""

from __future__ import annotations

from collections import Counter
from functools import reduce

import pyarrow as pa
import pyarrow.compute as pc
from deltalake import DeltaTable

from contracts.records import SPECS


def cleaned_counts(table_uri: str, table: str) -> tuple[Counter[str], int]:
    """(event key -> rows, rows with a null in any column) of one cleaned table."""
    data = DeltaTable(table_uri).to_pyarrow_table()
    keys = Counter(str(k) for k in data.column(SPECS[table].event_key).to_pylist())
    return keys, _rows_with_nulls(data)


def _rows_with_nulls(data: pa.Table) -> int:
    if data.num_rows == 0:
        return 0
    masks = [pc.is_null(data.column(name)) for name in data.column_names]
    any_null = reduce(pc.or_, masks)
    return int(pc.sum(pc.cast(any_null, pa.int64())).as_py() or 0)
