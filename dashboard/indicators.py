"""Indicator arithmetic: stored rows in, one row per zone and year out.

Pure functions of DataFrames, no database and no Dash, so the pages, the export, the CLI and
the tests all get the same numbers. The column names are an interface (see COLUMNS).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .ingest.spec import CONSERVATIVE, RADICAL, THEME_IDS
from .ingest.text import norm
from .metrics import QUALITY_INDICATORS

CARRY_OVER_LIMIT = 0.03  # a unit may carry ±3 % of its wage costs into next year

SURVEY_COLUMNS = [f"survey_{t}" for t in THEME_IDS]
COUNCIL_COLUMNS = [
    "council_meetings",
    "council_representatives",
    "council_inputs",
    "council_followed_up",
    "council_followup_rate",
    "council_decisions",
    "council_chaired",
]
BUDGET_COLUMNS = [
    "budget",
    "actual",
    "wage_costs",
    "result",
    "result_pct",
    "carry_over",
    "inntrekk_streak",
]
RISK_COLUMNS = [
    "risk_tolerance",
    "error_quota",
    "experiments_started",
    "experiments_stopped",
    "development_funds",
]
PROJECT_COLUMNS = [
    "projects_active",
    "projects_conservative",
    "projects_radical",
    "projects_top_down",
    "projects_bottom_up",
    "projects_late_entry",
]
GOAL_COLUMNS = [
    "goals_count",
    "goals_measured",
    "goals_reached",
    "goals_close",
    "goals_reached_share",
]
QUALITY_COLUMNS = ["quality_primary_contact", "quality_helpers"]
COLUMNS = [
    "zone_id",
    "zone",
    "year",
    "survey_respondents",
    *SURVEY_COLUMNS,
    *COUNCIL_COLUMNS,
    *BUDGET_COLUMNS,
    *RISK_COLUMNS,
    *PROJECT_COLUMNS,
    *GOAL_COLUMNS,
    *QUALITY_COLUMNS,
]
# A goal is "close" when its result misses the target by at most this share of the target
# (the default of DASHBOARD_TARGET_CLOSE_PCT).
CLOSE_SHARE = 0.05
GOAL_STATUSES = ("reached", "close", "not_reached", "not_measured")
KEY = ["zone_id", "year"]


def _empty(frame: pd.DataFrame | None) -> bool:
    return frame is None or frame.empty


def survey_indicators(survey: pd.DataFrame, threshold: int) -> pd.DataFrame:
    if _empty(survey):
        return pd.DataFrame(columns=[*KEY, "survey_respondents", *SURVEY_COLUMNS])
    frame = survey.copy()
    # A score from fewer answers than the threshold is never shown: null it here, once.
    frame["shown"] = frame["score"].where(frame["respondents"] >= threshold)
    scores = frame.pivot_table(
        index=KEY, columns="theme", values="shown", aggfunc="mean", dropna=False
    )
    scores = scores.reindex(columns=THEME_IDS)
    scores.columns = SURVEY_COLUMNS
    respondents = frame.groupby(KEY)["respondents"].max().rename("survey_respondents")
    return pd.concat([respondents, scores], axis=1).reset_index()


def council_indicators(council: pd.DataFrame, zone_years: pd.DataFrame) -> pd.DataFrame:
    if _empty(council):
        return pd.DataFrame(columns=[*KEY, *COUNCIL_COLUMNS])
    frame = council.copy()
    frame["decisions"] = frame["decisions"].fillna(0)
    frame["chaired"] = frame["chaired"].fillna(False).astype(bool)
    grouped = frame.groupby(KEY).agg(
        council_meetings=("date", "nunique"),
        council_representatives=("representatives", "sum"),
        council_inputs=("inputs", "sum"),
        council_followed_up=("followed_up", "sum"),
        council_decisions=("decisions", "sum"),
        council_chaired=("chaired", "sum"),
    )
    # Zones with no rows in a year that has council data get zeros; other years stay null.
    years_with_data = set(frame["year"])
    base = zone_years[zone_years["year"].isin(years_with_data)].set_index(KEY)
    out = grouped.reindex(base.index.union(grouped.index), fill_value=0)
    inputs = out["council_inputs"].astype(float)
    out["council_followup_rate"] = (out["council_followed_up"] / inputs).where(inputs > 0)
    for col in COUNCIL_COLUMNS:
        if col != "council_followup_rate":
            out[col] = out[col].astype("int64")
    return out.reset_index()[[*KEY, *COUNCIL_COLUMNS]]


def budget_indicators(economy: pd.DataFrame) -> pd.DataFrame:
    if _empty(economy):
        return pd.DataFrame(columns=[*KEY, *BUDGET_COLUMNS])
    frame = economy[[*KEY, "budget", "actual", "wage_costs"]].copy()
    frame["result"] = frame["budget"] - frame["actual"]
    frame["result_pct"] = frame["result"] / frame["budget"]
    limit = frame["wage_costs"] * CARRY_OVER_LIMIT
    frame["carry_over"] = frame["result"].clip(lower=-limit, upper=limit)
    frame["inntrekk_streak"] = inntrekk_streaks(frame)
    return frame[[*KEY, *BUDGET_COLUMNS]]


def inntrekk_streaks(frame: pd.DataFrame) -> pd.Series:
    """Consecutive years, ending with this one, with negative carry-over (0 if not this year)."""
    streak = np.zeros(len(frame), dtype="int64")
    zones, years = frame["zone_id"].tolist(), frame["year"].tolist()
    carry = frame["carry_over"].tolist()
    runs: dict[str, tuple[int, object]] = {}  # zone -> (run, its last year so far)
    # Year by year (plain lists: a 400-zone store has 4 000 rows), each zone's run so far.
    for i in np.argsort(frame["year"].to_numpy(), kind="stable").tolist():
        zone = zones[i]
        if pd.isna(zone):
            continue
        run, last_year = runs.get(zone, (0, None))
        consecutive = last_year is not None and years[i] == last_year + 1
        run = (run + 1 if consecutive else 1) if carry[i] < 0 else 0
        streak[i] = run
        runs[zone] = (run, years[i])
    return pd.Series(streak, index=frame.index)


def risk_indicators(risk: pd.DataFrame) -> pd.DataFrame:
    if _empty(risk):
        return pd.DataFrame(columns=[*KEY, *RISK_COLUMNS])
    return risk[[*KEY, *RISK_COLUMNS]].copy()


def explode_projects(projects: pd.DataFrame) -> pd.DataFrame:
    """One row per project and zone: a project shared by three zones counts for each."""
    if _empty(projects):
        return pd.DataFrame(columns=[*projects.columns, "zone_id"] if projects is not None else [])
    frame = projects.copy()
    frame["zone_id"] = frame["zones"].str.split(";")
    return frame.explode("zone_id", ignore_index=True)


def project_indicators(projects: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    if _empty(projects) or not years:
        return pd.DataFrame(columns=[*KEY, *PROJECT_COLUMNS])
    per_zone = explode_projects(projects)
    # One 0/1 column per count, computed once; each year is then a masked sum per zone.
    counts = pd.DataFrame(
        {
            "projects_active": 1,
            "projects_conservative": per_zone["ladder_class"] == CONSERVATIVE,
            "projects_radical": per_zone["ladder_class"] == RADICAL,
            "projects_top_down": per_zone["initiator_class"] == "top-down",
            "projects_bottom_up": per_zone["initiator_class"] == "bottom-up",
            "projects_late_entry": per_zone["entry"] == "Sent",
        },
        index=per_zone.index,
    ).astype("int64")
    start = pd.to_numeric(per_zone["start_year"])
    end = pd.to_numeric(per_zone["end_year"])
    parts = []
    for year in years:
        active = ((start <= year) & (end.isna() | (end >= year))).to_numpy()
        if not active.any():
            continue
        summed = counts[active].groupby(per_zone["zone_id"].to_numpy()[active]).sum()
        summed.index.name = "zone_id"
        parts.append(summed.reset_index().assign(year=year))
    if not parts:
        return pd.DataFrame(columns=[*KEY, *PROJECT_COLUMNS])
    return pd.concat(parts, ignore_index=True)[[*KEY, *PROJECT_COLUMNS]]


def goal_status(actual, target, direction, close_share: float = CLOSE_SHARE) -> pd.Series:
    """Per goal: reached, close, not_reached or not_measured (no result yet).

    Lower is better when `direction` is "lower"; otherwise higher is (the contract's
    default). Close: the result misses by at most `close_share` of the target."""
    actual = pd.to_numeric(pd.Series(actual), errors="coerce")
    target = pd.to_numeric(pd.Series(target, index=actual.index), errors="coerce")
    lower = pd.Series(direction, index=actual.index).eq("lower")
    gap = (actual - target).where(~lower, target - actual)  # >= 0 means reached
    margin = close_share * target.abs()
    status = np.select(
        [actual.isna() | target.isna(), gap >= 0, gap >= -margin],
        ["not_measured", "reached", "close"],
        "not_reached",
    )
    return pd.Series(status, index=actual.index)


def goal_rows(goals: pd.DataFrame | None, close_share: float = CLOSE_SHARE) -> pd.DataFrame:
    """The goals with their status and the same goal's result the year before."""
    if _empty(goals):
        return pd.DataFrame(
            columns=[*KEY, "goal", "indicator", "target", "actual", "direction", "status"]
        )
    frame = goals.copy()
    frame["direction"] = frame["direction"].where(frame["direction"].eq("lower"), "higher")
    frame["status"] = goal_status(frame["actual"], frame["target"], frame["direction"], close_share)
    previous = frame[["zone_id", "year", "goal", "indicator", "actual"]].copy()
    previous["year"] = previous["year"] + 1
    previous = previous.drop_duplicates(["zone_id", "year", "goal", "indicator"])
    frame = frame.merge(
        previous.rename(columns={"actual": "previous"}),
        on=["zone_id", "year", "goal", "indicator"],
        how="left",
    )
    return frame


