"""Materials are stored content-addressed (``materials/<sha[:2]>/<sha256>``) in any S3-compatible
store by configuration: checked against a real local S3 server (moto's HTTP server, spoken to
over the network by boto3 and django-storages exactly as a production store would be)."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast

import boto3
import pytest
from django.conf import settings as django_settings
from django.core.files.storage import FileSystemStorage, default_storage, storages
from django.core.files.uploadedfile import (
    InMemoryUploadedFile,
    SimpleUploadedFile,
    TemporaryUploadedFile,
)
from moto.server import ThreadedMotoServer
from storages.backends.s3 import S3Storage

from xiufu.cases import actions
from xiufu.cases.actions import intake
from xiufu.cases.models import Material
from xiufu.cases.tests.driver import pdf_bytes

pytestmark = pytest.mark.django_db

BUCKET = "xiufu-materials"
REGION = "us-east-1"
# Dummy credentials: the local server accepts any; given the documented way (the environment).
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "xiufu-test-key", "AWS_SECRET_ACCESS_KEY": "xiufu-test-secret"}
MEMORY_LIMIT = 2_621_440  # Django's FILE_UPLOAD_MAX_MEMORY_SIZE default (2.5 MiB)


def s3_default_storage(*, bucket: str, endpoint_url: str | None, region: str | None) -> dict:
    """``STORAGES["default"]`` as config/settings.py builds it for ``XIUFU_STORAGE=s3``.

    Kept in step with the settings module by ``test_settings_build_this_s3_storage``."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url,
            "region_name": region,
            "default_acl": None,
            "querystring_auth": True,
        },
    }


@dataclass(frozen=True)
class S3:
    endpoint: str
    client: Any

    def keys(self, prefix: str = "") -> list[str]:
        listing = self.client.list_objects_v2(Bucket=BUCKET, Prefix=prefix)
        return [o["Key"] for o in listing.get("Contents", [])]

    def read(self, key: str) -> bytes:
        body: bytes = self.client.get_object(Bucket=BUCKET, Key=key)["Body"].read()
        return body


def key_of(data: bytes) -> str:
    sha = hashlib.sha256(data).hexdigest()
    return f"materials/{sha[:2]}/{sha}"


@pytest.fixture(scope="module")
def s3_server() -> Iterator[S3]:
    """A real S3-speaking HTTP server on a free local port, with the materials bucket."""
    access_log = logging.getLogger("werkzeug")  # the server's one line per request
    level = access_log.level
    access_log.setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )
    client.create_bucket(Bucket=BUCKET)
    try:
        yield S3(endpoint, client)
    finally:
        server.stop()
        access_log.setLevel(level)


