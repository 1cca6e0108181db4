"""Uploading through the API with a token."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests import factories
from workflow.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(db):
    factories.open_year(2023)
    user = factories.user("machine", groups=(Role.SECRETARIAT,))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_upload_with_a_token_and_follow_it(api, django_capture_on_commit_callbacks):
    data = b"indicator,part,country,year,value\nTRP OP 1,ROAD_BCP_TIME,CAREC,2023,13.1\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/uploads/", {"file": SimpleUploadedFile("v.csv", data)}, format="multipart")
    assert response.status_code == 202
    followed = api.get(f"/api/v1/uploads/{response.json()['id']}/").json()
    assert followed["status"] == "done" and followed["created"] == 1


def test_refusal_lists_problems_by_row_and_column(api, django_capture_on_commit_callbacks):
    data = b"indicator,part,country,year,value\nTRP OP 1,ROAD_BCP_TIME,CAREC,2023,fast\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/uploads/", {"file": SimpleUploadedFile("v.csv", data)}, format="multipart")
    followed = api.get(f"/api/v1/uploads/{response.json()['id']}/").json()
    assert followed["status"] == "refused"
    assert followed["errors"] == [
        {
            "row": 2,
            "column": "value",
            "message": "“fast” is not a number.",
            "what": "TRP OP 1 · ROAD_BCP_TIME · CAREC · 2023",
        }
    ]
    assert followed["problems_total"] == 1
    assert followed["problems"]["kinds"][0]["count_text"] == "1 problem in column “value”"
    listed = api.get("/api/v1/uploads/").json()
    assert listed["count"] == 1 and listed["results"][0]["problems_total"] == 1 and "errors" not in listed["results"][0]
    report = api.get(f"/api/v1/uploads/{followed['id']}/problems/")
    assert report.status_code == 200 and b"value: \xe2\x80\x9cfast\xe2\x80\x9d is not a number." in b"".join(
        report.streaming_content
    )


def test_anonymous_and_viewers_are_refused(db):
    client = APIClient()
    assert client.post("/api/v1/uploads/", {}, format="multipart").status_code in (401, 403)
    viewer = factories.user("official", groups=(Role.VIEWER,))
    client.force_authenticate(viewer)
    assert client.post("/api/v1/uploads/", {}, format="multipart").status_code == 403


def test_missing_file_is_a_clear_400(api):
    response = api.post("/api/v1/uploads/", {}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()["detail"]
