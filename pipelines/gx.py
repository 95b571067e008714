"""Great Expectations on DataFrames (GX on pandas frames): the one runner every suite of the warehouse uses.

GX runs on pandas frames (GX 1.24's SQL path does not work against DuckDB, and dagster-ge does not support
GX 1.x). The context is ephemeral: suites are data in expectations/, results go to DuckDB, Dagster and the
Data Docs site an inspector opens in a browser.
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

import duckdb


@cache
def gx_context(docs_dir: str):
    """One ephemeral GX context per process and Data Docs folder; the Data Docs site is rebuilt after every
    validation, so an inspector can read every result in a browser."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    context.data_sources.add_pandas("frames")
    context.add_data_docs_site(
        site_name="warehouse",
        site_config={
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": docs_dir},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        },
    )
    return context


def failing_rows(con: duckdb.DuckDBPyConnection, select: str, name: str, expectations: list[tuple[str, dict]], docs_dir: Path):
    """Run one suite, given as (expectation type, kwargs) pairs, on the rows of a query that has a _rowid
    column, and add its result to the Data Docs in docs_dir. Returns the frame (indexed by _rowid) and, for
    each expectation in order, the _rowid of every row it finds wrong."""
    import great_expectations as gx

    frame = con.sql(select).df()
    if frame.empty or not expectations:
        return frame.set_index("_rowid"), [[] for _ in expectations]
    context = gx_context(str(docs_dir))
    asset = context.data_sources.get("frames").add_dataframe_asset(name)
    suite = context.suites.add(gx.ExpectationSuite(name=name))
    for position, (expectation, kwargs) in enumerate(expectations):
        # GX runs (and returns) expectations grouped by column, not in the order given: the position in meta
        # ties each result back to its expectation.
        kwargs = kwargs | {"meta": kwargs.get("meta", {}) | {"position": position}}
        suite.add_expectation(getattr(gx.expectations, expectation.title().replace("_", ""))(**kwargs))
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=name, data=asset.add_batch_definition_whole_dataframe(name), suite=suite)
    )
    checkpoint = context.checkpoints.add(gx.Checkpoint(
        name=name, validation_definitions=[definition], result_format={"result_format": "COMPLETE"},
        actions=[gx.checkpoint.UpdateDataDocsAction(name="data_docs", site_names=["warehouse"])],
    ))
    try:
        [result] = checkpoint.run(batch_parameters={"dataframe": frame}).run_results.values()
    finally:
        # The definitions go; the results stay in the store and the Data Docs. A name can then be used again.
        context.checkpoints.delete(name)
        context.validation_definitions.delete(name)
        context.suites.delete(name)
        context.data_sources.get("frames").delete_asset(name)
    rowids = frame["_rowid"]
    failures = [[] for _ in expectations]
    for r in result.results:
        failures[r.expectation_config.meta["position"]] = [int(rowids[i]) for i in (r.result.get("unexpected_index_list") or [])]
    return frame.set_index("_rowid"), failures


def insert_rowids(con: duckdb.DuckDBPyConnection, table: str, rowids: list[int]) -> None:
    """Append row ids to a one-column table in one statement (executemany runs one statement per row: 31 s for
    the 46,000 statistics outside their limits at national scale)."""
    if rowids:
        con.execute(f"INSERT INTO {table} SELECT unnest(?::BIGINT[])", [rowids])
