"""The nightly report (规划进展报告): static HTML pages a plan manager opens from the file system.

One page per plan and an index, written beside the warehouse (data/warehouse/report/). Everything is inline:
the charts are SVG drawn by Vega-Lite (Altair builds the specification, vl-convert renders it in-process, no
browser and no network), the styles are one <style> block; a page needs no script, no CDN and no font download.
Chinese text uses the system font WenQuanYi Zen Hei (Debian's fonts-wqy-zenhei); where it is missing the report
says so at the top of every page, and the run logs a warning.

The report is built in a temporary folder next to the old one and swapped in with two renames, so a failed
run leaves yesterday's report whole. Charts already drawn for an earlier report are taken from a cache beside it
(ChartCache): vl-convert takes about 0.1 s a chart, and most charts are the same from one night to the next.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import duckdb

FONT_FAMILY = "WenQuanYi Zen Hei"
FONT_FILES = ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",)
MAX_MATRIX_UNITS = 20  # a level with more units than this is listed worst first instead of as a matrix
MAX_CHART_UNITS = 10  # one colour each in the tableau10 scheme
MAX_LIST_ROWS = 200
CHART_CACHE = ".chart-cache"  # beside the report folder (ChartCache)
LEVELS = ("prefecture", "county", "township", "village", "facility")
LEVEL_NAMES = {"prefecture": "地市 prefecture", "county": "县区 county", "township": "乡镇街道 township",
               "village": "村/社区 village", "facility": "机构 facility"}
# class: (Chinese, English, colour) — status and progress share one scale, green to red, grey for no judgement
CLASSES = {
    "achieved": ("已达标", "achieved", "#1a9850"),
    "on_track": ("按期可达", "on track", "#a6d96a"),
    "acceleration_needed": ("需加速", "acceleration needed", "#fee08b"),
    "limited_progress": ("进展有限", "limited progress", "#fdae61"),
    "deterioration": ("倒退", "deterioration", "#d73027"),
    "no_trend": ("未达标·年数不足", "not met, too few years for a trend", "#f4a582"),
    "not_evaluable": ("无法评价", "not evaluable", "#e0e0e0"),
    "not_applicable": ("不适用", "not applicable", "#ffffff"),
}
COMPARATOR_TEXT = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}


def font_available() -> bool:
    return any(Path(f).is_file() for f in FONT_FILES)


def _ink(colour: str) -> str:
    """White text on the two dark colours, black elsewhere."""
    return "#fff" if colour in ("#1a9850", "#d73027") else "#000"


def cell_class(status: str, progress: str | None, applies: bool) -> str:
    if not applies:
        return "not_applicable"
    if status == "not_evaluable" and progress != "no_trend":
        return "not_evaluable"
    return progress or ("achieved" if status == "met" else "no_trend")


def fmt(value, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.{digits}f}"


def target_text(comparator: str, threshold, threshold_high, range_high, tolerance) -> str:
    if comparator == "increase":
        return "↑ 持续上升 increase"
    if comparator == "decrease":
        return "↓ 持续下降 decrease"
    if comparator == "between":
        return f"{fmt(threshold)}–{fmt(threshold_high)}"
    if comparator == "approximately":
        return f"≈ {fmt(threshold)} ± {fmt(tolerance)}"
    text = f"{COMPARATOR_TEXT.get(comparator, comparator)} {fmt(threshold)}"
    return text + (f" (区间 range {fmt(threshold)}–{fmt(range_high)})" if range_high is not None else "")


def shortfall_text(shortfall) -> str:
    if shortfall is None:
        return ""
    return f"缺 {fmt(shortfall)}" if shortfall > 0 else f"超 {fmt(-shortfall)}"


def _records(con, sql: str, params=None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def plans_without_data(con) -> list[dict]:
    """Plans whose jurisdiction has no unit with data yet (no norm result in any year)."""
    return _records(con, """
        SELECT p.plan_id, p.name_zh, p.jurisdiction_code, r.region_name
        FROM marts.plans AS p LEFT JOIN staging.regions AS r ON r.region_code = p.jurisdiction_code
        WHERE p.plan_id NOT IN (SELECT plan_id FROM marts.norm_results)
        ORDER BY p.plan_id""")


# ------------------------------------------------------------------------------------------------- data
@dataclass
class PlanData:
    plan: dict
    year: int | None
    headline: dict = field(default_factory=dict)
    rows: list[dict] = field(default_factory=list)  # target_tracking of the latest year, with names
    totals: dict = field(default_factory=dict)  # norm_id -> (units short, shortfall) in the jurisdiction
    gaps: list[dict] = field(default_factory=list)
    flags: list[dict] = field(default_factory=list)


def load_plan(con, plan: dict) -> PlanData:
    plan_id = plan["plan_id"]
    [(year,)] = con.execute("SELECT max(year) FROM marts.target_tracking WHERE plan_id = ?", [plan_id]).fetchall()
    data = PlanData(plan=plan, year=year)
    if year is None:
        return data
    card = _records(con, "SELECT * FROM marts.plan_scorecard WHERE plan_id = ? AND year = ? AND domain = 'all'", [plan_id, year])
    data.headline = card[0] if card else {}
    data.rows = _records(con, """
        SELECT t.*, i.name_zh, i.name_en, i.unit AS indicator_unit, i.numerator AS numerator_measure,
               n.quote, n.range_high, n.tolerance,
               coalesce(f.facility_name, g.region_name, t.region_code) AS unit_name,
               coalesce(t.facility_id, t.region_code) AS unit_key
        FROM marts.target_tracking AS t
        JOIN marts.indicators AS i USING (indicator_code)
        JOIN marts.norms AS n ON n.norm_id = t.norm_id AND n.target_year IS NOT DISTINCT FROM t.target_year
        LEFT JOIN staging.regions AS g ON g.region_code = t.region_code
        LEFT JOIN staging.facilities AS f ON f.facility_id = t.facility_id
        WHERE t.plan_id = ? AND t.year = ?
        ORDER BY t.norm_id, t.region_code, t.facility_id""", [plan_id, year])
    data.totals = {r["norm_id"]: (r["units_short"], r["shortfall"]) for r in _records(con, """
        SELECT norm_id, units_short, shortfall FROM marts.shortfall_totals
        WHERE plan_id = ? AND year = ? AND region_code = ?""", [plan_id, year, plan["jurisdiction_code"]])}
    data.gaps = _records(con, """
        SELECT norm_id, region_code, region_name, facility_id, facility_name, what_is_missing
        FROM marts.coverage_gaps WHERE plan_id = ? AND year = ? ORDER BY norm_id, region_code, facility_id""", [plan_id, year])
    data.flags = _records(con, """
        SELECT q.check_name, q.severity, q.region_code, g.region_name, q.indicator_code, q.year, q.detail
        FROM marts.data_quality_flags AS q
        JOIN staging.region_ancestors AS a ON a.region_code = q.region_code AND a.ancestor_code = ?
        LEFT JOIN staging.regions AS g ON g.region_code = q.region_code
        WHERE q.flag = 'flagged' AND q.year BETWEEN ? - 4 AND ?
          AND (q.indicator_code IS NULL OR q.indicator_code IN (SELECT indicator_code FROM marts.norms WHERE plan_id = ?)
               OR q.check_name = 'related_figures')
        ORDER BY q.year DESC, q.check_name, q.region_code, q.indicator_code""",
        [plan["jurisdiction_code"], year, year, plan_id])
    return data


def progress_counts(rows: list[dict]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for r in rows:
        key = cell_class(r["status"], r["progress"], r["applies"])
        counts[key] = counts.get(key, 0) + 1
    return counts


# ------------------------------------------------------------------------------------------------- charts
def _severity(row: dict) -> float:
    """How far a unit is from its target, relative to it (for choosing the units a chart shows)."""
    if row["status"] != "not_met" or row["actual"] is None:
        return -1.0
    aim = row["target"] if row["target"] not in (None, 0) else 1.0
    return abs((row["gap"] if row["gap"] is not None else 0) / aim)


class ChartCache:
    """SVGs drawn before, one file each, named by a hash of what decides the drawing: the chart's figures and
    labels, the code that turns them into a Vega-Lite specification (this module), vl-convert's version and the
    fonts. A chart whose figures did not change is neither specified by Altair nor drawn again. prune() then
    removes the charts no page of this report uses."""

    def __init__(self, folder: Path, fonts: tuple[str, ...]):
        import vl_convert as vlc

        self.folder, self.used = folder, set()
        self.salt = json.dumps([vlc.__version__, sorted(fonts), hashlib.sha256(Path(__file__).read_bytes()).hexdigest()])

    def svg(self, figures: dict, specification: Callable[[dict], dict]) -> str:
        """The SVG of specification(figures), from the cache if these figures were drawn before."""
        import vl_convert as vlc

        text = json.dumps(figures, sort_keys=True, ensure_ascii=False, default=str)
        path = self.folder / (hashlib.sha256(f"{self.salt}\0{text}".encode()).hexdigest() + ".svg")
        self.used.add(path.name)
        if path.is_file():
            return path.read_text(encoding="utf-8")
        svg = vlc.vegalite_to_svg(specification(figures))
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".tmp")
        partial.write_text(svg, encoding="utf-8")
        os.replace(partial, path)  # a run killed mid-write leaves no half chart to be read later
        return svg

    def prune(self) -> None:
        for path in self.folder.glob("*") if self.folder.is_dir() else ():
            if path.name not in self.used:
                path.unlink(missing_ok=True)


def shown_units(norm_rows: list[dict]) -> list[dict]:
    """The units a norm's chart shows: those furthest from the target, at most MAX_CHART_UNITS."""
    return sorted(norm_rows, key=_severity, reverse=True)[:MAX_CHART_UNITS]


