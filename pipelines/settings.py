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


def state_dir() -> Path:
    """Where the operator's state lives, apart from the folder analysts are given (运维状态目录): DAGSTER_HOME
    (the Makefile sets it to .dagster_home/), or .dagster_home/ of the repository when it is not set."""
    return Path(os.environ.get("DAGSTER_HOME") or REPO_ROOT / ".dagster_home")


def pseudonym_key_file() -> Path:
    """The pseudonym key file (假名化密钥): HEALTH_PSEUDONYM_KEY_FILE, else pseudonym.key in state_dir()."""
    return Path(os.environ.get("HEALTH_PSEUDONYM_KEY_FILE") or state_dir() / "pseudonym.key")


def release_acceptances_path() -> Path:
    """The file where an operator accepts a release the guard blocked (发布确认): HEALTH_RELEASE_ACCEPTANCES,
    else release_acceptances.yaml in state_dir()."""
    return Path(os.environ.get("HEALTH_RELEASE_ACCEPTANCES") or state_dir() / "release_acceptances.yaml")
