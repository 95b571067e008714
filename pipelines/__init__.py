"""Health-indicator warehouse (卫生健康指标数据仓库): Dagster code location."""