def plan_series(con, charts: dict[str, list[dict]]) -> dict[tuple[str, str], list[dict]]:
    """The yearly values of every unit the plan's charts show, (indicator, unit) -> [{year, value}] in year order:
    one query for the regions and one for the facilities of all the plan's charts."""
    pairs = {"region": set(), "facility": set()}
    for rows in charts.values():
        for r in shown_units(rows):
            pairs["facility" if r["facility_id"] is not None else "region"].add((r["indicator_code"], r["unit_key"]))
    series: dict[tuple[str, str], list[dict]] = {}
    for kind, table, key in (("region", "marts.indicator_values", "region_code"),
                             ("facility", "marts.facility_indicators", "facility_id")):
        if not pairs[kind]:
            continue
        indicators, units = map(list, zip(*sorted(pairs[kind])))
        for s in _records(con, f"""
                SELECT indicator_code, {key} AS unit_key, year, value FROM {table}
                WHERE ({key}, indicator_code) IN (SELECT (unnest(?::VARCHAR[]), unnest(?::VARCHAR[])))
                  AND value IS NOT NULL
                ORDER BY indicator_code, unit_key, year""", [units, indicators]):
            series.setdefault((s["indicator_code"], s["unit_key"]), []).append({"year": s["year"], "value": s["value"]})
    return series


