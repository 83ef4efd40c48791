"""Upload handlers that hash each file while its bytes stream in, so that the SHA-256 that
addresses a material in storage and in the evidence log is the hash of exactly the bytes
received, computed once, without reading the file back.

The handlers replace Django's two defaults one for one (small files in memory, large ones in a
temporary file); each finished file carries ``sha256`` (hex) and ``streamed_size``.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler


class _Hashing:
    _digest: Any
    _received: int

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        self._digest = hashlib.sha256()
        self._received = 0
        super().new_file(*args, **kwargs)  # type: ignore[misc]

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        returned = super().receive_data_chunk(raw_data, start)  # type: ignore[misc]
        if returned is None:  # this handler kept the chunk
            self._digest.update(raw_data)
            self._received += len(raw_data)
        return returned

    def file_complete(self, file_size: int) -> Any:
        uploaded = super().file_complete(file_size)  # type: ignore[misc]
        if uploaded is not None:
            uploaded.sha256 = self._digest.hexdigest()
            uploaded.streamed_size = self._received
        return uploaded


class HashingMemoryFileUploadHandler(_Hashing, MemoryFileUploadHandler):
    """Files up to ``FILE_UPLOAD_MAX_MEMORY_SIZE`` kept in memory, hashed as they arrive."""


class HashingTemporaryFileUploadHandler(_Hashing, TemporaryFileUploadHandler):
    """Larger files streamed to a temporary file, hashed as they arrive."""