@pytest.fixture
def s3(s3_server: S3, settings: Any, monkeypatch: pytest.MonkeyPatch) -> S3:
    """Django's default storage switched to the S3 server for one test, then switched back."""
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    for name in (
        "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN",
        "AWS_PROFILE",
        "AWS_S3_SESSION_PROFILE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    # Assigning STORAGES fires setting_changed; Django's test handler (django/test/signals.py,
    # storages_changed) then empties the storages cache and resets the lazy default_storage,
    # on the override and again on the restore.
    settings.STORAGES = {
        **django_settings.STORAGES,
        "default": s3_default_storage(
            bucket=BUCKET, endpoint_url=s3_server.endpoint, region=REGION
        ),
    }
    assert isinstance(storages["default"], S3Storage)
    assert default_storage.exists("materials/00/none") is False  # resolves the lazy object
    assert cast(Any, default_storage)._wrapped is storages["default"]
    assert Material._meta.get_field("file").storage is default_storage
    return s3_server


@pytest.fixture(autouse=True, scope="module")
def _local_storage_is_back() -> Iterator[None]:
    """After the S3 tests the rest of the suite gets the local file storage again."""
    yield
    assert isinstance(storages["default"], FileSystemStorage)


def pdf_of_size(size: int, tag: str) -> bytes:
    head = pdf_bytes(tag)
    tail = b"\n%%EOF\n"
    return head + os.urandom(size - len(head) - len(tail)) + tail


def upload(case_id: int, data: bytes, actor: Any, requirement: str = "supporting") -> Material:
    return actions.do_upload_material(
        case_id,
        requirement=requirement,
        upload=SimpleUploadedFile("statement.pdf", data, content_type="application/pdf"),
        actor=actor,
    )


# --- Configuration: the test's storage is the one the settings module builds -------------------


def _settings_in_subprocess(tmp_path: Any, **variables: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("XIUFU_")}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    environment.update(XIUFU_DATA_DIR=str(tmp_path), **variables)
    script = (
        "import json, config.settings as s; "
        "print(json.dumps(s.STORAGES['default'], sort_keys=True))"
    )
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=django_settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_settings_build_this_s3_storage(tmp_path):
    # given the documented variables for an S3-compatible store
    result = _settings_in_subprocess(
        tmp_path,
        XIUFU_STORAGE="s3",
        XIUFU_S3_BUCKET="bucket-a",
        XIUFU_S3_ENDPOINT_URL="http://minio.internal:9000",
        XIUFU_S3_REGION="cn-north-1",
    )
    # then the settings module builds exactly the storage these tests run against
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == s3_default_storage(
        bucket="bucket-a", endpoint_url="http://minio.internal:9000", region="cn-north-1"
    )


def test_settings_leave_endpoint_and_region_to_boto_when_blank(tmp_path):
    result = _settings_in_subprocess(tmp_path, XIUFU_STORAGE="s3", XIUFU_S3_BUCKET="bucket-b")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == s3_default_storage(
        bucket="bucket-b", endpoint_url=None, region=None
    )


def test_settings_refuse_s3_without_a_bucket(tmp_path):
    result = _settings_in_subprocess(tmp_path, XIUFU_STORAGE="s3")
    assert result.returncode != 0
    assert "XIUFU_S3_BUCKET" in result.stderr


# --- Behaviour against the S3 server (slow: together well over 2 s) -----------------------------


@pytest.mark.slow
def test_an_uploaded_material_is_stored_in_the_bucket_under_its_sha256(s3, drive):
    # given a case being prepared
    d = drive()
    data = pdf_bytes("stored")
    # when the applicant attaches a file
    material = upload(d.case_id, data, d.cast.applicant, requirement="legal_rep_id")
    # then the bucket holds exactly those bytes under materials/<first two hex>/<sha256>
    sha = hashlib.sha256(data).hexdigest()
    assert material.sha256 == sha
    assert material.file.name == key_of(data)
    assert s3.keys(key_of(data)) == [key_of(data)]
    assert s3.read(key_of(data)) == data
    # and the material row reads back the same bytes through Django's storage
    with Material.objects.get(pk=material.pk).file.open("rb") as stored:
        assert stored.read() == data


@pytest.mark.slow
def test_the_same_bytes_in_two_cases_are_stored_once(s3, drive, monkeypatch):
    writes: list[str] = []
    original_save = S3Storage._save

    def counting_save(self: S3Storage, name: str, content: Any) -> str:
        writes.append(name)
        return original_save(self, name, content)

    monkeypatch.setattr(S3Storage, "_save", counting_save)
    # given the same statement attached in one case
    data = pdf_bytes("shared")
    one, other = drive(), drive()
    first = upload(one.case_id, data, one.cast.applicant)
    # when it is attached in another case too
    second = upload(other.case_id, data, other.cast.applicant)
    # then there is one object, written once, and both materials point at it
    assert first.case_id != second.case_id
    assert s3.keys(key_of(data)) == [key_of(data)]
    assert writes == [key_of(data)]
    assert first.file.name == second.file.name == key_of(data)
    assert first.sha256 == second.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.slow
def test_the_desk_streams_a_material_back_from_the_bucket(s3, drive, login, clerk):
    # given a case with a file in the bucket
    d = drive()
    material = d.upload("legal_rep_id")
    stored = s3.read(material.file.name)
    # when the clerk opens it on the desk
    response = login(clerk).get(f"/desk/materials/{material.pk}/")
    # then the bytes come from S3, inline, typed as stored
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert int(response["Content-Length"]) == len(stored) == material.size
    assert b"".join(response.streaming_content) == stored
    assert hashlib.sha256(stored).hexdigest() == material.sha256


def test_a_material_missing_from_local_disk_is_404(drive, login, clerk):
    # the reference behaviour, with the default local file storage
    d = drive()
    material = d.upload("legal_rep_id")
    material.file.storage.delete(material.file.name)
    assert login(clerk).get(f"/desk/materials/{material.pk}/").status_code == 404


@pytest.mark.slow
def test_a_material_missing_from_the_bucket_is_404_as_on_local_disk(s3, drive, login, clerk):
    # given a material whose object is no longer in the bucket
    d = drive()
    material = d.upload("legal_rep_id")
    s3.client.delete_object(Bucket=BUCKET, Key=material.file.name)
    # when the clerk opens it, then "not found", as with local files (not a server error)
    assert login(clerk).get(f"/desk/materials/{material.pk}/").status_code == 404


@pytest.mark.slow
def test_xiufu_check_writes_reads_and_deletes_in_the_bucket(s3):
    from xiufu.core.checks import _check_storage

    assert _check_storage() == (True, "write, read and delete succeeded")
    assert s3.keys("healthcheck/") == []


@pytest.mark.slow
@pytest.mark.parametrize(
    ("size", "handled_as"),
    [
        (20_000, InMemoryUploadedFile),
        (3 * 1024 * 1024, TemporaryUploadedFile),
        (9 * 1024 * 1024, TemporaryUploadedFile),
    ],
    ids=["in-memory", "temporary-file", "temporary-file-s3-multipart"],
)
def test_an_http_upload_is_hashed_while_streaming_and_stored_under_that_hash(
    s3, drive, login, applicant, monkeypatch, size, handled_as
):
    assert (size > MEMORY_LIMIT) == (handled_as is TemporaryUploadedFile)
    assert django_settings.FILE_UPLOAD_MAX_MEMORY_SIZE == MEMORY_LIMIT
    # spy on what reaches the action: the upload handler's file, with its streamed hash
    seen: list[tuple[type, str | None]] = []
    original_receive = intake.receive

    def spying_receive(upload: Any, **kwargs: Any) -> Any:
        seen.append((type(upload), getattr(upload, "sha256", None)))
        return original_receive(upload, **kwargs)

    monkeypatch.setattr(intake, "receive", spying_receive)
    # given a case of the applicant's and a PDF of this size
    d = drive()
    data = pdf_of_size(size, f"http-{size}")
    sha = hashlib.sha256(data).hexdigest()
    # when the applicant posts it to the API as multipart
    response = login(applicant).post(
        f"/api/v1/cases/{d.case_id}/materials",
        {"requirement": "legal_rep_id", "file": SimpleUploadedFile("big.pdf", data)},
    )
    # then it went through the hashing handler of its size, hashed as it streamed
    assert response.status_code == 201, response.content.decode()
    assert seen == [(handled_as, sha)]
    # and the bucket holds the bytes sent under their SHA-256
    assert response.json()["sha256"] == sha
    assert s3.keys(f"materials/{sha[:2]}/{sha}") == [key_of(data)]
    assert s3.read(key_of(data)) == data
    assert Material.objects.get(case_id=d.case_id).file.name == key_of(data)
