"""manage.py demo_logins: who you can sign in as on the demo."""

from django.core.management.base import BaseCommand

from familyhelp.demo.services import demo_logins


class Command(BaseCommand):
    help = "Print the demo logins (fictional county, development only)."

    def handle(self, *args, **options):
        rule = "-" * 64
        lines = [rule, "Demo logins (fictional data; never use these in production)", rule]
        for login in demo_logins():
            lines += [
                login.role,
                f"  Sign in at: {login.url}",
                f"  Username:   {login.username}",
                f"  Password:   {login.password}",
            ]
        lines.append(rule)
        self.stdout.write("\n".join(lines))
