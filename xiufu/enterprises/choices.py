from django.db import models


class IdType(models.TextChoices):
    """Identity documents accepted at the counter (REGULATIONS.md §3.2)."""

    RESIDENT_ID = "resident_id", "居民身份证"
    OFFICER_ID = "officer_id", "军官证"
    SOLDIER_ID = "soldier_id", "士兵证"
    PASSPORT = "passport", "护照"
    HK_MACAU_PERMIT = "hk_macau_permit", "港澳居民来往内地通行证"
    TAIWAN_PERMIT = "taiwan_permit", "台湾居民来往大陆通行证"
    FOREIGNER_RESIDENCE = "foreigner_residence", "外国人居留证"


class EnterpriseStatus(models.TextChoices):
    ACTIVE = "active", "存续"
    REVOKED = "revoked", "吊销"
    DEREGISTERED = "deregistered", "注销"


class Industry(models.TextChoices):
    """GB/T 4754-2017 sections (门类)."""

    A = "A", "农、林、牧、渔业"
    B = "B", "采矿业"
    C = "C", "制造业"
    D = "D", "电力、热力、燃气及水生产和供应业"
    E = "E", "建筑业"
    F = "F", "批发和零售业"
    G = "G", "交通运输、仓储和邮政业"
    H = "H", "住宿和餐饮业"
    I = "I", "信息传输、软件和信息技术服务业"  # noqa: E741
    J = "J", "金融业"
    K = "K", "房地产业"
    L = "L", "租赁和商务服务业"
    M = "M", "科学研究和技术服务业"
    N = "N", "水利、环境和公共设施管理业"
    O = "O", "居民服务、修理和其他服务业"  # noqa: E741
    P = "P", "教育"
    Q = "Q", "卫生和社会工作"
    R = "R", "文化、体育和娱乐业"
    S = "S", "公共管理、社会保障和社会组织"
    T = "T", "国际组织"
