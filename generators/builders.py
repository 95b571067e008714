"""What the two generators build alike: the output folder, the reference regions, made-up names and ID numbers,
and the facility types and figures both draw the same way."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

# The generators write what the pipeline reads: the same reference lists and the same ID-number check.
from pipelines.ingestion import id_check_character
from pipelines.settings import REFERENCE_DIR

SYLLABLES = np.array(list("东西南北新长安和平兴石河桥山湖龙凤清白青金马柳杨桃李花溪塘岭岗坪"))
SURNAMES = np.array(list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"))  # commonest first

PRIMARY_CARE = ("乡镇卫生院", "社区卫生服务中心")  # the centres that serve a township's population
BANDWIDTHS_MBPS = (20, 50, 100, 200, 500, 1000)  # the choices of the annual report's 网络带宽


def fresh_folder(out: Path, suffixes: tuple[str, ...]) -> None:
    """Create `out` and remove the files a previous run wrote there, so nothing stale is left beside them."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*"):
        if old.suffix in suffixes:
            old.unlink()


def reference_regions(name: str) -> pl.DataFrame:
    """A regions list of data/reference/, every column as text (codes keep their digits)."""
    return pl.read_csv(REFERENCE_DIR / name, infer_schema=False)


def names(rng: np.random.Generator, n: int, suffix: str) -> np.ndarray:
    """`n` made-up names of two syllables and `suffix` (镇, 村, 诊所…; "" for a given name)."""
    first, second = rng.choice(SYLLABLES, n), rng.choice(SYLLABLES, n)
    return np.char.add(np.char.add(first, second), suffix)


def id_number(body: pl.Expr) -> pl.Expr:
    """An 18-character ID number: the 17 digits of `body` and their GB 11643 check character."""
    return pl.concat_str(body, id_check_character(body))


# --- the workforce form (卫健统2表) ---------------------------------------------------------------------
# The people of the tidy files as the survey form has them. The mapping keeps every count: a physician's
# one-word specialty becomes 医师执业类别 and 执业范围, anybody else's a department.
CATEGORY_CODES = {"执业医师": "11", "执业助理医师": "12", "注册护士": "21", "药师": "31", "技师": "41",
                  "其他卫生技术人员": "69", "管理人员": "80", "工勤技能人员": "90"}
PHYSICIAN_FIELDS = {  # specialty: (医师执业类别代码, 医师执业范围代码)
    "全科医学": ("1", "21"), "内科": ("1", "11"), "外科": ("1", "12"), "妇产科": ("1", "13"), "儿科": ("1", "14"),
    "精神科": ("1", "17"), "急诊医学": ("1", "22"), "公共卫生": ("3", "41"), "中医": ("4", "51"),
}
DEPARTMENTS = {"公共卫生": "预防保健科", "护理": "内科", "其他": "其他业务科室", "": ""}
WORKFORCE_FORM_TITLE = "卫生人力基本信息调查表（卫健统2表） {year}年"
WORKFORCE_FORM_HEADER = ["机构编码", "姓名", "身份证件号码", "从事专业类别代码", "医师执业类别代码", "医师执业范围代码", "科室实际名称"]


def workforce_form_fields(category: str, specialty: str) -> tuple[str, str, str, str]:
    """从事专业类别代码, 医师执业类别代码, 医师执业范围代码, 科室实际名称 of a person of the tidy files."""
    if category in ("执业医师", "执业助理医师"):
        practice, scope = PHYSICIAN_FIELDS[specialty]
        return CATEGORY_CODES[category], practice, scope, ""
    return CATEGORY_CODES[category], "", "", DEPARTMENTS[specialty]
