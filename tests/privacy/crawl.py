"""Every route of the URLconf filled with real ids, the text of any answer (HTML, JSON, CSV, XLSX, PDF),
and the search for identity numbers in it."""

import html
import io
import json
import re
import subprocess
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import openpyxl
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

# An 18-character number (17 digits and a digit or X, full-width too) standing alone: not inside a
# longer run of digits, nor glued to letters (a SHA-256 in hex holds such runs by chance).
ID_SHAPE = re.compile(r"(?<![0-9A-Za-z０-９])[0-9０-９]{17}[0-9０-９XxＸｘ](?![0-9A-Za-z０-９])")
MASKED = re.compile(r"[0-9]{4}\*{10}[0-9]{3}[0-9X]")

# Routes whose integer `pk` (or other parameter) names a sample of seed.Seeded, by route name.
PK_SAMPLE = {
    "lowincome-scan": "scan",
    "lowincome-detail": "certificate",
    "lowincome-roster-detail": "roster",
    "lowincome-roster-commit": "roster",
    "import-detail": "import",
    "import-commit": "import",
    "import-errors": "refused_import",
    "job-progress": "job",
    "refund-payee": "refund",
    "refund-channel": "refund",
    "refund-retry": "refund",
    "receipt-pdf": "receipt",
    "receipt-void": "receipt",
    "resident-receipt": "payment",
    "sandbox-cashier": "order",
    "sandbox-pay": "order",
    "notices-download": "notice_job",
    "token-revoke": "token",
    "reading-confirm": "reading",
    "reading-void": "reading",
    "reading-correct": "reading",
    "dispute-detail": "dispute",
    "dispute-withdraw": "dispute",
    "dispute-document": "document",
    "dispute-company": "dispute",
    "dispute-bureau": "dispute",
    "complaint-detail": "complaint",
    "complaint-respond": "complaint",
    "complaint-photo": "complaint_photo",
    "complaint-company": "complaint",
    "complaint-bureau": "complaint",
    "institution-detail": "institution",
    "institution-bureau": "institution",
    "institution-document": "institution_document",
    "inbox-open": "message",
    "subsidy-claim": "claim",
    "subsidy-claim-accounts": "claim",
    "subsidy-claim-statement": "claim",
    "subsidy-claim-export": "claim",
    "subsidy-claim-pdf": "claim",
    "subsidy-claim-step": "claim",
    "subsidy-cost-file": "fee",  # no cost attachment in the demo: a 404, still a visit
    "subsidy-fee-correct": "fee",
    "api-claim": "claim",
    "whatif": "whatif",
    "whatif-progress": "whatif",
    "whatif-csv": "whatif",
    "whatif-xlsx": "whatif",
    "supervision-check": "compliance_check",
    "supervision-check-progress": "compliance_check",
    "supervision-findings-csv": "compliance_check",
    "supervision-findings-xlsx": "compliance_check",
    "supervision-report": "compliance_check",
    "supervision-case-new": "compliance_check",
    "supervision-case": "compliance_case",
    "supervision-case-step": "compliance_case",
    "reconciliation-day": "reconciliation",
    "mismatch-resolve": "mismatch",
    "policy-notice-pdf": "policy_draft",  # the demo draft has no PDF: a 404, still a visit
    "policy-desk-policy": "policy_draft",
    "policy-desk-publish": "policy_draft",
    "policy-desk-delete": "policy_draft",
}
# Routes visited once more with another sample: a refused import, a roster previewed and not
# committed, a dispute not yet answered, a notices job.
VARIANTS = {
    "import-detail": {"import": "refused_import"},
    "lowincome-roster-detail": {"roster": "roster_previewed"},
    "dispute-detail": {"dispute": "dispute_filed"},
    "dispute-company": {"dispute": "dispute_filed"},
    "complaint-company": {"complaint": "complaint_filed"},
    "complaint-bureau": {"complaint": "complaint_filed"},
    "job-progress": {"job": "notice_job"},
    "policy-desk-policy": {"policy_draft": "policy_published"},
}
# Other parameters, by name: a sample key, or a fixed value.
PARAM_SAMPLE = {
    "number": "number",
    "company": "company",
    "serial": "serial",
    "statement": "statement",
}
FIXED = {"season": "2019-2020", "step": "review", "app_label": "heating", "provider": "sandbox"}
FORMATS = {"lowincome-roster-template": "xlsx", "import-template": "xlsx"}
KINDS = {"import-template": "onboarding"}
# Pages that take the season (or a search) in the query string: visited with one.
QUERY = {
    "settlement": "?season=2019-2020",
    "resettlement": "?season=2019-2020",
    "refund-list": "?season=2019-2020",
    "season-totals": "?season=2019-2020",
    "company-overview": "?season=2019-2020",
    "api-statements": "?season=2019-2020",
}
# Not fetched: the sign-out (it ends the session the crawl runs in).
SKIPPED = {"logout"}


@dataclass(frozen=True)
class Route:
    name: str  # namespaced, e.g. "admin:heating_customer_change"
    params: tuple[str, ...]


