"""GET /jobs/<id>/progress: the counts, state and starter of a job, for its company's staff only."""
import pytest
from django.test import Client
from django.urls import reverse

from heating.services.jobs import job_run, job_start

from .marks import mark_slots

pytestmark = pytest.mark.usefixtures("marks_table", "queued")


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def job(company, alice):
    return job_start(kind="test_marks", company=company, user=alice, params={}, slots=mark_slots([2, 3]))


def test_it_tells_the_jobs_company_how_far_it_is_and_who_started_it(job, alice):
    response = client_for(alice).get(reverse("job-progress", args=[job.pk]))

    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    body = response.json()
    shown = ("state", "state_label", "active", "total", "done", "started_by", "error")
    assert {k: body[k] for k in shown} == {
        "state": "queued", "state_label": "排队中", "active": True, "total": 5, "done": 0,
        "started_by": "王丽", "error": "",
    }
    assert body["created_at"] and body["started_at"] is None and body["finished_at"] is None


def test_it_follows_the_job_to_its_end_in_english_on_request(job, alice):
    job_run(job.pk)

    body = client_for(alice).get(reverse("job-progress", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="en").json()

    assert (body["state"], body["state_label"], body["active"], body["done"]) == ("done", "Done", False, 5)
    assert body["started_at"] and body["finished_at"]


def test_another_companys_staff_are_told_it_does_not_exist(job, bob):
    assert client_for(bob).get(reverse("job-progress", args=[job.pk])).status_code == 404


def test_nobody_signed_in_is_sent_to_sign_in(job, client):
    response = client.get(reverse("job-progress", args=[job.pk]))

    assert response.status_code == 302 and "/accounts/login/" in response.url
