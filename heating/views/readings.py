"""Staff pages for heat-meter readings: keyboard entry, the review queue, a meter's history.

Every write goes through heating.services (readings_ingest, reading_review, meters); these views
only scope by the clerk's company, parse input and show the services' answers.
"""
import datetime
import re
from collections import defaultdict
from decimal import Decimal
from urllib.parse import urlsplit

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from heating.models import Building, Meter, Reading, Route
from heating.reading_messages import refusal_text
from heating.reading_rules import IMPLAUSIBLE, REJECTED, STORED, UNIT_FACTORS, gj_text
from heating.selectors.reading_entry import entry_meters
from heating.selectors.reading_review import recently_confirmed, review_page
from heating.selectors.scope import company_staff_required
from heating.services.meters import meter_replace
from heating.services.reading_review import reading_confirm, reading_correct, reading_void
from heating.services.readings import Incoming, readings_ingest, readings_judge

from .page_input import BadJson, json_object, storable

ENTRY_MAX_ROWS = 2000
TIME_FORMAT = "%Y-%m-%d %H:%M"
INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
UNIT_CHOICES = [(unit, unit) for unit in UNIT_FACTORS]
FLAG_LABELS = {IMPLAUSIBLE: gettext_lazy("用热量异常偏高")}

def _local_text(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).strftime(TIME_FORMAT) if moment else ""


def error_texts(exc: ValidationError) -> list[str]:
    texts = []
    for error in exc.error_list:
        params = dict(error.params or {})
        texts.append(str(error.message) % params if params else str(error.message))
    return texts


# Entry -----------------------------------------------------------------------------------------


def _pick(options, wanted: str | None):
    """The option whose id is `wanted` (from the company's own list), or 404."""
    for option in options:
        if str(option.pk) == wanted:
            return option
    raise Http404


def _entry_texts() -> dict[str, str]:
    return {
        "below": _("低于上次读数 %s GJ"),
        "high": _("用热量异常偏高"),
        "invalid": _("请输入数字（GJ，最多六位小数）"),
        "saved": _("已保存"),
        "pending": _("已保存，待复核"),
        "duplicate": _("已有相同读数"),
        "unsaved": _("未保存"),
        "blocked": _("有 %s 行需要改正，未保存任何读数"),
        "nothing": _("没有填写读数"),
        "saving": _("正在保存…"),
        "savedAll": _("已保存 %s 条读数"),
        "refused": _("保存被拒绝，未写入任何读数：请改正标红的行"),
        "failed": _("保存失败：%s"),
    }


@company_staff_required
def entry(request):
    """抄表录入: one building's or one route's current meters, a value input per meter."""
    company = request.company
    routes = list(Route.objects.filter(company=company).order_by("code"))
    buildings = list(Building.objects.filter(company=company).order_by("code"))
    building = route = None
    if request.GET.get("route"):
        route = _pick(routes, request.GET["route"])
    elif request.GET.get("building"):
        building = _pick(buildings, request.GET["building"])
    rows = []
    if route or building:
        for meter in entry_meters(company, building=building, route=route):
            premises = meter.account.premises
            rows.append(
                {
                    "serial": meter.serial,
                    "account": meter.account.number,
                    "building": premises.building.name,
                    "unit": premises.unit,
                    "prev_value": meter.prev_value,
                    "prev_text": gj_text(meter.prev_value) if meter.prev_value is not None else "",
                    "prev_at": meter.prev_at,
                    "pending": meter.pending,
                }
            )
    return render(
        request,
        "heating/readings/entry.html",
        {
            "routes": routes,
            "buildings": buildings,
            "route": route,
            "building": building,
            "rows": rows,
            "read_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "texts": _entry_texts(),
        },
    )


class _BadPayload(ValueError):
    pass


_READ_AT = forms.DateTimeField(input_formats=INPUT_FORMATS)
SERIAL_MAX = Meter._meta.get_field("serial").max_length
VALUE_MAX_CHARS = 40
# What a person types (ASCII digits, one point); Decimal alone would also take "NaN" and "1e-999999999".
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", re.ASCII)


