"""Receiving a material: the type sniffed from the content, limits from the rule pack, the SHA-256
computed while the file streams (by the upload handlers of xiufu.core.uploadhandlers, or here for
a file that did not come through a request), duplicates in the case detected."""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from xiufu.core.errors import Conflict, InvalidInput

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
TIFF = "image/tiff"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MEDIA_LABELS: dict[str, Any] = {  # lazily translated labels
    PDF: "PDF",
    JPEG: gettext_lazy("JPEG 图片"),
    PNG: gettext_lazy("PNG 图片"),
    TIFF: gettext_lazy("TIFF 图片"),
    DOCX: gettext_lazy("Word 文档"),
}


def sniff_media_type(head: bytes, stream: IO[bytes]) -> str | None:
    """The media type from the file's own bytes; the name and the browser's claim are ignored."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return TIFF
    if head.startswith(b"PK\x03\x04"):
        stream.seek(0)
        try:
            with zipfile.ZipFile(stream) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        finally:
            stream.seek(0)
        # A macro-enabled document (vbaProject.bin) is refused as not a plain .docx.
        if "word/document.xml" in names and not any(n.endswith("vbaProject.bin") for n in names):
            return DOCX
    return None


@dataclass(frozen=True)
class Received:
    sha256: str
    size: int
    media_type: str


def receive(upload: Any, *, max_bytes: int, allowed: tuple[str, ...]) -> Received:
    """Check and hash an uploaded file (Django ``UploadedFile``) without trusting its metadata."""
    if upload.size is not None and upload.size > max_bytes:
        raise InvalidInput(
            "file_too_large",
            _("文件过大：单个文件不能超过 %(megabytes)s MB。")
            % {"megabytes": max_bytes // (1024 * 1024)},
            details={"limit_bytes": max_bytes, "size": upload.size},
        )
    if not upload.size:
        raise InvalidInput("file_empty", _("文件为空，请重新选择。"))
    upload.seek(0)
    head = upload.read(16)
    media_type = sniff_media_type(head, upload)
    if media_type is None or media_type not in allowed:
        names = pgettext("list separator", "、").join(str(MEDIA_LABELS.get(t, t)) for t in allowed)
        raise InvalidInput(
            "file_type_not_allowed",
            _("文件类型不受支持：只接受 %(types)s（按文件内容识别，而非文件名）。")
            % {"types": names},
            details={"allowed": list(allowed), "detected": media_type},
        )
    streamed = getattr(upload, "sha256", None)
    if isinstance(streamed, str) and getattr(upload, "streamed_size", None) == upload.size:
        # Hashed by xiufu.core.uploadhandlers while the request body streamed in.
        upload.seek(0)
        return Received(streamed, upload.size, media_type)
    digest = hashlib.sha256()
    upload.seek(0)
    size = 0
    for chunk in upload.chunks():
        size += len(chunk)
        if size > max_bytes:
            raise InvalidInput(
                "file_too_large", _("文件过大。"), details={"limit_bytes": max_bytes}
            )
        digest.update(chunk)
    upload.seek(0)
    return Received(digest.hexdigest(), size, media_type)


def refuse_duplicate(existing_name: str | None) -> None:
    if existing_name is not None:
        raise Conflict(
            "duplicate_material",
            _("该文件与本案已上传的“%(name)s”完全相同，无需重复上传。") % {"name": existing_name},
            details={"duplicate_of": existing_name},
        )
