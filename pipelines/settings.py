"""Where things live. Paths come from the environment so a deployment can point elsewhere."""

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = REPO_ROOT / "sql"
EXPECTATIONS_DIR = REPO_ROOT / "expectations"
REFERENCE_DIR = REPO_ROOT / "data" / "reference"
SAMPLE_DIR = REPO_ROOT / "data" / "sample"


def inbox_dir() -> Path:
    """The folder statisticians drop files into (收件箱)."""
    return Path(os.environ.get("HEALTH_INBOX", SAMPLE_DIR))


def warehouse_path() -> Path:
    """The published DuckDB file analysts open."""
    return Path(os.environ.get("HEALTH_WAREHOUSE", REPO_ROOT / "data" / "warehouse" / "health.duckdb"))