def _decimal(value) -> Decimal:
    """The typed value; anything that is not a plain number becomes NaN, which the rules refuse."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    text = value.strip() if isinstance(value, str) else ""
    if len(text) > VALUE_MAX_CHARS or not _NUMBER.fullmatch(text):
        return Decimal("NaN")
    return Decimal(text)


def _read_at(value) -> datetime.datetime:
    if not isinstance(value, str) or not storable(value):
        raise _BadPayload(_("请填写正确的抄表时间"))
    try:
        return _READ_AT.clean(value)
    except ValidationError:
        raise _BadPayload(_("请填写正确的抄表时间")) from None


def _serial(row) -> str:
    serial = row.get("serial") if isinstance(row, dict) else None
    if not isinstance(serial, str) or not 0 < len(serial) <= SERIAL_MAX or not storable(serial):
        raise _BadPayload(_("表号须为 1 至 %(max)d 个字符的文字") % {"max": SERIAL_MAX})
    return serial


def _entry_payload(request) -> list[Incoming]:
    try:
        body = json_object(request)
    except BadJson:
        raise _BadPayload(_("请求格式不正确")) from None
    read_at = _read_at(body.get("read_at"))
    rows = body.get("rows")
    if not isinstance(rows, list) or not rows:
        raise _BadPayload(_("没有填写读数"))
    if len(rows) > ENTRY_MAX_ROWS:
        raise _BadPayload(_("一次最多保存 %d 条读数") % ENTRY_MAX_ROWS)
    return [Incoming(serial=_serial(row), read_at=read_at, value=_decimal(row.get("value"))) for row in rows]


def _row_answer(item: Incoming, outcome, *, saved: bool | None) -> dict:
    """One row's answer; `saved` None for a check, which stores nothing by design."""
    flagged = IMPLAUSIBLE in outcome.flags
    answer = {"serial": item.serial, "status": outcome.status, "flagged": flagged, "message": ""}
    if outcome.status == REJECTED:
        answer["message"] = refusal_text(outcome.code, outcome.params, outcome.reason)
    elif not saved:
        answer["status"] = "ok" if saved is None else "unsaved"
        answer["message"] = _("用热量异常偏高") if flagged else ""
    elif outcome.status == STORED:
        answer["message"] = _("已保存，待复核") if flagged else _("已保存")
        answer["value"] = gj_text(item.value)
        answer["at"] = _local_text(item.read_at)
    else:
        answer["message"] = _("已有相同读数")
    return answer


@company_staff_required
@require_POST
def entry_check(request):
    """What the rules would say about typed values, without storing anything (warnings before saving)."""
    try:
        incoming = _entry_payload(request)
    except _BadPayload as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    outcomes, _stored = readings_judge(company=request.company, incoming=incoming)
    return JsonResponse(
        {"rows": [_row_answer(item, o, saved=None) for item, o in zip(incoming, outcomes, strict=True)]}
    )


@company_staff_required
@require_POST
def entry_save(request):
    """Store the filled rows all or nothing; the answer says, per row, what happened and why."""
    try:
        incoming = _entry_payload(request)
    except _BadPayload as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    outcomes = readings_ingest(
        company=request.company,
        incoming=incoming,
        source=Reading.Source.MANUAL,
        user=request.user,
        all_or_nothing=True,
    )
    saved = not any(o.status == REJECTED for o in outcomes)
    rows = [_row_answer(item, o, saved=saved) for item, o in zip(incoming, outcomes, strict=True)]
    return JsonResponse({"saved": saved, "rows": rows}, status=200 if saved else 422)


# Review ----------------------------------------------------------------------------------------


class ConfirmForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("确认原因"), max_length=200)


class VoidForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("作废原因"), max_length=200)


class CorrectForm(forms.Form):
    value = forms.DecimalField(label=gettext_lazy("正确读数"), min_value=0)
    unit = forms.ChoiceField(label=gettext_lazy("单位"), choices=UNIT_CHOICES, initial="GJ")
    reason = forms.CharField(label=gettext_lazy("更正原因"), max_length=200)


class MeterReplaceForm(forms.Form):
    new_serial = forms.CharField(label=gettext_lazy("新表号"), max_length=40)
    at = forms.DateTimeField(
        label=gettext_lazy("换表时间"),
        input_formats=INPUT_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "step": 60}, format="%Y-%m-%dT%H:%M"),
    )
    old_final_value = forms.DecimalField(label=gettext_lazy("旧表止码"), min_value=0)
    new_first_value = forms.DecimalField(label=gettext_lazy("新表起码"), min_value=0)
    unit = forms.ChoiceField(label=gettext_lazy("单位"), choices=UNIT_CHOICES, initial="GJ")


def _flag_labels(flags) -> list[str]:
    return [str(FLAG_LABELS.get(flag, flag)) for flag in flags]


