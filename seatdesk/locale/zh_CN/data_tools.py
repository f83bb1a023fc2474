"""Data tools: seed, import, export."""

MESSAGES: dict[str, str] = {
    # import
    "no name column (姓名/name); use --map COLUMN=name":
        "没有姓名列(姓名/name);请用 --map 列名=name",
    "at least one phone number is required": "至少需要一个电话号码",
    "cannot read {name}: use a .csv or .xlsx file": "无法读取 {name}:请使用 .csv 或 .xlsx 文件",
    "cannot read the file: it is neither UTF-8 nor GB18030 text":
        "无法读取文件:既不是 UTF-8 也不是 GB18030 编码的文本",
    "the file is empty": "文件为空",
    "{what} must be yes/no (是/否, 1/0), not {value!r}":
        "{what} 应为 是/否(yes/no、1/0),而不是 {value!r}",
    "no such file: {path}": "文件不存在:{path}",
    "line 1: {error}": "第 1 行:{error}",
    "line {line}: {error}": "第 {line} 行:{error}",
    "cannot read {name} as an Excel workbook ({error})":
        "无法将 {name} 作为 Excel 工作簿读取({error})",
    "--map: the file has no column {column!r}": "--map:文件中没有列 {column!r}",
    "--map: unknown field {field!r}; use one of {fields}":
        "--map:未知字段 {field!r};可用字段:{fields}",
    "two columns map to {field}; use --map to choose": "有两列都对应 {field};请用 --map 指定",
    "duplicate of line {other} (same name and phone number)": "与第 {other} 行重复(姓名和电话相同)",
    "duplicate of line {other} (same customer number {ref})":
        "与第 {other} 行重复(客户编号 {ref} 相同)",
    "importing": "正在导入",
    "{c} created, {u} updated, {n} unchanged": "新建 {c},更新 {u},未变 {n}",
    ", {b} bad rows": ",错误行 {b}",
    "line {line}: {message}": "第 {line} 行:{message}",
    "columns not imported: {cols}": "未导入的列:{cols}",
    "dry run (nothing written): {summary}": "试运行(未写入):{summary}",
    "use COLUMN=FIELD, not {item!r}": "请使用 列名=字段 的格式,而不是 {item!r}",
    "{b} bad rows: nothing imported (fix them, or use --skip-bad)":
        "{b} 行有错误:未导入任何数据(请修正,或使用 --skip-bad)",
    # export: the columns of 呼入/呼出业务记录表
    "Call": "呼叫编号",
    "Time": "时间",
    "Direction": "呼叫方向",
    "State": "状态",
    "Queue": "队列",
    "Number": "电话号码",
    "Customer": "客户",
    "Category": "业务类别",
    "Disposition": "处理结果",
    "Question": "客户问题",
    "Notes": "处理记录",
    "Resolved": "是否解决",
    "Handed to": "移交对象",
    "Agent": "座席员",
    "Agent no.": "工号",
    "Wait (s)": "等待(秒)",
    "Talk (s)": "通话(秒)",
    "Hold (s)": "保持(秒)",
    "Wrap-up (s)": "话后整理(秒)",
    "Satisfaction": "满意度",
    "Outbound purpose": "外呼目的",
    "Outbound outcome": "外呼结果",
    "{which}: a date is required": "{which}:请填写日期",
    "--to ({to}) is before --from ({start})": "--to({to})早于 --from({start})",
    "unknown format {fmt!r}; use csv, json or xlsx": "未知格式 {fmt!r};请使用 csv、json 或 xlsx",
    "{which}: cannot read {value!r} as a date "
    "(try 2026-11-01, 2026/11/01, today or yesterday)":
        "{which}:无法识别日期 {value!r}(可写 2026-11-01、2026/11/01、today 或 yesterday)",
    "an XLSX file cannot go to the terminal: use --out FILE":
        "XLSX 文件不能输出到终端:请用 --out 文件名",
    "{n} calls written to {out}": "已将 {n} 条呼叫记录写入 {out}",
    "{n} rows…": "{n} 行……",
    # seed
    "seeding": "正在生成演示数据",
    "the database already holds customers or calls; use --append to add more":
        "数据库中已有客户或呼叫记录;如需追加请使用 --append",
    "{c} customers, {p} phone numbers, {k} contracts, {n} calls in {s:.1f} s "
    "({r:,.0f} calls/s)": "{c} 个客户、{p} 个电话号码、{k} 份合同、{n} 通呼叫,用时 {s:.1f} 秒"
                          "(每秒 {r:,.0f} 通)",
    "demo users (password demo1234): demo_agent, demo_lead, demo_qa, demo_super, demo_admin":
        "演示用户(密码 demo1234):demo_agent、demo_lead、demo_qa、demo_super、demo_admin",
}
