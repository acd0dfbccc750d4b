"""simple_history's records, named in Chinese like every model (English in the catalogue) and
titled with the local time of the change."""
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

_FIELD_NAMES = {
    "history_id": _("历史记录编号"),
    "history_date": _("修改时间"),
    "history_change_reason": _("修改原因"),
    "history_type": _("修改类型"),
    "history_user": _("修改人"),
}


def _title(record) -> str:
    return gettext("%(object)s（%(time)s 的记录）") % {
        "object": record.history_object,
        "time": f"{timezone.localtime(record.history_date):%Y-%m-%d %H:%M}",
    }


class History(HistoricalRecords):
    def get_extra_fields(self, model, fields):
        extra = super().get_extra_fields(model, fields)
        for name, verbose_name in _FIELD_NAMES.items():
            extra[name].verbose_name = verbose_name
        extra["__str__"] = _title
        return extra

    def get_meta_options(self, model):
        meta = super().get_meta_options(model)
        meta["verbose_name"] = format_lazy(_("{name}（历史）"), name=model._meta.verbose_name)
        meta["verbose_name_plural"] = format_lazy(_("{name}（历史）"), name=model._meta.verbose_name_plural)
        return meta