@company_staff_required
def review(request):
    """待复核读数: the company's flagged readings, oldest first, with what they imply."""
    page = review_page(request.company, request.GET.get("page"))
    for reading in page:
        reading.flag_labels = _flag_labels(reading.flags)
    return render(
        request,
        "heating/readings/review.html",
        {
            "page": page,
            "recently_confirmed": recently_confirmed(request.company),
            "correct_form": CorrectForm(),
        },
    )


def _back(request, reading):
    target = request.POST.get("next", "")
    # A page of this site only: redirect() would take any other word for the name of a view.
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        try:
            resolve(urlsplit(target).path)
        except Resolver404:
            pass
        else:
            return HttpResponseRedirect(target)
    return redirect("meter-detail", serial=reading.meter.serial)


def _company_reading(request, pk):
    return get_object_or_404(Reading.objects.select_related("meter"), pk=pk, company=request.company)


def _review(request, pk, action, done):
    """Run a review action on one of the company's readings; say what came of it; go back."""
    reading = _company_reading(request, pk)
    try:
        action(reading)
    except ValidationError as exc:
        for text in error_texts(exc):
            messages.error(request, text)
    else:
        messages.success(request, done % {"serial": reading.meter.serial})
    return _back(request, reading)


def _valid(form, message):
    if not form.is_valid():
        raise ValidationError(message)
    return form.cleaned_data


@company_staff_required
@require_POST
def reading_confirm_view(request, pk):
    def confirm(reading):
        data = _valid(ConfirmForm(request.POST), _("请填写确认原因，例如核实过的情况"))
        reading_confirm(reading=reading, user=request.user, reason=data["reason"])

    return _review(request, pk, confirm, _("已确认 %(serial)s 的读数"))


@company_staff_required
@require_POST
def reading_void_view(request, pk):
    def void(reading):
        data = _valid(VoidForm(request.POST), _("请填写作废原因"))
        reading_void(reading=reading, user=request.user, reason=data["reason"])

    return _review(request, pk, void, _("已作废 %(serial)s 的读数"))


@company_staff_required
@require_POST
def reading_correct_view(request, pk):
    def correct(reading):
        data = _valid(CorrectForm(request.POST), _("请填写正确读数和更正原因"))
        reading_correct(
            reading=reading, user=request.user, value=data["value"], unit=data["unit"], reason=data["reason"]
        )

    return _review(request, pk, correct, _("已更正 %(serial)s 的读数"))


# Meters ----------------------------------------------------------------------------------------


def _company_meter(request, serial):
    if not storable(serial):
        raise Http404  # no meter has such a serial, and the database would refuse to look
    return get_object_or_404(
        Meter.objects.select_related("account__premises__building"), company=request.company, serial=serial
    )


def _meter_page(request, meter, replace_form, status=200):
    readings = list(
        meter.readings.select_related("created_by", "reviewed_by", "confirmed_by").order_by("read_at", "pk")
    )
    corrected_by = defaultdict(list)
    for reading in readings:
        reading.flag_labels = _flag_labels(reading.flags)
        if reading.corrects_id:
            corrected_by[reading.corrects_id].append(reading)
    for reading in readings:
        reading.corrected_by = corrected_by.get(reading.pk, [])
    return render(
        request,
        "heating/readings/meter_detail.html",
        {
            "meter": meter,
            "account_meters": meter.account.meters.order_by("installed_on", "pk"),
            "readings": readings,
            "replace_form": replace_form,
            "correct_form": CorrectForm(),
        },
        status=status,
    )


@company_staff_required
def meter_detail(request, serial):
    """A meter's readings, void ones included, and the exchange form."""
    meter = _company_meter(request, serial)
    form = MeterReplaceForm(initial={"at": timezone.localtime().replace(second=0, microsecond=0)})
    return _meter_page(request, meter, form)


@company_staff_required
@require_POST
def meter_replace_view(request, serial):
    meter = _company_meter(request, serial)
    form = MeterReplaceForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            new = meter_replace(
                old_meter=meter,
                new_serial=data["new_serial"],
                at=data["at"],
                old_final_value=data["old_final_value"],
                new_first_value=data["new_first_value"],
                unit=data["unit"],
                user=request.user,
            )
        except ValidationError as exc:
            for text in error_texts(exc):
                form.add_error(None, text)
        else:
            messages.success(
                request, _("已换表：%(old)s → %(new)s") % {"old": meter.serial, "new": new.serial}
            )
            return redirect(reverse("meter-detail", kwargs={"serial": new.serial}))
    return _meter_page(request, meter, form, status=422)
