"""What the portal pages show, composed from the domain's selectors and presenters (read only).

Nothing here writes or decides: credit records come through the logged selectors, cases through
the case selectors, rules through the rule-pack selectors; these modules only arrange and format
them for the templates.
"""

from xiufu.portal.presenters.case import case_page
from xiufu.portal.presenters.common import page_access
from xiufu.portal.presenters.help import help_centre
from xiufu.portal.presenters.records import (
    CategoryOption,
    DisputeOptions,
    RecordOption,
    dispute_options,
    home,
)

__all__ = [
    "CategoryOption",
    "DisputeOptions",
    "RecordOption",
    "case_page",
    "dispute_options",
    "help_centre",
    "home",
    "page_access",
]
