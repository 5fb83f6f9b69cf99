import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from hrdd.contracts.services import reminders_send
from hrdd.contracts.verdicts import obligation_verdicts_refresh_daily


class Command(BaseCommand):
    help = "Send the reminder e-mails due today, before and after each deadline (safe to run twice)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--today", help="Pretend today is this date (YYYY-MM-DD).")

    def handle(self, *args: object, **options: object) -> None:
        today = None
        if options.get("today"):
            try:
                today = dt.date.fromisoformat(str(options["today"]))
            except ValueError as exc:
                raise CommandError(f"--today: {options['today']!r} is not a date (YYYY-MM-DD)") from exc
        rated = obligation_verdicts_refresh_daily(today=today)  # the statuses a new day changes
        sent = reminders_send(today=today)
        self.stdout.write(f"{rated} obligation verdict(s) rated for the day")
        for obligation, key in sent:
            self.stdout.write(
                f"sent {key}: {obligation.contract} {obligation.clause} due {obligation.due_date}"
            )
        self.stdout.write(f"{len(sent)} reminder(s) sent")