def chart_figures(norm_rows: list[dict], norms: list[dict], series: dict[tuple[str, str], list[dict]]) -> dict:
    """What a norm's chart draws: the shown units' yearly values, their projections to the target year, the
    milestones and the target lines, with their labels."""
    first = norm_rows[0]
    shown = shown_units(norm_rows)
    names = {r["unit_key"]: r["unit_name"] for r in shown}
    observed = [{"unit": name, **point} for key, name in names.items()
                for point in series.get((first["indicator_code"], key), [])]
    projection = []
    for r in shown:
        if r["projected_value"] is not None and r["annual_change_observed"] is not None:
            start = r["projected_value"] - r["annual_change_observed"] * (r["target_year"] - r["year"])
            projection += [{"unit": names[r["unit_key"]], "year": r["year"], "value": start},
                           {"unit": names[r["unit_key"]], "year": r["target_year"], "value": r["projected_value"]}]
    milestones = [{"year": n["target_year"], "value": n["threshold"], "label": f"{n['target_year']}: {fmt(n['threshold'])}"}
                  for n in norms if n["threshold"] is not None]
    highs = [v for v in (first.get("target_high"), first.get("range_high")) if v is not None]
    return {"unit": first["unit"], "names": list(names.values()), "observed": observed, "projection": projection,
            "milestones": milestones, "highs": highs}


