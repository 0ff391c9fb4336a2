"""An upload read only as far as the import can take it.

Django's own handlers receive a whole upload before a view sees it: a file of gigabytes
would be written to a temporary file first, and refused only afterwards. The import's
view puts CappedUpload first in the request's handlers, so reading the file stops past
MAX_BYTES (the rest of the body is read and dropped, never kept) and the page says why.
"""

from __future__ import annotations

from django.core.files.uploadhandler import FileUploadHandler, StopUpload

from kantata_admin.imports.reading import MAX_BYTES

TOO_LARGE = f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; split it in parts."


class CappedUpload(FileUploadHandler):
    """Passes each chunk on to the next handlers until the file is past MAX_BYTES, then
    stops the upload and marks the request (`upload_too_large`)."""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > MAX_BYTES:
            self.request.upload_too_large = True
            # connection_reset=False: the rest of the body is read and dropped, so the
            # member gets the page saying why rather than a broken connection.
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def cap_upload(request) -> None:
    """Put CappedUpload before the request's other upload handlers (before its body is
    read: the view must be csrf_exempt and check CSRF itself, after this)."""
    request.upload_too_large = False
    request.upload_handlers.insert(0, CappedUpload(request))
