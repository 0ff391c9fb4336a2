"""An upload is read no further than the import can take: past MAX_BYTES the rest of the
body is dropped unread by the handlers that would keep it (a temporary file), and the
page says the file is too large."""

from __future__ import annotations

from django.core.files.uploadhandler import FileUploadHandler
from django.test import Client

from kantata_admin.bulk.models import BulkJob
from kantata_admin.imports.models import ImportRun
from kantata_admin.imports.reading import MAX_BYTES
from tests.imports.conftest import upload_bytes

RECEIVED: list[int] = []


class Spy(FileUploadHandler):
    """Stands for Django's own handlers, which would keep what they receive."""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        RECEIVED.append(len(raw_data))
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def test_a_huge_upload_is_dropped_past_the_limit_and_said_too_large(importer, login, settings):
    settings.FILE_UPLOAD_HANDLERS = [
        f"{__name__}.Spy",
        *settings.FILE_UPLOAD_HANDLERS,
    ]
    RECEIVED.clear()
    client = login(importer)
    size = 4 * MAX_BYTES

    response = upload_bytes(client, b"id,name\r\n" + b"x" * size)

    assert response.status_code == 400
    assert "The file is larger than 5 MB; split it in parts." in response.content.decode()
    # The handlers after the cap saw no more than the limit (one chunk of 64 KiB over at
    # most), not the 20 MB sent.
    assert 0 < sum(RECEIVED) <= MAX_BYTES + 64 * 1024
    assert not ImportRun.objects.exists()
    assert not BulkJob.objects.exists()


def test_a_file_within_the_limit_is_read_whole(importer, login, settings):
    settings.FILE_UPLOAD_HANDLERS = [f"{__name__}.Spy", *settings.FILE_UPLOAD_HANDLERS]
    RECEIVED.clear()
    client = login(importer)
    body = b"id,name\r\n,Capped upload check\r\n"

    response = upload_bytes(client, body)

    assert response.status_code == 302
    assert sum(RECEIVED) == len(body)


def test_the_upload_still_checks_csrf(importer):
    """The view is csrf_exempt only so that its cap is in place before the body is read;
    it checks the token itself."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(importer)

    response = upload_bytes(client, b"id,name\r\n,No token\r\n")

    assert response.status_code == 403
    assert not ImportRun.objects.exists()