def chart_specification(figures: dict) -> dict:
    """The Vega-Lite specification of a norm's chart (Altair): solid lines for the observed values, dashed for
    the projection, a red line and diamonds for the target and its milestones, dotted for a range's top."""
    import altair as alt

    x = alt.X("year:Q", title="年份 year", axis=alt.Axis(format="d", tickMinStep=1, labelAngle=0))
    y = alt.Y("value:Q", title=f"值 value ({figures['unit']})", scale=alt.Scale(zero=False))
    color = alt.Color("unit:N", title="单位 unit", scale=alt.Scale(scheme="tableau10"), sort=figures["names"])
    layers = [alt.Chart(alt.Data(values=figures["observed"])).mark_line(point=True).encode(x=x, y=y, color=color)]
    if figures["projection"]:
        layers.append(alt.Chart(alt.Data(values=figures["projection"])).mark_line(strokeDash=[6, 4], opacity=0.8)
                      .encode(x=x, y=y, color=color, detail="unit:N"))
    if milestones := figures["milestones"]:
        last = milestones[-1]["value"]
        layers.append(alt.Chart(alt.Data(values=[{"value": last}])).mark_rule(color="#b2182b", strokeWidth=1.5).encode(y="value:Q"))
        layers.append(alt.Chart(alt.Data(values=milestones)).mark_point(shape="diamond", size=110, filled=True, color="#b2182b")
                      .encode(x=x, y=y, tooltip=["label:N"]))
    for high in figures["highs"]:
        layers.append(alt.Chart(alt.Data(values=[{"value": high}])).mark_rule(color="#b2182b", strokeDash=[2, 3]).encode(y="value:Q"))
    chart = alt.layer(*layers).properties(width=560, height=260).configure(font=FONT_FAMILY).configure_legend(labelLimit=220)
    # the specification is built by this function alone (and drawn in the tests): Altair's JSON-schema check of
    # every chart would cost a third of the report's time
    return chart.to_dict(validate=False)


def chart_svg(norm_rows: list[dict], norms: list[dict], series: dict[tuple[str, str], list[dict]],
              charts: ChartCache) -> tuple[str, str]:
    """A norm's chart as SVG, and its caption when it shows only some of the units."""
    svg = charts.svg(chart_figures(norm_rows, norms, series), chart_specification)
    shown = min(len(norm_rows), MAX_CHART_UNITS)
    caption = f"{shown} / {len(norm_rows)} 个单位 units shown: those furthest from the target" if len(norm_rows) > shown else ""
    return svg, caption


