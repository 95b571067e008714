"""Schedules: the nightly rebuild (每晚构建)."""

import dagster as dg

from pipelines.jobs import build_warehouse

nightly_build = dg.ScheduleDefinition(
    name="nightly_build",
    job=build_warehouse,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Rebuild and publish the whole warehouse every night at 02:00 Beijing time (每晚02:00构建).",
)
