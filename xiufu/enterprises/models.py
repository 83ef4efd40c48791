"""Enterprises (data subjects, identified by their USCC) and natural persons acting for them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from xiufu.core.identifiers import mask_id_number
from xiufu.enterprises.choices import EnterpriseStatus, IdType, Industry
from xiufu.enterprises.validators import resident_id_validator, uscc_validator


class Person(models.Model):
    """A natural person: a legal representative or an agent. The ID number is personal data:
    pages, API responses and logs show ``masked_id_number``; the full value is read only through
    the logged reveal selector."""

    name = models.CharField("姓名", max_length=100)
    id_type = models.CharField(
        "证件类型", max_length=30, choices=IdType.choices, default=IdType.RESIDENT_ID
    )
    id_number = models.CharField("证件号码", max_length=40)
    phone = models.CharField("联系电话", max_length=30, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["id_type", "id_number"], name="unique_person_id")
        ]
        verbose_name = "自然人"
        verbose_name_plural = "自然人"

    def __str__(self) -> str:
        return f"{self.name}（{self.masked_id_number}）"

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    def clean(self) -> None:
        if self.id_type == IdType.RESIDENT_ID:
            try:
                resident_id_validator(self.id_number)
            except ValidationError as exc:
                raise ValidationError({"id_number": exc}) from None


class Enterprise(models.Model):
    """A legal entity identified by its USCC (GB 32100-2015): the data subject of its records."""

    uscc = models.CharField(
        "统一社会信用代码", max_length=18, unique=True, validators=[uscc_validator]
    )
    name = models.CharField("企业名称", max_length=200)
    industry = models.CharField("行业门类", max_length=1, choices=Industry.choices)
    region_code = models.CharField("注册地行政区划代码", max_length=6)
    region_name = models.CharField("注册地", max_length=60)
    address = models.CharField("注册地址", max_length=200, blank=True)
    established_on = models.DateField("成立日期", null=True, blank=True)
    registered_capital = models.DecimalField(
        "注册资本（万元）", max_digits=16, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(
        "登记状态", max_length=20, choices=EnterpriseStatus.choices, default=EnterpriseStatus.ACTIVE
    )
    legal_representative = models.ForeignKey(
        Person,
        verbose_name="法定代表人",
        on_delete=models.PROTECT,
        related_name="represented_enterprises",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "企业"
        verbose_name_plural = "企业"

    def __str__(self) -> str:
        return f"{self.name}（{self.uscc}）"
