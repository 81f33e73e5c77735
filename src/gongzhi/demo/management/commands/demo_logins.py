"""`gongzhi demo_logins`: the demo sign-ins, read back from the database."""

from typing import Any

from django.core.management.base import BaseCommand

from gongzhi.accounts.models import RoleAssignment, User
from gongzhi.accounts.roles import Role
from gongzhi.demo.logins import DEMO_PASSWORD, LOGINS

URL = "http://127.0.0.1:8000/"


def _width(text: str) -> int:
    """Display width: CJK characters take two columns in a terminal."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


class Command(BaseCommand):
    help = "列出演示登录账号 / List the demo sign-ins."

    def handle(self, *args: Any, **options: Any) -> None:
        users = {
            u.username: u
            for u in User.objects.filter(username__in=[x.username for x in LOGINS]).select_related("person")
        }
        if not users:
            self.stdout.write(
                "还没有演示数据,请先运行 gongzhi demo / no demo data yet: run `gongzhi demo` first"
            )
            return
        rows = [
            (
                "角色 role",
                "用户名 username",
                "密码 password / 登录方式",
                "姓名 name",
                "范围 territory / organisation",
            )
        ]
        for login in LOGINS:
            user = users.get(login.username)
            if user is None:
                continue
            assignment = (
                RoleAssignment.objects.filter(person=user.person, role=login.role)
                .select_related("territory", "organisation")
                .first()
            )
            if assignment and assignment.organisation:
                where = assignment.organisation.name
            elif assignment and assignment.territory:
                where = assignment.territory.full_name()
            else:
                where = "全平台 whole platform"
            secret = (
                f"手机 {login.phone} + 验证码 one-time code (见服务器控制台 server console)"
                if login.role == Role.RESIDENT
                else DEMO_PASSWORD
            )
            rows.append(
                (
                    f"{Role(login.role).label} {login.label_en}",
                    login.username,
                    secret,
                    user.display_name,
                    where,
                )
            )
        widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
        for index, row in enumerate(rows):
            self.stdout.write("  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip())
            if index == 0:
                self.stdout.write("  ".join("-" * w for w in widths))
        self.stdout.write("")
        self.stdout.write(
            f"员工登录 staff sign-in: {URL}accounts/login/ · 居民登录 resident sign-in: {URL}accounts/resident-login/"
        )
        self.stdout.write(f"打开 open {URL}")