# ------------------------------------------------------------------------------------------------- HTML
STYLE = f"""
body {{ font-family: "{FONT_FAMILY}", "Noto Sans CJK SC", sans-serif; margin: 1.5rem 2rem; color: #222; }}
h1 {{ font-size: 1.5rem; margin-bottom: .2rem; }} h2 {{ margin-top: 2rem; border-bottom: 2px solid #ddd; }}
.sub {{ color: #555; }} .warn {{ background: #fff3cd; border: 1px solid #e0b252; padding: .6rem 1rem; }}
table {{ border-collapse: collapse; margin: .5rem 0 1rem; font-size: .85rem; }}
th, td {{ border: 1px solid #ccc; padding: .25rem .45rem; vertical-align: top; }}
th {{ background: #f3f3f3; text-align: left; }} td.num {{ text-align: right; }}
td.cell {{ text-align: center; min-width: 4.2rem; }} td.cell small {{ display: block; }}
.chip {{ display: inline-block; margin: 1px; padding: 1px 5px; border-radius: 3px; border: 1px solid #bbb; }}
.legend span {{ display: inline-block; padding: 2px 8px; margin: 2px; border: 1px solid #bbb; }}
.cards span {{ display: inline-block; margin: .3rem .6rem .3rem 0; padding: .5rem .8rem; background: #f6f6f6; border-radius: 4px; }}
.cards b {{ font-size: 1.3rem; display: block; }}
figure {{ margin: 1rem 0 2rem; }} figcaption {{ color: #555; font-size: .85rem; }}
.quote {{ color: #555; font-size: .8rem; }}
"""


