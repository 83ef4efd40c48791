"""The REST API, /api/v1: routers from each app, one auth, one error body."""

from ninja import NinjaAPI

from xiufu.accounts.api import router as accounts_router
from xiufu.accounts.auth import api_auth
from xiufu.audit.api import router as audit_router
from xiufu.bureau.api import router as bureau_router
from xiufu.calendar.api import router as calendar_router
from xiufu.cases.api import router as cases_router
from xiufu.core.api import Utf8JSONRenderer, install_error_handlers
from xiufu.enterprises.api import router as enterprises_router
from xiufu.letters.api import router as letters_router
from xiufu.records.api import router as records_router
from xiufu.rules.api import router as rules_router

api = NinjaAPI(
    title="xiufu API",
    version="1",
    description=(
        "企业征信异议处理与信用修复 API. Errors always have the body "
        '`{"code", "message", "details"}` with a stable `code`.'
    ),
    auth=api_auth,
    urls_namespace="api-v1",
    renderer=Utf8JSONRenderer(),
)
install_error_handlers(api)
api.add_router("", accounts_router)
api.add_router("", enterprises_router)
api.add_router("", records_router)
api.add_router("", audit_router)
api.add_router("", calendar_router)
api.add_router("", rules_router)
api.add_router("", cases_router)
api.add_router("", letters_router)
api.add_router("", bureau_router)