def goal_indicators(goals: pd.DataFrame | None, close_share: float = CLOSE_SHARE) -> pd.DataFrame:
    rows = goal_rows(goals, close_share)
    if rows.empty:
        return pd.DataFrame(columns=[*KEY, *GOAL_COLUMNS])
    grouped = rows.assign(
        measured=rows["status"] != "not_measured",
        reached=rows["status"] == "reached",
        close=rows["status"] == "close",
    ).groupby(KEY)
    out = pd.DataFrame(
        {
            "goals_count": grouped.size(),
            "goals_measured": grouped["measured"].sum(),
            "goals_reached": grouped["reached"].sum(),
            "goals_close": grouped["close"].sum(),
        }
    ).astype("int64")
    measured = out["goals_measured"].astype(float)
    out["goals_reached_share"] = (out["goals_reached"] / measured).where(measured > 0)
    return out.reset_index()


def quality_indicators(quality: pd.DataFrame | None) -> pd.DataFrame:
    """The contract's known quality indicators as columns (others stay in their own table)."""
    if _empty(quality):
        return pd.DataFrame(columns=[*KEY, *QUALITY_COLUMNS])
    column = quality["indicator"].map(lambda name: QUALITY_INDICATORS.get(norm(name), (None,))[0])
    known = quality.assign(column=column).dropna(subset=["column"])
    if known.empty:
        return pd.DataFrame(columns=[*KEY, *QUALITY_COLUMNS])
    wide = known.pivot_table(index=KEY, columns="column", values="value", aggfunc="mean")
    return wide.reindex(columns=QUALITY_COLUMNS).reset_index()


