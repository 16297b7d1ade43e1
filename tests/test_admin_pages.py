"""Every admin page opens: each registered model's list, and the page of one of its records, on the
demo data (every state of the lifecycle, reviews with letters, clocks, reminders)."""

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_data():
    call_command("seed_demo", verbosity=0)
    call_command("demo_reminders", verbosity=0)


def test_every_admin_list_and_record_page_opens(demo_data, admin_client, subtests):
    for model in admin.site._registry:
        meta = model._meta
        with subtests.test(model=meta.label):
            listing = admin_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
            assert listing.status_code == 200
            record = model._default_manager.order_by("pk").last()
            if record is not None:
                page = admin_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.pk]))
                assert page.status_code == 200
