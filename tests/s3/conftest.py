"""A real S3-speaking server for the file storage tests: moto in server mode over HTTP.

The server (moto's ThreadedMotoServer, from the locked dev dependencies) listens on a free
port of 127.0.0.1 for the whole run; each test gets its own bucket and the settings point
Django's default storage at it (`loket.settings.s3_storage`, the same builder the
environment uses). Without moto the tests skip with the reason, unless LOKET_S3_REQUIRED=1
(set by .ci/run), which turns the skip into a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import boto3
import pytest

from loket.settings import s3_storage
from tests.whatsapp_fixtures import _fake_graph_server, _free_port, fake_graph  # noqa: F401

ACCESS_KEY = "loket-test-access-key"
SECRET_KEY = "loket-test-secret-key"
REGION = "ap-southeast-3"  # Jakarta


def _moto_server_class():
    try:
        from moto.server import ThreadedMotoServer
    except ImportError as error:  # the dev dependencies are not installed
        reason = f"moto's server is not installed ({error}): run `make install`"
        if os.environ.get("LOKET_S3_REQUIRED") == "1":
            pytest.fail(f"LOKET_S3_REQUIRED=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    return ThreadedMotoServer


class S3Server:
    """moto's server on 127.0.0.1: `stop()` and `start()` again on the same port (an outage)."""

    def __init__(self) -> None:
        self._cls = _moto_server_class()
        self.port = _free_port()
        self._server = None

    def start(self) -> S3Server:
        self._server = self._cls(ip_address="127.0.0.1", port=self.port, verbose=False)
        self._server.start()
        self.port = self._server.get_host_and_port()[1]
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def new_bucket(self) -> str:
        """A bucket no test used before (moto keeps its buckets for the whole process)."""
        name = f"loket-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
        return name

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    server = S3Server().start()
    yield server
    server.stop()


class Bucket:
    def __init__(self, server: S3Server, name: str) -> None:
        self.server, self.name = server, name

    def objects(self) -> list[str]:
        listing = self.server.client().list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.server.client().get_object(Bucket=self.name, Key=key)["Body"].read()


def point_storage_at(settings, monkeypatch, server: S3Server, bucket: str, prefix: str = "") -> None:
    """What LOKET_S3_* and AWS_* in the environment do, for this test's settings."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    settings.LOKET_S3_BUCKET = bucket
    settings.LOKET_S3_ENDPOINT_URL = server.url
    settings.LOKET_S3_REGION = REGION
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage(bucket, endpoint_url=server.url, region=REGION, prefix=prefix),
    }


@pytest.fixture
def bucket(s3_server, settings, monkeypatch) -> Bucket:
    """A fresh private bucket behind Django's default storage, for this test only."""
    name = s3_server.new_bucket()
    point_storage_at(settings, monkeypatch, s3_server, name, prefix="berkas")
    return Bucket(s3_server, name)
