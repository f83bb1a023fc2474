"""Administration, sign-in and identity on the command line."""

MESSAGES: dict[str, str] = {
    "wrong login or password (after {n} failures in a row an account is locked for {m} "
    "minutes)": "登录名或密码错误（连续失败 {n} 次后账号将锁定 {m} 分钟）",
    "the call record is too long to keep as a draft (at most {n} KB)":
        "通话记录过长，无法保存为草稿（最多 {n} KB）",
}
