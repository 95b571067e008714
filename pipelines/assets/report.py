"""Report stage (报告): the static HTML report plan managers open in the morning."""

import dagster as dg

from pipelines.metadata import markdown_table
from pipelines.report import build_report
from pipelines.resources import Warehouse


@dg.asset(group_name="report", kinds={"html"}, owners=["team:data-engineering"], deps=["warehouse_file"])
def report(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """规划进展报告 The nightly report, data/warehouse/report/index.html and one page per plan, read from the
    warehouse just published: each plan's scorecard (norms × units, coloured by status and progress, with actual,
    target and shortfall), a trend chart per norm with the target, milestones and the dashed projection, coverage
    gaps and data-quality flags. Static HTML with inline SVG: it opens from the file system without network."""
    result = build_report(warehouse.published, warehouse.report_dir, context.run.run_id)
    if not result.font_ok:
        context.log.warning("The Chinese font WenQuanYi Zen Hei (fonts-wqy-zenhei) is missing: the report's Chinese "
                            "labels may show as boxes. apt-get install fonts-wqy-zenhei")
    for plan_id in result.without_data:
        context.log.warning(f"Plan {plan_id}: no data for its jurisdiction yet; its report page says so.")
    return dg.MaterializeResult(metadata={
        "report": dg.MetadataValue.url(result.index.resolve().as_uri()),
        "path": dg.MetadataValue.path(str(result.index)),
        "plans": markdown_table(
            ["plan", "year", "norms judged", "met", "not met", "not evaluable", "charts"],
            [(f"[{p}]({result.pages[p].resolve().as_uri()})", *rest) for p, *rest in result.headlines],
        ),
        "plans_without_data": ", ".join(result.without_data) or "none",
        "chinese_font": "WenQuanYi Zen Hei" if result.font_ok else "missing (apt-get install fonts-wqy-zenhei)",
    })