def routes(patterns=None, namespace="") -> list[Route]:
    """Every named route of the URLconf, with its parameters (route converters or regex groups).
    Unnamed ones (the admin's catch-all and its old-style redirects) cannot be reversed."""
    found = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += [
                Route(r.name, (*_params(entry.pattern), *r.params)) for r in routes(entry.url_patterns, inner)
            ]
        elif isinstance(entry, URLPattern) and entry.name:
            found.append(Route(namespace + entry.name, _params(entry.pattern)))
    return found


def _params(pattern) -> tuple[str, ...]:
    if isinstance(pattern, RoutePattern):
        return tuple(pattern.converters)
    named = tuple(pattern.regex.groupindex)
    # simple_history's admin route is the one with positional groups: (object, history row).
    positional = ("object_id", "history_id")[: pattern.regex.groups - len(named)]
    return named + tuple(f"#{name}" for name in positional)


def _admin_model(name: str):
    """The model of an admin route name like `admin:heating_customer_change`."""
    for model in apps.get_models():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(prefix):
            return model
    return None


def _admin_object(model, samples: dict):
    if model._meta.label == "heating.Customer":
        return model.objects.get(pk=samples["id_customer"])
    return model._default_manager.order_by("-pk").first()


def fill(route: Route, samples: dict, raw: bool = False):
    """The route's address with every parameter taken from `samples`; None when it takes no sample
    (an admin model without rows). Raises KeyError for a parameter no one taught the crawl."""
    kwargs, args = {}, []
    model = _admin_model(route.name)
    obj = _admin_object(model, samples) if model is not None and route.params else None
    for param in route.params:
        if param.startswith("#"):
            value = fill(Route(route.name, (param[1:],)), samples, raw=True)
            if value is None:
                return None
            args.append(value[param[1:]])
        elif model is not None and param in {"object_id", "id"}:
            if obj is None:
                return None
            kwargs[param] = str(obj.pk)
        elif model is not None and param == "history_id":
            if obj is None or not hasattr(model, "history"):
                return None
            row = model.history.filter(pk=obj.pk).order_by("-history_id").first()
            if row is None:
                return None
            kwargs[param] = row.history_id
        elif route.name == "admin:view_on_site":
            from django.contrib.contenttypes.models import ContentType

            from heating.models import Customer

            kwargs = {
                "content_type_id": ContentType.objects.get_for_model(Customer).pk,
                "object_id": samples["id_customer"],
            }
            break
        elif param == "pk":
            kwargs[param] = samples[PK_SAMPLE[route.name]]
        elif param == "fmt":
            kwargs[param] = FORMATS[route.name]
        elif param == "kind":
            kwargs[param] = KINDS[route.name]
        elif param in FIXED:
            kwargs[param] = FIXED[param]
        else:
            kwargs[param] = samples[PARAM_SAMPLE[param]]
    if raw:
        return kwargs
    return reverse(route.name, args=args or None, kwargs=kwargs or None) + QUERY.get(route.name, "")


def addresses(route: Route, samples: dict) -> list[str]:
    """The route filled with the samples, and with each of its variants."""
    variants = (
        [samples] + [{**samples, **{key: samples[other] for key, other in VARIANTS[route.name].items()}}]
        if route.name in VARIANTS
        else [samples]
    )
    return [url for s in variants if (url := fill(route, s)) is not None]


def text_of(response) -> str:
    """Everything a reader of the answer could see: headers, and the body as text by its type."""
    headers = "\n".join(f"{k}: {unquote(v)}" for k, v in response.items())
    body = response.getvalue() if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind or body[:2] == b"PK":
        return headers + "\n" + _xlsx_text(body)
    if "pdf" in kind or body[:5] == b"%PDF-":
        return headers + "\n" + _pdf_text(body)
    if "json" in kind:
        try:
            return headers + "\n" + json.dumps(json.loads(body), ensure_ascii=False)
        except ValueError:
            pass
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = body.decode("gb18030", errors="replace")
    return headers + "\n" + text


def _xlsx_text(data: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    cells = [
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]
    return "\n".join([*cells, *book.sheetnames])


def _pdf_text(data: bytes) -> str:
    done = subprocess.run(["pdftotext", "-q", "-", "-"], input=data, capture_output=True, check=False)
    # The raw bytes too: the document's metadata (title, subject) is not in the extracted text.
    return done.stdout.decode("utf-8", errors="replace") + "\n" + data.decode("latin-1")


def leaks(text: str, numbers: set[str]) -> list[str]:
    """Identity numbers in `text`: any of the known ones, or anything shaped like one; masked."""
    found = {n for n in numbers if n in text or n.lower() in text}
    found |= set(ID_SHAPE.findall(text))
    return sorted(n[:4] + "…" + n[-4:] for n in found)


LINK = re.compile(r"""(?:href|action|src|data-url|data-src)\s*=\s*["']([^"']+)["']""")


def links(page: str) -> list[str]:
    """The portal's own addresses on a page, without fragments; static files and sign-out left out."""
    found = []
    for raw in LINK.findall(page):
        url = html.unescape(raw)
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not url.startswith("/"):
            continue
        if parts.path.startswith(("/static/", "/accounts/logout/")):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def shape(url: str) -> str:
    """A link's shape, so that a list of 50 accounts costs 2 visits, not 50."""
    return re.sub(r"\d+", "#", url)
