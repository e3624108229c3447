import os
import sys
from getpass import getpass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = (
        "Create an editor account (staff, in the Editors group), or add an existing user to the group. "
        "The password comes from --password, the NEWSDASH_EDITOR_PASSWORD variable, or a prompt."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--password", help="Prefer NEWSDASH_EDITOR_PASSWORD: a flag shows in the process list.")

    @transaction.atomic
    def handle(self, username, email, password, **options):
        try:
            editors = Group.objects.get(name="Editors")
        except Group.DoesNotExist:
            raise CommandError("There is no Editors group: run `manage.py migrate` first.") from None
        User = get_user_model()
        user, created = User.objects.get_or_create(username=username, defaults={"email": email})
        password = password or os.environ.get("NEWSDASH_EDITOR_PASSWORD") or (created and self._prompt())
        if password:
            try:
                validate_password(password, user)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
            user.set_password(password)
        user.is_staff = True
        user.save()
        user.groups.add(editors)
        verb = "Created" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(f"{verb} editor “{username}”: log in at /admin/."))

    def _prompt(self):
        if not sys.stdin.isatty():
            raise CommandError("Give a password with NEWSDASH_EDITOR_PASSWORD or --password.")
        first = getpass("Password: ")
        if first != getpass("Password (again): "):
            raise CommandError("The passwords differ.")
        return first
