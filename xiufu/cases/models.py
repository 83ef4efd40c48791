"""Cases, the items they dispute, their materials, reviews, findings, proposals and events."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from xiufu.cases.choices import (
    CaseOutcome,
    CaseStatus,
    Channel,
    Department,
    Finding,
    ItemOutcome,
    ProposalAction,
    ProposalDecision,
    RemedyRequested,
    ReviewVerdict,
    SubmissionStatus,
    TaskStatus,
)

USER = settings.AUTH_USER_MODEL


class Case(models.Model):
    """One application handled through the workflow. Only the transition helper writes ``status``
    and ``version`` (optimistic locking: every action names the version it saw)."""

    number = models.CharField("案件编号", max_length=30, unique=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="cases"
    )
    channel = models.CharField("渠道", max_length=20, choices=Channel.choices)
    applicant_type = models.CharField("申请人身份", max_length=30, blank=True)
    applicant_user = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    applicant_person = models.ForeignKey(
        "enterprises.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    claim = models.TextField("申请事项与理由", max_length=5000)
    status = models.CharField(
        "状态", max_length=30, choices=CaseStatus.choices, default=CaseStatus.DRAFT
    )
    version = models.PositiveIntegerField(default=1)
    rule_pack = models.ForeignKey(
        "rules.RulePackVersion", on_delete=models.PROTECT, related_name="cases"
    )
    investigator = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    supplement_rounds = models.PositiveSmallIntegerField("补正次数", default=0)
    # The statutory clock (rule pack deadline; see clock.py).
    received_on = models.DateField("完整申请收到日", null=True, blank=True)
    due_on = models.DateField("法定办理期限", null=True, blank=True)
    clock_rule_id = models.CharField(max_length=40, blank=True)
    calendar_confirmed = models.BooleanField(default=True)
    unconfirmed_years = models.JSONField(default=list, blank=True)
    clock_paused_at = models.DateTimeField(null=True, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=CaseOutcome.choices, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "异议案件"
        verbose_name_plural = "异议案件"
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return self.number


class DisputedItem(models.Model):
    """One record (or identity field) a case disputes, with its own finding and outcome."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="items")
    record_kind = models.CharField("记录类型", max_length=20)
    record_id = models.PositiveBigIntegerField(null=True, blank=True)
    business_id = models.CharField("业务标识码", max_length=60, blank=True)
    identity_field = models.CharField(max_length=60, blank=True)
    category = models.CharField("异议类别", max_length=40)
    remedy_requested = models.CharField(max_length=20, choices=RemedyRequested.choices)
    claim = models.TextField("异议理由", max_length=3000, blank=True)
    dispute_marked = models.BooleanField("异议标注", default=False)
    finding = models.CharField(max_length=20, choices=Finding.choices, blank=True)
    finding_reasons = models.TextField(blank=True)
    finding_rule_ids = models.JSONField(default=list, blank=True)
    evidence_relied = models.JSONField(default=list, blank=True)
    reported_value = models.JSONField(default=dict, blank=True)
    ledger_value = models.JSONField(default=dict, blank=True)
    # Art. 25: an undeterminable dispute is recorded with the verification result and its content.
    verification_result = models.TextField(blank=True)
    found_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    found_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=ItemOutcome.choices, blank=True)

    class Meta:
        ordering = ["case_id", "id"]
        verbose_name = "异议事项"
        verbose_name_plural = "异议事项"

    def __str__(self) -> str:
        return f"{self.case_id}/{self.pk} {self.record_kind} {self.business_id}"


