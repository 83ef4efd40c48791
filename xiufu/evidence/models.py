"""The evidence log: entries, its head, and signed checkpoints. Append-only in the database
itself (``dbguard``): rows of ``LogEntry`` and ``SignedCheckpoint`` are never updated or deleted."""

from __future__ import annotations

import secrets

from django.db import models


def _new_epoch() -> str:
    return secrets.token_hex(8)


class LogEntry(models.Model):
    """One leaf: the canonical record of a received file (hash, size, media type, salted case
    reference, time received). No personal data, no file name."""

    index = models.BigIntegerField("序号", primary_key=True, db_column="leaf_index")
    leaf_hash = models.BinaryField("叶哈希", max_length=32)
    entry = models.TextField("规范记录")
    kind = models.CharField("类别", max_length=20)
    sha256 = models.CharField("文件摘要（SHA-256）", max_length=64, db_index=True)
    appended_at = models.DateTimeField("入账时间")

    class Meta:
        ordering = ["index"]
        verbose_name = "存证条目"
        verbose_name_plural = "存证条目"
        constraints = [models.CheckConstraint(condition=models.Q(index__gte=0), name="index_gte_0")]

    def __str__(self) -> str:
        return f"#{self.index} {self.kind} {self.sha256[:12]}"


class LogHead(models.Model):
    """The single row holding the log's size; locked by every append so that indices are
    contiguous under concurrent uploads. ``epoch`` identifies this log (a new database gets a
    new one), so that cached tree nodes of another log are never reused."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    size = models.BigIntegerField(default=0)
    epoch = models.CharField(max_length=16, default=_new_epoch)

    class Meta:
        verbose_name = "存证日志头"
        verbose_name_plural = "存证日志头"
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="single_head")]

    def __str__(self) -> str:
        return f"log head: {self.size} entries"


class TimestampTrust(models.TextChoices):
    LOCAL = "local", "本地时间戳服务（本地信任）"
    EXTERNAL = "external", "外部时间戳服务"


class SignedCheckpoint(models.Model):
    """A checkpoint (C2SP tlog-checkpoint) of the log at ``size``, signed with the log key,
    proved consistent with the previous one, and timestamped (RFC 3161)."""

    size = models.BigIntegerField("树大小", unique=True)
    root_hash = models.BinaryField("根哈希", max_length=32)
    note = models.TextField("签名检查点")
    public_key = models.CharField("验证公钥", max_length=200)
    previous_size = models.BigIntegerField("上一检查点树大小", null=True, blank=True)
    consistency_proof = models.JSONField("一致性证明", default=list, blank=True)
    timestamp_response = models.BinaryField("时间戳应答")
    tsa_chain = models.JSONField("时间戳证书链", default=list)
    timestamp_trust = models.CharField("时间戳信任", max_length=10, choices=TimestampTrust.choices)
    tsa_url = models.CharField("时间戳服务地址", max_length=500, blank=True)
    timestamped_at = models.DateTimeField("时间戳时间")
    published_at = models.DateTimeField("发布时间", auto_now_add=True)

    class Meta:
        ordering = ["size"]
        get_latest_by = "size"
        verbose_name = "签名检查点"
        verbose_name_plural = "签名检查点"

    def __str__(self) -> str:
        return f"checkpoint {self.size}"


class TreeNode(models.Model):
    """The hash of a complete 256-leaf subtree (a "chunk"), written by the checkpoint publisher
    once the chunk is full: a new process rebuilds the tree's upper levels from these (a few
    thousand rows for a million entries) instead of reading and hashing every leaf. Derived data:
    a wrong row cannot go unnoticed, since the publisher proves every new root consistent with the
    last signed one before it signs."""

    level = models.PositiveSmallIntegerField()
    index = models.BigIntegerField(db_column="node_index")
    hash = models.BinaryField(max_length=32)

    class Meta:
        verbose_name = "默克尔树节点"
        verbose_name_plural = "默克尔树节点"
        constraints = [models.UniqueConstraint(fields=["level", "index"], name="one_node")]

    def __str__(self) -> str:
        return f"node {self.level}/{self.index}"
