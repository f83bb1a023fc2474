"""`seatdesk --lang zh`: errors, table headers and export headers in Chinese."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from seatdesk.cli.main import main
from seatdesk.domain.i18n import set_language

# Latin letters a Chinese line may keep: logins, option names, file names, Erlang, units.
KEEP = re.compile(r"demo_\w+|--[\w-]+|\S*/\S*|Erlang [AC]|\[OPTIONS\]|python|seatdesk|-m"
                  r"|report|kpi|\b[A-Za-z]\b")


@pytest.fixture(autouse=True)
def english_afterwards() -> Iterator[None]:
    yield
    set_language("en")


@pytest.fixture
def seeded_db(sqlite_url: str) -> str:
    assert _zh(sqlite_url, "seed", "--demo", "--customers", "10", "--days", "1",
               "--calls-per-day", "20")[0] == 0
    return sqlite_url


def _zh(db: str, *args: str) -> tuple[int, str]:
    # The demo users' published password proves each --as, as a script would.
    result = CliRunner().invoke(main, ["--db", db, "--lang", "zh", *args], prog_name="seatdesk",
                                env={"SEATDESK_PASSWORD": "demo1234"})
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert "Traceback" not in output, output
    return result.exit_code, output


def _english(text: str) -> list[str]:
    return re.findall(r"[A-Za-z]{2,}", KEEP.sub(" ", text))


def test_a_refused_command_says_why_in_chinese(seeded_db: str) -> None:
    code, out = _zh(seeded_db, "roster", "fill", "--week", "2026-03-09", "--as", "demo_qa")
    assert code != 0
    assert "错误：demo_qa（质检员）无权排班" in out, out
    assert not _english(out), out


def test_click_usage_errors_are_chinese(seeded_db: str) -> None:
    code, out = _zh(seeded_db, "report", "kpi", "--as", "demo_super")
    assert code != 0 and "错误：缺少选项" in out and "用法：" in out, out
    assert not _english(out), out
    code, out = _zh(seeded_db, "report", "kpi", "--from", "x", "--as", "demo_super")
    assert code != 0 and "无法识别日期" in out and not _english(out), out


def test_forecast_takes_chinese_headers_and_prints_chinese_ones(seeded_db: str,
                                                                tmp_path: Path) -> None:
    forecast = tmp_path / "预测.csv"
    forecast.write_text("时段,话务量,平均处理时长\n09:00,100,180\n09:30,120,\n", encoding="utf-8")
    code, out = _zh(seeded_db, "staffing", "--forecast", str(forecast), "--aht", "200",
                    "--interval", "30", "--answer-within", "20", "--target-sl", "0.8")
    assert code == 0, out
    header = out.splitlines()[1]
    assert header.split()[:3] == ["时段", "来电量", "平均处理时长（秒）"], out
    assert not _english(out), out
    bad = tmp_path / "bad.csv"
    bad.write_text("when,calls\n09:00,100\n", encoding="utf-8")
    code, out = _zh(seeded_db, "staffing", "--forecast", str(bad), "--aht", "200",
                    "--interval", "30", "--answer-within", "20", "--target-sl", "0.8")
    assert code != 0 and "错误：" in out and "缺少列" in out, out


def test_report_and_export_headers_are_chinese(seeded_db: str, tmp_path: Path) -> None:
    code, out = _zh(seeded_db, "report", "kpi", "--from", "2026-03-01", "--to", "2026-03-02",
                    "--as", "demo_super")
    assert code == 0 and out.splitlines()[0].split()[:3] == ["时段", "呼入量", "接通量"], out
    assert not _english(out), out
    target = tmp_path / "calls.csv"
    code, out = _zh(seeded_db, "export", "calls", "--from", "2000-01-01", "--to", "today",
                    "--format", "csv", "--out", str(target), "--as", "demo_super")
    assert code == 0, out
    header = target.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("通话,时间,方向,状态,队列,号码") and not _english(header), header


def _export(db: str, lang: str, what: str, fmt: str, target: Path) -> None:
    result = CliRunner().invoke(main, ["--db", db, "--lang", lang, "export", what, "--from",
                                       "2000-01-01", "--to", "today", "--format", fmt,
                                       "--out", str(target), "--as", "demo_super"],
                                prog_name="seatdesk", env={"SEATDESK_PASSWORD": "demo1234"})
    assert result.exit_code == 0, result.output


def _csv(path: Path) -> list[dict[str, str]]:
    import csv

    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_export_code_values_read_as_words_in_csv_and_xlsx(seeded_db: str,
                                                          tmp_path: Path) -> None:
    from openpyxl import load_workbook

    _export(seeded_db, "zh", "calls", "csv", tmp_path / "zh.csv")
    zh = _csv(tmp_path / "zh.csv")
    assert zh and {r["方向"] for r in zh} <= {"呼入", "呼出"}, zh[0]
    assert {r["状态"] for r in zh} <= {"已结束", "放弃", "排队中", "话后处理", "通话中"}, zh[0]
    # Category, disposition, queue: words and names a Chinese reader reads, no codes.
    shown = [r[k] for r in zh for k in ("类别", "处理结果", "队列", "外呼目的", "外呼结果")]
    assert not [v for v in shown if re.search(r"[a-z]{2,}", v)], sorted(set(shown))
    _export(seeded_db, "en", "calls", "csv", tmp_path / "en.csv")
    en = _csv(tmp_path / "en.csv")
    assert {r["Direction"] for r in en} <= {"inbound", "outbound"}
    assert not [r for r in en if "_" in r["State"] + r["Category"] + r["Disposition"]
                + r["Outbound outcome"]], en[0]
    _export(seeded_db, "zh", "calls", "xlsx", tmp_path / "zh.xlsx")
    sheet = load_workbook(tmp_path / "zh.xlsx").active
    rows = list(sheet.iter_rows(values_only=True))
    state = rows[0].index("状态")
    assert {r[state] for r in rows[1:]} == {r["状态"] for r in zh}
    # JSON is for programs: the stored codes, whatever the reader's language.
    _export(seeded_db, "zh", "calls", "json", tmp_path / "zh.json")
    import json

    data = json.loads((tmp_path / "zh.json").read_text(encoding="utf-8"))
    assert {d["direction"] for d in data} <= {"inbound", "outbound"}
    assert {d["state"] for d in data} <= {"closed", "abandoned", "queued", "wrap_up", "active"}


def test_complaint_and_callback_exports_show_words(seeded_db: str, tmp_path: Path) -> None:
    from seatdesk.services.complaints import ComplaintInput
    from seatdesk.services.container import Backend

    backend = Backend.open(seeded_db)
    try:  # a complaint, and the return call it schedules
        backend.complaints.register(backend.users.actor("demo_agent"), ComplaintInput(
            customer_id=1, category="delivery", summary="送货晚了", severity="high"))
    finally:
        backend.close()
    _export(seeded_db, "zh", "complaints", "csv", tmp_path / "complaints.csv")
    [row] = _csv(tmp_path / "complaints.csv")
    assert (row["类别"], row["严重程度"], row["状态"]) == (
        _zh_word("delivery"), _zh_word("high"), _zh_word("registered")), row
    assert not re.search(r"[a-z]{2,}", row["类别"] + row["严重程度"] + row["状态"]), row
    _export(seeded_db, "zh", "callbacks", "csv", tmp_path / "callbacks.csv")
    rows = _csv(tmp_path / "callbacks.csv")
    coded = [v for r in rows for v in (r["目的"], r["来源"], r["状态"])]
    assert rows and not [v for v in coded if re.search(r"[a-z]{2,}", v)], rows
    _export(seeded_db, "en", "complaints", "csv", tmp_path / "en.csv")
    [row] = _csv(tmp_path / "en.csv")
    assert (row["category"], row["severity"]) == ("delivery", "high"), row


def _zh_word(code: str) -> str:
    from seatdesk.domain.i18n import translate

    return translate(code, "zh")