class Material(models.Model):
    """A file attached to a case as evidence, for one checklist requirement."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="materials")
    requirement = models.CharField("材料要求", max_length=60)
    file = models.FileField(upload_to="materials/%Y/%m/")
    original_name = models.CharField(max_length=255)
    media_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    superseded = models.BooleanField(default=False)
    # Fixed in the evidence log when received (xiufu/evidence): the receipt is built from it.
    log_entry = models.OneToOneField(
        "evidence.LogEntry",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="material",
        verbose_name="存证条目",
    )
    # Signed PDFs: pyHanko's verdict (xiufu/evidence/pdfsig.py), shown to the investigator.
    signature_status = models.CharField("电子签名核验", max_length=20, blank=True)
    signature_report = models.JSONField("电子签名核验详情", default=dict, blank=True)

    class Meta:
        ordering = ["case_id", "id"]
        verbose_name = "申请材料"
        verbose_name_plural = "申请材料"

    def __str__(self) -> str:
        return f"{self.requirement}: {self.original_name}"


class ReviewMark(models.Model):
    """The clerk's verdict on one checklist requirement in one formal-review round."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="review_marks")
    round = models.PositiveSmallIntegerField()
    requirement = models.CharField(max_length=60)
    verdict = models.CharField(max_length=20, choices=ReviewVerdict.choices)
    reason = models.CharField(max_length=500, blank=True)
    # The materials (their hashes) the verdict was given on: "unchanged" means the same set.
    fingerprint = models.JSONField(default=list, blank=True)
    reviewed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "round", "requirement"], name="one_mark_per_requirement"
            )
        ]
        ordering = ["case_id", "round", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} round {self.round} {self.requirement}: {self.verdict}"


class SupplementNotice(models.Model):
    """一次性补正告知: ONE notice per review round, listing every defect at once."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="supplement_notices")
    round = models.PositiveSmallIntegerField()
    defects = models.JSONField()
    rule_ids = models.JSONField(default=list)
    issued_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "round"], name="one_notice_per_round")
        ]
        ordering = ["case_id", "round"]

    def __str__(self) -> str:
        return f"{self.case_id} notice {self.round}"


class CorrectionProposal(models.Model):
    """A proposed correction (field-level old → new) or deletion of one item's record."""

    item = models.ForeignKey(DisputedItem, on_delete=models.CASCADE, related_name="proposals")
    action = models.CharField(max_length=20, choices=ProposalAction.choices)
    changes = models.JSONField(default=list, blank=True)
    proposed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    decision = models.CharField(
        max_length=20, choices=ProposalDecision.choices, default=ProposalDecision.PENDING
    )
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["item_id", "id"]

    def __str__(self) -> str:
        return f"{self.item_id} {self.action} ({self.decision})"


class CoordinationTask(models.Model):
    """A question to another department or institution, with its own due date and answer."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    item = models.ForeignKey(
        DisputedItem, null=True, blank=True, on_delete=models.CASCADE, related_name="tasks"
    )
    department = models.CharField(max_length=20, choices=Department.choices)
    institution = models.CharField("外部机构", max_length=200, blank=True)
    assignee = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    question = models.TextField(max_length=3000)
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case_id", "due_on", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.department} due {self.due_on}"


class NonRepairExplanation(models.Model):
    """The structured content of a non-repair notice: per-item reasons and the other avenues."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="non_repair")
    items = models.JSONField()
    avenues = models.JSONField()
    rule_ids = models.JSONField(default=list)
    pack_version = models.CharField(max_length=40)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case_id", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id} non-repair {self.pk}"


class BureauSubmission(models.Model):
    """A correction submission to the bureau through an adapter, tracked until confirmed."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="submissions")
    adapter = models.CharField(max_length=40)
    messages = models.JSONField()
    reference = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=20, choices=SubmissionStatus.choices)
    bureau_reason = models.TextField(blank=True)
    submitted_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    feedback_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["case_id", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.adapter} {self.reference} ({self.status})"


class ClockPause(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="pauses")
    reason = models.CharField(max_length=300)
    rule_id = models.CharField(max_length=40)
    paused_at = models.DateTimeField()
    resumed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.case_id} paused {self.paused_at:%Y-%m-%d}"


class SatisfactionRating(models.Model):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="rating")
    score = models.PositiveSmallIntegerField()
    comment = models.TextField(max_length=1000, blank=True)
    rated_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    rated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="rating_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} rated {self.score}"


class CaseEvent(models.Model):
    """An immutable, attributed event in a case's history: what happened, from which state to
    which, who did it and why, with the rule-pack version and rule ids it relied on."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveIntegerField()
    event = models.CharField(max_length=40)
    from_status = models.CharField(max_length=30)
    to_status = models.CharField(max_length=30)
    actor = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)
    pack_version = models.CharField(max_length=40, blank=True)
    rule_ids = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="event_seq_unique")]
        ordering = ["case_id", "seq"]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq} {self.event}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("case events are immutable")
        super().save(*args, **kwargs)


class CaseSequence(models.Model):
    """The last case number issued per year (locked while a number is drawn)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"
