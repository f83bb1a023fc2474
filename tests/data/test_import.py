"""Importing customer lists: validation by line, all or nothing, idempotent re-runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from seatdesk.data.models import AuditEntry, Customer, CustomerPhone
from seatdesk.domain.errors import InvalidInput, PermissionDenied
from seatdesk.exchange.importer import import_customers
from seatdesk.services.dto import SYSTEM, CustomerInput

HEADER = "客户编号,姓名,公司,电话,手机,邮箱,等级,大客户,危险客户,备注\n"
GOOD = (HEADER
        + "K001,王芳,上海华信科技有限公司,021-6123 4567,138 0013 8000,wf@163.com,A,是,否,老客户\n"
        + "K002,李雷,,,13900139000;15000150000,,c,no,恶意投诉,\n"
        + "K003,Anna Smith,Northwind,,13700137000,anna@example.com,B,1,0,\"多行\n备注\"\n")


def _super(backend):
    backend.users.add_user("boss", name="Boss", role="supervisor", password="secret123")
    return backend.users.actor("boss")


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8-sig") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _customers(backend) -> dict[str, Customer]:
    with backend.db.read() as s:
        rows = s.scalars(select(Customer)).all()
        for c in rows:
            c.numbers = sorted(p.number for p in c.phones)
        return {c.name: c for c in rows}


def test_good_file_then_idempotent_rerun(backend, tmp_path):
    boss = _super(backend)
    path = _write(tmp_path, "list.csv", GOOD)
    report = import_customers(backend, boss, path)
    assert (report.created, report.updated, report.unchanged, report.problems) == (3, 0, 0, ())
    people = _customers(backend)
    wang = people["王芳"]
    assert wang.numbers == ["+8613800138000", "+862161234567"]
    assert wang.grade == "A" and wang.key_account and not wang.risk_flag
    assert wang.external_ref == "K001" and wang.company == "上海华信科技有限公司"
    li = people["李雷"]
    assert li.grade == "C" and li.risk_flag and li.risk_reason == "恶意投诉"
    assert li.numbers == ["+8613900139000", "+8615000150000"]
    assert people["Anna Smith"].notes == "多行\n备注"
    again = import_customers(backend, boss, path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    with backend.db.read() as s:
        audits = s.scalars(select(AuditEntry).where(AuditEntry.action == "customer.import")
                           .order_by(AuditEntry.id)).all()
    assert [a.detail["created"] for a in audits] == [3, 0]
    assert audits[1].detail["unchanged"] == 3 and audits[0].detail["file"] == "list.csv"


def test_changed_row_is_an_update_of_the_file_columns_only(backend, tmp_path):
    boss = _super(backend)
    cid = backend.customers.create(boss, CustomerInput(
        name="王芳", phones=("13800138000",), position="采购经理", grade="B")).id
    path = _write(tmp_path, "x.csv", "姓名,手机,等级\n王芳,13800138000,A\n赵六,13600136000,\n")
    report = import_customers(backend, boss, path)
    assert (report.created, report.updated, report.unchanged) == (1, 1, 0)
    with backend.db.read() as s:
        wang = s.get(Customer, cid)
        assert wang.grade == "A" and wang.position == "采购经理" and wang.version == 2


def test_bad_rows_reported_by_line_and_nothing_imported(backend, tmp_path):
    boss = _super(backend)
    text = (HEADER
            + "K010,张三,,,13800000001,,A,是,,\n"
            + "K011,,,,13800000002,,B,,,\n"                    # line 3: no name
            + "K012,李四,,,12345,,B,,,\n"                      # line 4: bad phone
            + "K013,王五,,,13800000003,not-an-email,B,,,\n"    # line 5: e-mail
            + "K014,赵六,,,13800000004,,E,,,\n"                # line 6: grade
            + "K015,孙七,,,13800000005,,A,maybe,,\n"           # line 7: key account
            + "K010,周八,,,13800000006,,A,,,\n"                # line 8: duplicate ref
            + "K016,钱\x1b[31m九,,,13800000007,,A,,,\n")       # line 9: escape sequence
    path = _write(tmp_path, "bad.csv", text)
    report = import_customers(backend, boss, path)
    lines = {p.line: p.message for p in report.problems}
    assert sorted(lines) == [3, 4, 5, 6, 7, 8, 9]
    assert "name" in lines[3] and "phones" in lines[4] and "e-mail" in lines[5]
    assert "grade" in lines[6] and "line 2" in lines[8] and "control" in lines[9]
    assert not report.committed
    with backend.db.read() as s:
        assert s.scalar(select(func.count(Customer.id))) == 0
    skipped = import_customers(backend, boss, path, skip_bad=True)
    assert skipped.committed and skipped.created == 1 and skipped.skipped == 7
    assert list(_customers(backend)) == ["张三"]


def test_dry_run_writes_nothing(backend, tmp_path):
    boss = _super(backend)
    report = import_customers(backend, boss, _write(tmp_path, "a.csv", GOOD), dry_run=True)
    assert report.dry_run and report.created == 3 and not report.committed
    assert _customers(backend) == {}


def test_xlsx_with_numeric_phones(backend, tmp_path):
    boss = _super(backend)
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "手机", "区域", "大客户"])
    sheet.append(["陈静", 13800138000, "华东", True])
    sheet.append([None, None, None, None])
    sheet.append(["刘洋", "010-6552 9988", "华北", False])
    path = tmp_path / "list.xlsx"
    book.save(path)
    report = import_customers(backend, boss, path)
    assert report.created == 2 and not report.problems
    people = _customers(backend)
    assert people["陈静"].numbers == ["+8613800138000"] and people["陈静"].key_account
    assert people["刘洋"].numbers == ["+861065529988"] and people["刘洋"].region == "华北"


def test_gb18030_csv_and_map(backend, tmp_path):
    boss = _super(backend)
    text = "Full Name,Cell,Remark\n黄晓明,13912345678,重要\n"
    path = _write(tmp_path, "gbk.csv", text, encoding="gb18030")
    with pytest.raises(InvalidInput) as err:
        import_customers(backend, boss, path)
    assert "name" in str(err.value)
    report = import_customers(backend, boss, path,
                              column_map={"Full Name": "name", "Cell": "phone",
                                          "Remark": "notes"})
    assert report.created == 1
    assert _customers(backend)["黄晓明"].notes == "重要"
    with pytest.raises(InvalidInput):
        import_customers(backend, boss, path, column_map={"Nope": "name"})
    with pytest.raises(InvalidInput):
        import_customers(backend, boss, path, column_map={"Cell": "shoe_size"})


def test_permission_refused(backend, tmp_path):
    backend.users.add_user("a1", name="A", role="agent", password="secret123")
    with pytest.raises(PermissionDenied):
        import_customers(backend, backend.users.actor("a1"), _write(tmp_path, "a.csv", GOOD))
    assert _customers(backend) == {}


def test_match_by_name_and_phone_and_missing_file(backend, tmp_path):
    boss = _super(backend)
    backend.customers.create(SYSTEM, CustomerInput(name="王芳", phones=("13800138000",)))
    path = _write(tmp_path, "m.csv", "姓名,电话\n王芳,13800138000/021-61234567\n")
    report = import_customers(backend, boss, path)
    assert (report.created, report.updated) == (0, 1)
    with backend.db.read() as s:
        assert s.scalar(select(func.count(CustomerPhone.id))) == 2
    with pytest.raises(InvalidInput):
        import_customers(backend, boss, tmp_path / "missing.csv")