def _years(frame: pd.DataFrame | None, *columns: str) -> set[int]:
    if _empty(frame):
        return set()
    found: set[int] = set()
    for col in columns:
        found.update(int(y) for y in frame[col].dropna().unique())
    return found


def _zone_years(frame: pd.DataFrame | None) -> pd.DataFrame:
    if _empty(frame):
        return pd.DataFrame(columns=KEY)
    return frame[KEY].drop_duplicates()


def compute_indicators(
    tables: dict[str, pd.DataFrame],
    zones: pd.DataFrame,
    threshold: int = 5,
    close_share: float = CLOSE_SHARE,
) -> pd.DataFrame:
    """The indicator table: one row per zone and year that has data, columns as COLUMNS."""
    survey = tables.get("survey")
    council = tables.get("council_meetings")
    economy = tables.get("economy")
    risk = tables.get("risk_tolerance")
    projects = tables.get("projects")

    years = sorted(
        _years(survey, "year")
        | _years(council, "year")
        | _years(economy, "year")
        | _years(risk, "year")
        | _years(tables.get("quality_indicators"), "year")
        | _years(tables.get("goals"), "year")
        | _years(projects, "start_year", "end_year")
    )
    project_table = project_indicators(projects, years)
    zone_years = pd.concat(
        [
            _zone_years(survey),
            _zone_years(council),
            _zone_years(economy),
            _zone_years(risk),
            _zone_years(tables.get("quality_indicators")),
            _zone_years(tables.get("goals")),
            project_table[KEY],
        ],
        ignore_index=True,
    ).drop_duplicates()
    if zone_years.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in COLUMNS})
    zone_years = zone_years.astype({"year": "int64"})

    out = zone_years
    for part in (
        survey_indicators(survey, threshold),
        council_indicators(council, zone_years),
        budget_indicators(economy),
        risk_indicators(risk),
        goal_indicators(tables.get("goals"), close_share),
        quality_indicators(tables.get("quality_indicators")),
    ):
        if not part.empty:
            part = part.astype({"year": "int64"})
        out = out.merge(part, on=KEY, how="left")
    if not _empty(projects):
        # Every zone gets zeros once any project data is stored.
        project_table = project_table.astype({"year": "int64"})
        out = out.merge(project_table, on=KEY, how="left")
        out[PROJECT_COLUMNS] = out[PROJECT_COLUMNS].fillna(0).astype("int64")
    else:
        for col in PROJECT_COLUMNS:
            out[col] = pd.NA

    names = dict(zip(zones["id"], zones["name"], strict=False)) if not zones.empty else {}
    order = {zone_id: i for i, zone_id in enumerate(names)}
    out["zone"] = out["zone_id"].map(names).fillna(out["zone_id"])
    out["_order"] = out["zone_id"].map(order).fillna(len(order))
    out = out.sort_values(["year", "_order"]).drop(columns="_order").reset_index(drop=True)
    for col in COLUMNS:
        if col not in out:
            out[col] = np.nan
    return out[COLUMNS]


