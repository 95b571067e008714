"""Metadata the Dagster UI shows on materialisations and checks."""

from collections.abc import Iterable, Sequence

import dagster as dg


def markdown_table(header: Sequence[str], rows: Iterable[Sequence]) -> dg.MetadataValue:
    """A Markdown table; empty cells for None."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join("" if v is None else str(v) for v in row) + " |" for row in rows]
    return dg.MetadataValue.md("\n".join(lines))


def table_metadata(con, table: str, preview_rows: int = 10) -> dict:
    """Row count and a preview of the first rows of a warehouse table."""
    rows = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    preview = con.sql(f"SELECT * FROM {table} LIMIT {preview_rows}")
    return {
        "dagster/row_count": rows,
        "table": table,
        "preview": markdown_table(preview.columns, preview.fetchall()),
    }