def _page(title: str, body: str, font_ok: bool) -> str:
    warning = "" if font_ok else (
        '<p class="warn" id="font-missing">字体缺失 The Chinese font WenQuanYi Zen Hei (fonts-wqy-zenhei) is not installed '
        "on the machine that built this report: Chinese labels may show as boxes. Install it with "
        "<code>apt-get install fonts-wqy-zenhei</code> and run the build again.</p>")
    return (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{STYLE}</style></head><body>{warning}{body}</body></html>\n")


def _legend() -> str:
    spans = "".join(f'<span style="background:{c};color:{_ink(c)}">{zh} {en}</span>' for zh, en, c in CLASSES.values())
    return f'<p class="legend">{spans}</p>'


def _cell(r: dict) -> str:
    cls = cell_class(r["status"], r["progress"], r["applies"])
    zh, en, colour = CLASSES[cls]
    tip = "; ".join(x for x in (
        f"{r['unit_name']} {r['year']}", f"{zh} {en}", f"实际 actual {fmt(r['actual'])}",
        f"目标 target {target_text(r['comparator'], r['target'], r['target_high'], r['range_high'], r['tolerance'])} ({r['target_year']})",
        f"缺口 shortfall {fmt(r['shortfall'])} {r['numerator_measure']}" if r["shortfall"] is not None else "",
        r["reason"] or "") if x)
    return (f'<td class="cell" style="background:{colour};color:{_ink(colour)}" title="{html.escape(tip)}">{fmt(r["actual"])}'
            f"<small>{html.escape(shortfall_text(r['shortfall']))}</small></td>")


def _norm_header(rows: list[dict]) -> str:
    r = rows[0]
    return (f"<th>{html.escape(r['name_zh'])}<br><small>{html.escape(r['name_en'])}</small>"
            f'<div class="quote">{html.escape(r["quote"])}</div></th>'
            f"<td>{html.escape(target_text(r['comparator'], r['target'], r['target_high'], r['range_high'], r['tolerance']))}"
            f"<br><small>{r['unit']} · {r['target_year']}</small></td>")


def _total(data: PlanData, norm_id: str, rows: list[dict]) -> str:
    if norm_id in data.totals:
        units, total = data.totals[norm_id]
        return f'<td class="num">{html.escape(shortfall_text(total))}<br><small>{units} 单位 units · {rows[0]["numerator_measure"]}</small></td>'
    own = [r["shortfall"] for r in rows if r["shortfall"] is not None]
    return f'<td class="num">{html.escape(shortfall_text(sum(own))) if len(own) == 1 else ""}</td>'


def scorecard_html(data: PlanData) -> str:
    by_level: dict[str, dict[str, list[dict]]] = {}
    for r in data.rows:
        by_level.setdefault(r["scope_level"], {}).setdefault(r["norm_id"], []).append(r)
    parts = [_legend()]
    for level in LEVELS:
        norms = by_level.get(level)
        if not norms:
            continue
        units = sorted({(r["unit_key"], r["unit_name"]) for rows in norms.values() for r in rows})
        parts.append(f"<h3>{LEVEL_NAMES[level]} · {len(norms)} 项标准 norms · {len(units)} 个单位 units</h3>")
        if len(units) <= MAX_MATRIX_UNITS:
            head = "".join(f"<th>{html.escape(name)}</th>" for _, name in units)
            lines = [f'<table class="scorecard"><tr><th>标准 norm</th><th>目标 target</th>{head}<th>缺口合计 shortfall</th></tr>']
            for norm_id, rows in norms.items():
                cells = {r["unit_key"]: r for r in rows}
                tds = "".join(_cell(cells[k]) if k in cells else "<td></td>" for k, _ in units)
                lines.append(f"<tr>{_norm_header(rows)}{tds}{_total(data, norm_id, rows)}</tr>")
            parts.append("\n".join(lines) + "</table>")
        else:
            lines = ['<table class="scorecard"><tr><th>标准 norm</th><th>目标 target</th><th>单位 units</th>'
                     "<th>未达标单位, 最差在前 units not met, worst first</th><th>缺口合计 shortfall</th></tr>"]
            for norm_id, rows in norms.items():
                counts = progress_counts(rows)
                summary = " ".join(f'<span class="chip" style="background:{CLASSES[k][2]};color:{_ink(CLASSES[k][2])}">{CLASSES[k][0]} {n}</span>'
                                   for k, n in counts.items())
                worst = sorted((r for r in rows if r["status"] == "not_met"), key=_severity, reverse=True)
                chips = " ".join(
                    f'<span class="chip" style="background:{CLASSES[cell_class(r["status"], r["progress"], r["applies"])][2]};'
                    f'color:{_ink(CLASSES[cell_class(r["status"], r["progress"], r["applies"])][2])}" '
                    f'title="{html.escape(r["unit_key"])}">{html.escape(r["unit_name"])} {fmt(r["actual"])} '
                    f"{html.escape(shortfall_text(r['shortfall']))}</span>" for r in worst[:12])
                more = f" … +{len(worst) - 12}" if len(worst) > 12 else ""
                lines.append(f"<tr>{_norm_header(rows)}<td>{summary}</td><td>{chips}{more}</td>{_total(data, norm_id, rows)}</tr>")
            parts.append("\n".join(lines) + "</table>")
    return "\n".join(parts)


def plan_page(con, data: PlanData, font_ok: bool, cache: ChartCache) -> tuple[str, int]:
    """The plan's page and the number of charts on it."""
    p = data.plan
    title = f"{p['name_zh']} · {p['name_en']}"
    body = [f"<p><a href=\"index.html\">← 全部规划 all plans</a></p><h1>{html.escape(p['name_zh'])}</h1>",
            f'<p class="sub">{html.escape(p["name_en"])} · 辖区 jurisdiction {p["jurisdiction_code"]} '
            f"{html.escape(p.get('region_name') or '')} · 规划期 period {p['period_start']}–{p['period_end']}</p>"]
    if data.year is None:
        body.append(f'<p class="warn" id="no-data">暂无数据 No data yet: the warehouse has no figures for the plan\'s '
                    f"jurisdiction {p['jurisdiction_code']} {html.escape(p.get('region_name') or '')}, so none of its "
                    "norms can be judged. Ask the statisticians of that place to file population, facility and staff data.</p>")
        return _page(title, "\n".join(body), font_ok), 0
    h = data.headline
    counts = progress_counts(data.rows)
    cards = [("标准 norms judged", h.get("norms_judged", 0)), ("达标 met", h.get("norms_met", 0)),
             ("未达标 not met", h.get("norms_not_met", 0)), ("无法评价 not evaluable", h.get("norms_not_evaluable", 0)),
             ("倒退 units deteriorating", counts.get("deterioration", 0)),
             ("需加速 units needing acceleration", counts.get("acceleration_needed", 0))]
    body.append(f'<h2>概况 Headline, {data.year}</h2><p class="cards">'
                + "".join(f"<span><b>{v}</b>{html.escape(k)}</span>" for k, v in cards) + "</p>")
    body.append(f'<h2 id="scorecard">计分卡 Scorecard, {data.year}</h2>'
                "<p class=\"sub\">每格: 实际值, 缺口 (分子单位, 按今日分母). Each cell: the unit's value and its shortfall in the "
                "numerator's own unit at today's denominator (缺 more needed, 超 too many). Hover for target, year and progress.</p>")
    body.append(scorecard_html(data))
    body.append('<h2 id="trends">趋势 Trends</h2><p class="sub">实线: 实际值; 虚线: 按最近3–5年趋势外推至目标年份; '
                "菱形: 分年度目标; 红线: 目标. Solid: observed; dashed: the least-squares trend of the latest 3–5 years "
                "extended to the target year; diamonds: milestones; red line: the target (dotted: upper end of a range).</p>")
    charts = 0
    by_norm: dict[str, list[dict]] = {}
    for r in data.rows:
        if r["indicator_unit"] != "flag" and r["applies"]:
            by_norm.setdefault(r["norm_id"], []).append(r)
    by_norm = {norm_id: rows for norm_id, rows in by_norm.items() if any(r["actual"] is not None for r in rows)}
    series = plan_series(con, by_norm)
    for norm_id, rows in by_norm.items():
        norms = _records(con, "SELECT target_year, threshold FROM marts.norms WHERE norm_id = ? ORDER BY target_year", [norm_id])
        svg, caption = chart_svg(rows, norms, series, cache)
        charts += 1
        r = rows[0]
        body.append(f'<figure class="chart"><figcaption><b>{html.escape(r["name_zh"])}</b> {html.escape(r["name_en"])} · '
                    f"{html.escape(target_text(r['comparator'], r['target'], r['target_high'], r['range_high'], r['tolerance']))} "
                    f"({r['target_year']}) · <span class=\"quote\">{html.escape(r['quote'])}</span></figcaption>{svg}"
                    f"<figcaption>{html.escape(caption)}</figcaption></figure>")
    if not charts:
        body.append("<p>没有可绘制的数据 No norm of this plan has data to chart.</p>")
    body.append(f'<h2 id="gaps">覆盖缺口 Coverage gaps, {data.year}</h2>')
    body.append(_table(["地点 place", "缺什么 what is missing"],
                       [(f"{g['facility_name'] or g['region_name'] or ''} ({g['facility_id'] or g['region_code']})",
                         g["what_is_missing"]) for g in data.gaps], "没有覆盖缺口 No coverage gaps."))
    body.append(f'<h2 id="quality">数据质量标记 Data-quality flags, {data.year - 4}–{data.year}</h2>'
                "<p class=\"sub\">WHO Data Quality Review flags on the plan's places and indicators: questions to ask, not errors.</p>")
    body.append(_table(["年份 year", "检查 check", "地点 place", "指标 indicator", "说明 detail"],
                       [(f["year"], f"{f['check_name']} {f['severity'] or ''}", f"{f['region_name'] or ''} ({f['region_code']})",
                         f["indicator_code"] or "", f["detail"]) for f in data.flags], "没有数据质量标记 No flags."))
    return _page(title, "\n".join(body), font_ok), charts


def _table(header: list[str], rows: list[tuple], empty: str) -> str:
    if not rows:
        return f"<p>{html.escape(empty)}</p>"
    more = f"<p class=\"sub\">… {len(rows) - MAX_LIST_ROWS} more in the warehouse</p>" if len(rows) > MAX_LIST_ROWS else ""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>" for row in rows[:MAX_LIST_ROWS])
    return f"<table><tr>{head}</tr>{body}</table>{more}"


def index_page(summaries: list[dict], built_at: str, font_ok: bool) -> str:
    rows = []
    for s in summaries:
        p = s["plan"]
        if s["year"] is None:
            status = '<td colspan="5" class="nodata">暂无数据 no data yet for the jurisdiction</td>'
        else:
            h = s["headline"]
            status = "".join(f'<td class="num">{v}</td>' for v in (
                s["year"], h.get("norms_judged", 0), h.get("norms_met", 0), h.get("norms_not_met", 0), h.get("norms_not_evaluable", 0)))
        rows.append(f'<tr><td><a href="{p["plan_id"]}.html">{html.escape(p["name_zh"])}</a><br><small>{html.escape(p["name_en"])}</small></td>'
                    f"<td>{p['jurisdiction_code']} {html.escape(p.get('region_name') or '')}</td>{status}</tr>")
    body = ("<h1>卫生健康规划进展报告 Health plan progress report</h1>"
            f'<p class="sub">数据仓库构建于 warehouse built {html.escape(built_at)} · 每次构建后更新 rebuilt after every run</p>'
            "<table><tr><th>规划 plan</th><th>辖区 jurisdiction</th><th>年份 year</th><th>标准 norms</th><th>达标 met</th>"
            "<th>未达标 not met</th><th>无法评价 not evaluable</th></tr>" + "".join(rows) + "</table>"
            "<p class=\"sub\">How to read the report: docs/analysts.md, \"Reading the report\".</p>")
    return _page("卫生健康规划进展报告 Health plan progress report", body, font_ok)


# ------------------------------------------------------------------------------------------------- build
@dataclass
class ReportResult:
    index: Path
    pages: dict[str, Path]
    headlines: list[tuple]  # plan_id, year, norms judged, met, not met, not evaluable, charts
    without_data: list[str]
    font_ok: bool


def build_report(warehouse_file: Path, report_dir: Path, tag: str) -> ReportResult:
    """Write the report for the warehouse file into report_dir, replacing the old one only once complete."""
    import vl_convert as vlc

    font_ok = font_available()
    fonts = tuple(font for font in FONT_FILES if Path(font).is_file())
    for font in fonts:
        vlc.register_font_directory(str(Path(font).parent))
    staging = report_dir.parent / f".report-{tag}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    cache = ChartCache(report_dir.parent / CHART_CACHE, fonts)
    try:
        result = _write(warehouse_file, staging, font_ok, cache)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap(staging, report_dir, tag)
    cache.prune()
    return ReportResult(index=report_dir / "index.html", pages={p: report_dir / f"{p}.html" for p, *_ in result[0]},
                        headlines=result[0], without_data=result[1], font_ok=font_ok)


def _write(warehouse_file: Path, staging: Path, font_ok: bool, cache: ChartCache) -> tuple[list[tuple], list[str]]:
    summaries, headlines, without_data = [], [], []
    with duckdb.connect(str(warehouse_file), read_only=True) as con:
        [(built_at,)] = con.execute("SELECT coalesce(any_value(built_at), '') FROM marts.build_info").fetchall()
        plans = _records(con, "SELECT p.*, r.region_name FROM marts.plans AS p "
                              "LEFT JOIN staging.regions AS r ON r.region_code = p.jurisdiction_code ORDER BY p.plan_id")
        for plan in plans:
            data = load_plan(con, plan)
            page, charts = plan_page(con, data, font_ok, cache)
            (staging / f"{plan['plan_id']}.html").write_text(page, encoding="utf-8")
            summaries.append({"plan": plan, "year": data.year, "headline": data.headline})
            h = data.headline
            headlines.append((plan["plan_id"], data.year, h.get("norms_judged"), h.get("norms_met"),
                              h.get("norms_not_met"), h.get("norms_not_evaluable"), charts))
            if data.year is None:
                without_data.append(plan["plan_id"])
    (staging / "index.html").write_text(index_page(summaries, str(built_at), font_ok), encoding="utf-8")
    return headlines, without_data


def _swap(new: Path, current: Path, tag: str) -> None:
    """Put the finished folder in place: the old report is renamed away, the new one renamed in, the old removed."""
    old = current.parent / f".report-old-{tag}"
    if current.exists():
        os.replace(current, old)
    os.replace(new, current)
    shutil.rmtree(old, ignore_errors=True)
