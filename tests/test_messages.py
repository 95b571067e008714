"""Every message a statistician reads is in Chinese first, with English beside: the reasons of every rule
(the contract's, expectations/messages.yaml, and every quality suite's), the left-out-row reasons, the
outcomes, and the structural errors that stop a run (produced here for real, from broken inboxes)."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest
import yaml

from pipelines.contract import load_sources
from pipelines.ingestion import ingest_source, messages
from pipelines.reading import reading_rules
from pipelines.settings import EXPECTATIONS_DIR

HAN = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


def chinese_then_english(zh: str, en: str) -> None:
    assert HAN.search(zh), zh
    assert LATIN_WORD.search(en) and not HAN.match(en), en


@pytest.mark.parametrize("rule", sorted(messages()["rules"]))
def test_every_rule_of_the_contract_says_what_and_how_to_fix_in_chinese_and_english(rule):
    text = messages()["rules"][rule]
    chinese_then_english(text["zh"], text["en"])
    chinese_then_english(text["fix_zh"], text["fix_en"])


def _suite_rules():
    for path in sorted((EXPECTATIONS_DIR / "quality").glob("*.yaml")):
        for rule in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("rules", []):
            yield pytest.param(rule, id=f"{path.stem}.{rule['rule']}")


@pytest.mark.parametrize("rule", list(_suite_rules()))
def test_every_rule_of_every_quality_suite_has_its_outcome_and_chinese_text(rule):
    assert rule["outcome"] in ("row", "cell", "flag")
    chinese_then_english(rule["message"]["zh"], rule["message"]["en"])
    chinese_then_english(rule["fix"]["zh"], rule["fix"]["en"])
    assert HAN.search(rule["description"])


def test_left_out_reasons_outcomes_and_file_notes_are_bilingual():
    for table in (reading_rules()["left_out_reasons"], messages()["outcomes"], messages()["file_notes"]):
        for text in table.values():
            chinese_then_english(text["zh"], text["en"])


def _inbox(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    return inbox


STRUCTURAL = {
    "no file for a required source": ("regions", lambda inbox: None),
    "unreadable file": ("facilities", lambda inbox: (inbox / "facilities.xlsx").write_bytes(b"not a workbook")),
    "a required column missing": ("population", lambda inbox: (inbox / "population.csv").write_text(
        "区划代码,年份,65岁及以上人口\n411002,2023,100\n", encoding="utf-8")),
    "no header at all": ("population", lambda inbox: (inbox / "population.csv").write_text(
        "a,b,c\n1,2,3\n", encoding="utf-8")),
    "an empty file of a required source": ("regions", lambda inbox: (inbox / "regions.csv").write_bytes(b"")),
}


@pytest.mark.parametrize("case", sorted(STRUCTURAL))
def test_every_structural_error_is_chinese_first_and_names_the_file(tmp_path, case):
    source, make = STRUCTURAL[case]
    inbox = _inbox(tmp_path)
    make(inbox)
    [error] = ingest_source(inbox, load_sources()[source], b"test").structural_errors
    assert HAN.match(error), error  # it starts in Chinese
    zh, _, en = error.partition(" (")
    assert HAN.search(zh) and LATIN_WORD.search(en), error
    files = [p.name for p in inbox.iterdir()]
    assert all(name in error for name in files), (files, error)


def test_an_empty_optional_file_is_named_and_not_fatal(tmp_path):
    inbox = _inbox(tmp_path)
    (inbox / "staff_2023.csv").write_bytes(b"")
    ingested = ingest_source(inbox, load_sources()["staff"], b"test")
    assert ingested.structural_errors == []
    [report] = ingested.files
    assert report.notes == ["文件为空（0字节） the file is empty (0 bytes)"]


def test_a_mixed_encoding_csv_is_decoded_line_by_line_and_an_undecodable_line_is_set_aside(tmp_path):
    inbox = _inbox(tmp_path)
    lines = ["区划代码,年份,常住人口,区划名称".encode("utf-8"), "411002,2023,50000,魏都区".encode("utf-8"),
             "411003,2023,60000,建安区".encode("gbk"), b"411024,2023,\xff\xfe\xff,\x80\x80"]
    (inbox / "population_2023.csv").write_bytes(b"\r".join(lines))  # CR-only line ends, as old Excel wrote
    ingested = ingest_source(inbox, load_sources()["population"], b"test")
    assert ingested.files[0].encoding == "mixed"
    frame = ingested.frame.sort("_row")
    assert frame.select("region_code", "region_name", "_row").rows()[:2] == [("411002", "魏都区", 2), ("411003", "建安区", 3)]
    [problem] = frame.filter(pl.col("_row") == 4)["_problems"].to_list()[0]
    assert (problem["rule"], problem["outcome"]) == ("encoding", "row")
    assert frame.filter(pl.col("_row") == 4)["_raw"].to_list() == [None]  # nothing garbled is kept