# No number the dashboard shows comes near this (a budget of a billion kroner is 1e9).
IMPLAUSIBLE = 1e15


def numeric(table: pd.DataFrame, columns) -> pd.DataFrame:
    """The columns as floats; anything that is not a finite, plausible number becomes null,
    so one impossible value (an infinite share, an amount of 1e28) can never become a
    median or a rank, or a page that cannot be drawn."""
    values = table[list(columns)].apply(pd.to_numeric, errors="coerce").astype("float64")
    return values.where(np.isfinite(values) & (values.abs() < IMPLAUSIBLE))


def municipal_median(table: pd.DataFrame, year: int, columns: list[str]) -> pd.Series:
    """The median across zones for one year, ignoring nulls (suppressed scores stay out)."""
    rows = table[table["year"] == year]
    return numeric(rows, columns).median(skipna=True)


def year_medians(table: pd.DataFrame, columns) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per year and column: the median across zones and how many zones it is over."""
    values = numeric(table, columns)
    grouped = values.groupby(table["year"].to_numpy())
    return grouped.median(), grouped.count()


def competition_ranks(
    table: pd.DataFrame, column: str, better: str, values: pd.Series | None = None
) -> pd.DataFrame:
    """Standard competition ranking per year, with ties kept as a span.

    `first`: 1 + the zones strictly better; `last`: the zones better or equal; `of`: the
    zones with a value. Eight zones tied at 0 behind five are all 6.–13. of 13. `values`:
    the column already made numeric (see `numeric`), if the caller has it."""
    values = numeric(table, [column])[column] if values is None else values
    by_year = values.groupby(table["year"].to_numpy())
    ascending = better == "lower"
    return pd.DataFrame(
        {
            "first": by_year.rank(method="min", ascending=ascending),
            "last": by_year.rank(method="max", ascending=ascending),
            "of": values.notna().groupby(table["year"].to_numpy()).transform("sum"),
        }
    )
