"""The private bucket behind Django's default storage when LOKET_S3_BUCKET is set.

Imported by Django only when `STORAGES["default"]` names it (boto3 takes a noticeable
fraction of a second to import; the local set-up never pays it). See `loket.core.storage`
for why files are streamed through Django rather than handed out as URLs.
"""

from __future__ import annotations

from typing import Any

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    """A bucket of private objects: no ACL (the bucket's policy decides, private by default),
    signed requests only, no overwriting (a name already taken gets a suffix, as on the local
    disk), and no URLs at all."""

    def __init__(self, **options: Any) -> None:
        # Forced here, whatever the options say: a public ACL or an unsigned URL would put
        # residents' documents one guessable link away from anyone.
        options.update(default_acl=None, querystring_auth=True, file_overwrite=False)
        # Short timeouts and few retries inside boto: the job queue retries a failed
        # download with its own backoff, and a web request must not hang on a dead endpoint.
        options.setdefault(
            "client_config",
            Config(
                s3={"addressing_style": options.pop("addressing_style", None)},
                signature_version=options.pop("signature_version", "s3v4"),
                connect_timeout=5,
                read_timeout=30,
                retries={"max_attempts": 2, "mode": "standard"},
            ),
        )
        super().__init__(**options)

    def url(self, name: Any, parameters: Any = None, expire: Any = None, http_method: Any = None) -> str:
        raise NotImplementedError(
            "Loket serves stored files only through its audited views (loket.console.files)."
        )

    def problem(self) -> str:
        """Why the bucket cannot be used now, in one line ("" when it can)."""
        try:
            self.connection.meta.client.head_bucket(Bucket=self.bucket_name)
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", "")) or "?"
            if code in {"404", "NoSuchBucket"}:
                return f"bucket {self.bucket_name!r} does not exist"
            if code in {"403", "AccessDenied", "Forbidden"}:
                return f"access to bucket {self.bucket_name!r} is denied (credentials or bucket policy)"
            return f"bucket {self.bucket_name!r} answered {code}"
        except BotoCoreError as exc:
            return f"the storage endpoint cannot be reached ({type(exc).__name__})"
        return ""
