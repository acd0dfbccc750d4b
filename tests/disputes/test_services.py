"""The dispute's steps at service level: filed by the household, answered by its company, decided by
the bureau holding the duty (the bill changes from the named season, a settled season is listed for
re-settlement), or withdrawn; everyone else refused, in words naming the field."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from heating.models import AreaDecision, AreaDispute
from heating.selectors.bills import season_bills
from heating.selectors.statements import resettlements_due
from heating.services.disputes import dispute_answer, dispute_decide, dispute_withdraw
from tests.uploads import PDF, PNG

from .conftest import answered, filed, pdf

pytestmark = pytest.mark.django_db


def test_the_whole_dispute_upheld_changes_the_bill_from_its_season_and_lists_the_settled_one(people):
    assert season_bills([people.home], 2019)[people.home.pk].breakdown.billing_area == Decimal("80.00")
    assert resettlements_due(people.company, 2019) == []

    dispute = filed(people)
    assert dispute.state == AreaDispute.State.FILED and dispute.filed_by == people.resident
    assert dispute.parts == [{"kind": "flat", "area": "70.00"}]
    document = dispute.documents.get()
    assert document.name == "房产证.pdf" and document.size == len(pdf().read())
    assert document.file.read().startswith(b"%PDF-")

    dispute = dispute_answer(user=people.clerk, dispute_id=dispute.pk, response="按测绘报告登记。")
    assert dispute.state == AreaDispute.State.ANSWERED
    assert dispute.answered_by == people.clerk and dispute.answered_at is not None

    dispute = dispute_decide(
        user=people.officer,
        dispute_id=dispute.pk,
        upheld=True,
        area="70.00",
        reference="源住建认〔2020〕3号",
        reason="以房产证为准。",
    )
    assert dispute.state == AreaDispute.State.UPHELD
    assert (dispute.decided_by, dispute.decided_by_user) == (people.bureau, people.officer)
    decision = AreaDecision.objects.get(account=people.home)
    assert dispute.decision == decision
    assert (decision.from_year, decision.area, decision.decided_by) == (2019, Decimal("70.00"), people.bureau)
    assert decision.reference == "源住建认〔2020〕3号" and decision.reason == "以房产证为准。"

    assert season_bills([people.home], 2019)[people.home.pk].breakdown.billing_area == Decimal("70.00")
    [due] = resettlements_due(people.company, 2019)
    assert due.account == people.home
    assert [r.history_type for r in dispute.history.order_by("history_id")] == ["+", "~", "~"]


def test_a_rejected_dispute_changes_nothing_and_needs_a_reason(people):
    dispute = answered(people)
    with pytest.raises(ValidationError) as refused:
        dispute_decide(user=people.officer, dispute_id=dispute.pk, upheld=False, reason=" ")
    assert "理由" in refused.value.message_dict["reason"][0]
    dispute = dispute_decide(
        user=people.officer, dispute_id=dispute.pk, upheld=False, reason="测绘报告为准。"
    )
    assert dispute.state == AreaDispute.State.REJECTED and dispute.decision is None
    assert not AreaDecision.objects.exists()
    assert resettlements_due(people.company, 2019) == []


def test_upholding_needs_an_area_and_a_reference(people):
    dispute = answered(people)
    for area, reference, field in [
        ("", "文号", "area"),
        ("-1", "文号", "area"),
        ("70.001", "文号", "area"),
        ("70", "", "reference"),
    ]:
        with pytest.raises(ValidationError) as refused:
            dispute_decide(
                user=people.officer, dispute_id=dispute.pk, upheld=True, area=area, reference=reference
            )
        assert list(refused.value.message_dict) == [field]
    assert AreaDispute.objects.get().state == AreaDispute.State.ANSWERED


def test_steps_out_of_order_are_refused_naming_the_state(people):
    dispute = filed(people)
    with pytest.raises(ValidationError) as refused:
        dispute_decide(user=people.officer, dispute_id=dispute.pk, upheld=True, area="70", reference="x")
    assert "状态" in refused.value.message_dict["state"][0]
    dispute_answer(user=people.clerk, dispute_id=dispute.pk, response="答复")
    with pytest.raises(ValidationError):
        dispute_answer(user=people.clerk, dispute_id=dispute.pk, response="再答复")
    dispute_withdraw(user=people.resident, dispute_id=dispute.pk)
    with pytest.raises(ValidationError):
        dispute_decide(user=people.officer, dispute_id=dispute.pk, upheld=False, reason="迟了")
    assert AreaDispute.objects.get().withdrawn_at is not None


def test_one_open_dispute_per_account_and_a_new_one_after_it_closes(people):
    dispute = filed(people)
    with pytest.raises(ValidationError) as refused:
        filed(people)
    assert "户号" in refused.value.message_dict["account"][0]
    dispute_withdraw(user=people.resident, dispute_id=dispute.pk)
    assert filed(people).state == AreaDispute.State.FILED


def test_only_the_household_files_and_withdraws(people):
    for user in (people.neighbour, people.clerk, people.officer):
        with pytest.raises(PermissionDenied):
            filed(people, user=user)
    dispute = filed(people)
    with pytest.raises(PermissionDenied):
        dispute_withdraw(user=people.neighbour, dispute_id=dispute.pk)


def test_only_the_accounts_company_answers(people):
    dispute = filed(people)
    for user in (people.other_clerk, people.resident, people.officer):
        with pytest.raises(PermissionDenied):
            dispute_answer(user=user, dispute_id=dispute.pk, response="不是我们的户")
    assert AreaDispute.objects.get().state == AreaDispute.State.FILED


def test_only_a_bureau_holding_the_duty_decides(people):
    dispute = answered(people)
    for user in (people.other_officer, people.clerk, people.resident):
        with pytest.raises(PermissionDenied):
            dispute_decide(user=user, dispute_id=dispute.pk, upheld=True, area="70", reference="x")
    assert not AreaDecision.objects.exists()


@pytest.mark.parametrize(
    "parts, field",
    [
        ([], "parts"),
        ([{"kind": "castle", "area": "70"}], "parts"),
        ([{"kind": "flat", "area": "0"}], "parts"),
        ([{"kind": "flat", "area": "abc"}], "parts"),
        ([{"kind": "flat", "area": "70"}] * 11, "parts"),
    ],
)
def test_the_claimed_parts_are_checked(people, parts, field):
    with pytest.raises(ValidationError) as refused:
        filed(people, parts=parts)
    assert list(refused.value.message_dict) == [field] and "采暖部位" in refused.value.messages[0]


def test_the_statement_and_season_are_required(people):
    with pytest.raises(ValidationError) as refused:
        filed(people, statement="  ")
    assert "异议陈述" in refused.value.message_dict["statement"][0]
    with pytest.raises(ValidationError) as refused:
        filed(people, from_year=1999)
    assert "起始供暖季" in refused.value.message_dict["from_year"][0]


@pytest.mark.parametrize(
    "documents, words",
    [
        ([pdf(data=b"%PDF-" + b"x" * (5 * 1024 * 1024))], "不能超过 5 MB"),
        ([pdf(name="a.pdf", data=b"MZ\x90\x00 not a pdf")], "文件内容与扩展名不符"),
        ([pdf(name="a.png", data=PDF, content_type="image/png")], "文件内容与扩展名不符"),
        ([pdf(name="a.xlsx", data=b"PK\x03\x04", content_type="application/zip")], "只能上传 PDF、JPG"),
        ([pdf(name="a.pdf", data=b"")], "文件是空的"),
        ([pdf(name=f"{i}.pdf") for i in range(6)], "最多上传 5 个文件"),
    ],
)
def test_documents_are_bounded_and_checked_by_their_first_bytes(people, documents, words):
    with pytest.raises(ValidationError) as refused:
        filed(people, documents=documents)
    assert words in " ".join(refused.value.message_dict["documents"])
    assert not AreaDispute.objects.exists()


def test_five_documents_of_the_allowed_kinds_are_kept(people):
    documents = [pdf(name=f"{i}.pdf") for i in range(4)] + [
        pdf(name="照片.png", data=PNG, content_type="image/png")
    ]
    dispute = filed(people, documents=documents)
    assert dispute.documents.count() == 5


def test_a_later_decision_for_the_same_season_replaces_the_earlier(people):
    dispute = answered(people)
    dispute_decide(user=people.officer, dispute_id=dispute.pk, upheld=True, area="70", reference="一号")
    again = answered(people)
    dispute_decide(user=people.officer, dispute_id=again.pk, upheld=True, area="75", reference="二号")
    decision = AreaDecision.objects.get()
    assert (decision.area, decision.reference, decision.decided_by_user) == (
        Decimal("75.00"),
        "二号",
        people.officer,
    )
    assert [row.area for row in decision.history.order_by("history_id")] == [
        Decimal("70.00"),
        Decimal("75.00"),
    ]
