"""python manage.py low_income_reminders — remind households whose low-income certificate runs out
within 30 days (once per end date): lists them, e-mails them when REMINDER_EMAIL_FROM is set; /me/
shows the reminder either way. The beat task heating.tasks.low_income_reminders runs it daily."""
from django.core.management.base import BaseCommand
from django.utils import timezone

from heating.services.lowincome import certificate_reminders_send


class Command(BaseCommand):
    help = "Remind households whose low-income certificate runs out within 30 days."

    def handle(self, *args, **options):
        sent = certificate_reminders_send(today=timezone.localdate())
        for reminder in sent:
            account = reminder.certificate.account
            how = "e-mailed" if reminder.emailed else "shown on /me/"
            self.stdout.write(f"{account.company.code} {account.number} until {reminder.valid_until}: {how}")
        self.stdout.write(f"reminders: {len(sent)}")
