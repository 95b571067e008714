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


def import_great_expectations() -> None:
    """Import GX now rather than in the run's first suite (Warehouse._published_digest overlaps it with the
    hashing and copying of the published file)."""
    import great_expectations  # noqa: F401


@cache
def gx_context(docs_dir: str):
    """One ephemeral GX context per process and Data Docs folder; each step adds its suites' results to the
    Data Docs site (DataDocs), so an inspector can read every result in a browser."""
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


class DataDocs:
    """The Data Docs update of the suites one step runs (``with DataDocs(docs_dir) as docs``): GX renders their
    pages in one build when the step's suites are done. A build per suite, as GX's UpdateDataDocsAction does,
    compiles GX's page templates anew each time: about 0.8 s a build, most of a small suite's time. The suites'
    definitions are removed afterwards; their results stay in the store and the Data Docs."""

    def __init__(self, docs_dir: Path):
        self.docs_dir, self.built, self.names = str(docs_dir), [], []

    def __enter__(self) -> "DataDocs":
        return self

    def __exit__(self, failed, *_) -> None:
        context = gx_context(self.docs_dir) if self.names else None
        try:
            if context is not None and not failed:
                context.build_data_docs(site_names=["warehouse"], resource_identifiers=self.built)
        finally:
            for name in self.names:  # so that a name can be used again (the next run in this process)
                context.checkpoints.delete(name)
                context.validation_definitions.delete(name)
                context.suites.delete(name)
                context.data_sources.get("frames").delete_asset(name)

    def failing_rows(self, con: duckdb.DuckDBPyConnection, select: str, name: str, expectations: list[tuple[str, dict]]):
        """Run one suite, given as (expectation type, kwargs) pairs, on the rows of a query that has a _rowid
        column. Returns the frame (indexed by _rowid) and, for each expectation in order, the _rowid of every
        row it finds wrong."""
        import great_expectations as gx
        from great_expectations.data_context.types.resource_identifiers import ExpectationSuiteIdentifier

        frame = con.sql(select).df()
        if frame.empty or not expectations:
            return frame.set_index("_rowid"), [[] for _ in expectations]
        context = gx_context(self.docs_dir)
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
            name=name, validation_definitions=[definition], result_format={"result_format": "COMPLETE"}))
        self.names.append(name)
        [(identifier, result)] = checkpoint.run(batch_parameters={"dataframe": frame}).run_results.items()
        self.built += [identifier, ExpectationSuiteIdentifier(name=name)]
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
