"""Fixtures for the storage tests: a local S3 server (moto in server mode) and the stored files'
storages pointed at it, or at folders of the test's own."""

import secrets
from collections.abc import Iterator

import boto3
import pytest
from django.core.files.storage import Storage
from moto.server import ThreadedMotoServer

from config.settings.base import s3_storage
from tests.certificates.conftest import (  # noqa: F401 - fixtures, found by name
    assess,
    core_codes,
    eligible_worker,
    methods,
    qualification,
    second_assessor,
)
from tests.stored_files import disk_specs, use_storages

REGION = "eu-west-2"


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """The address of an S3 server of this test run's own, on a free port of the loopback."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_client(s3_endpoint, monkeypatch):
    # moto takes any keys; boto3 reads them from the environment, as it would in production.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "storage-test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "storage-test-secret")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    return boto3.client("s3", endpoint_url=s3_endpoint, region_name=REGION)


@pytest.fixture
def bucket(s3_client) -> str:
    name = f"academy-{secrets.token_hex(6)}"
    s3_client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    return name


def s3_specs(bucket: str, endpoint: str) -> dict[str, dict]:
    """The evidence and certificate storages exactly as the settings make them with
    STORAGE_S3_BUCKET, STORAGE_S3_ENDPOINT_URL and STORAGE_S3_REGION set."""
    specs = {}
    for location in ("evidence", "certificates"):
        spec = s3_storage(location)
        spec["OPTIONS"] |= {
            "bucket_name": bucket,
            "endpoint_url": endpoint,
            "region_name": REGION,
            "addressing_style": "path",
        }
        specs[location] = spec
    return specs


@pytest.fixture
def on_s3(bucket, s3_endpoint, monkeypatch, settings) -> dict[str, Storage]:
    """Evidence and certificate PDFs stored in a bucket of the test's own."""
    return use_storages(monkeypatch, settings, **s3_specs(bucket, s3_endpoint))


@pytest.fixture
def on_disk(tmp_path, monkeypatch, settings) -> dict[str, Storage]:
    """Evidence and certificate PDFs stored in folders of the test's own."""
    return use_storages(monkeypatch, settings, **disk_specs(tmp_path / "stored"))
