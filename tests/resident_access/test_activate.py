"""/activate/: the 户号 and the notice's code open a login (phone as username, Django's password rules),
add a home to a signed-in resident's login, or set a lost password anew; each code works once, a wrong
户号 reads exactly like a wrong code, and staff logins are not residents' logins."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from heating.models import Customer, Role
from heating.services.activation import activation_code_check
from tests.factories import BureauFactory, MembershipFactory, UserFactory

from .conftest import PASSWORD, PHONE, code_for, step_one, step_two

pytestmark = pytest.mark.django_db
WRONG = "户号或激活码不正确"


def errors(response) -> str:
    return " ".join(
        re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode(), re.S)
    )


def signed_in_as(client):
    return client.get("/me/").wsgi_request.user


def test_the_qr_code_fills_in_the_form(client, homes):
    query = "company=DEMO1&account=0100234&code=ABCD2345"

    html = client.get(f"/activate/?{query}").content.decode()

    assert re.search(r'<option value="DEMO1" selected>', html)
    assert 'value="0100234"' in html and 'value="ABCD2345"' in html
    assert '<label for="id_code">' in html and 'aria-describedby="id_code_helptext"' in html


def test_a_household_opens_a_login_and_lands_on_its_homes(client, homes):
    code = code_for(homes.first)

    first = step_one(client, homes.first, code)
    assert first.status_code == 302 and first["Location"] == "/activate/password/"
    form = client.get("/activate/password/").content.decode()
    assert "0100234" in form and 'name="phone"' in form
    second = step_two(client, phone="138-0533-1234")

    assert second.status_code == 302 and second["Location"] == "/me/"
    user = get_user_model().objects.get(username=PHONE)
    assert user.check_password(PASSWORD) and user.last_name == "张建国"
    holder = Customer.objects.get(pk=homes.first.customer_id)
    assert holder.user == user and holder.phone == PHONE
    page = client.get("/me/")
    assert page.wsgi_request.user == user
    assert PHONE in page.content.decode()  # the message names the username to sign in with
    assert not activation_code_check(homes.first, code), "the code is consumed"
    assert Client().login(username=PHONE, password=PASSWORD)


def test_the_company_may_be_left_out_when_the_number_says_which(client, homes):
    code = code_for(homes.second)

    assert step_one(client, homes.second, code, company="").status_code == 302
    assert step_two(client).status_code == 302
    assert Customer.objects.get(pk=homes.second.customer_id).user.username == PHONE


def test_the_code_decides_between_two_companies_accounts_of_one_number(client, homes):
    from tests.factories import make_account

    twin = make_account(company=homes.second.company, number=homes.first.number)
    code_for(homes.first)
    code = code_for(twin)

    step_one(client, twin, code, company="")
    step_two(client)

    assert Customer.objects.get(pk=twin.customer_id).user.username == PHONE
    assert Customer.objects.get(pk=homes.first.customer_id).user is None


def test_a_wrong_number_and_a_wrong_code_read_the_same(client, homes):
    code_for(homes.first)

    def page(number, code):
        response = client.post("/activate/", {"company": "DEMO1", "number": number, "code": code})
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
        return response.status_code, html.replace(number, "N").replace(code, "C")

    assert page("0100234", "WRONGCDE") == page("0999999", "WRONGCDE")
    assert WRONG in errors(client.post("/activate/", {"number": "0999999", "code": "X"}))


@pytest.mark.parametrize(
    "password, again, phone, where",
    [
        ("12345678", None, PHONE, "password1"),  # common
        ("short1", None, PHONE, "password1"),  # too short
        (PASSWORD, PASSWORD + "x", PHONE, "password2"),  # mismatch
        (PASSWORD, None, "12345", "phone"),
        (PASSWORD, None, "", "phone"),
    ],
)
def test_a_bad_password_or_phone_is_refused_next_to_its_field(client, homes, password, again, phone, where):
    code = code_for(homes.first)
    step_one(client, homes.first, code)

    response = step_two(client, phone=phone, password=password, again=again)

    assert response.status_code == 200
    assert re.search(rf'<ul class="errorlist" id="id_{where}_error">', response.content.decode())
    assert activation_code_check(homes.first, code), "a refused step does not consume the code"
    assert not get_user_model().objects.filter(username=PHONE).exists()


def test_a_code_works_once(client, homes):
    code = code_for(homes.first)
    step_one(client, homes.first, code)
    step_two(client)
    client.logout()

    again = step_one(client, homes.first, code)

    assert again.status_code == 200 and WRONG in errors(again)


def test_step_two_needs_step_one_and_a_code_still_live(client, homes):
    alone = client.get("/activate/password/")
    assert alone.status_code == 302 and alone["Location"] == "/activate/"

    step_one(client, homes.first, code_for(homes.first))
    code_for(homes.first)  # reissued at the counter meanwhile: the first is void
    late = step_two(client)

    assert late.status_code == 302 and late["Location"] == "/activate/"
    assert not get_user_model().objects.filter(username=PHONE).exists()


def test_step_two_expires(client, homes):
    from heating.views import resident

    step_one(client, homes.first, code_for(homes.first))
    session = client.session
    session[resident.STEP]["until"] = 0
    session.save()

    assert client.get("/activate/password/")["Location"] == "/activate/"


def test_a_phone_that_is_another_logins_username_is_refused_and_counted(client, homes, settings):
    UserFactory(username=PHONE)
    code = code_for(homes.first)
    step_one(client, homes.first, code)

    response = step_two(client)

    assert "这个手机号已是另一个登录账号的用户名" in errors(response)
    assert activation_code_check(homes.first, code)


def test_a_lost_password_is_set_anew_with_a_fresh_code(client, homes):
    owner = UserFactory(username=PHONE)
    Customer.objects.filter(pk=homes.first.customer_id).update(user=owner)
    elsewhere = Client()
    elsewhere.force_login(owner)
    code = code_for(homes.first)  # the counter's reissue

    step_one(client, homes.first, code)
    form = client.get("/activate/password/").content.decode()
    assert PHONE in form and 'name="phone"' not in form
    response = client.post("/activate/password/", {"password1": PASSWORD, "password2": PASSWORD})

    assert response["Location"] == "/me/"
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD) and not owner.check_password("pw")
    assert signed_in_as(client) == owner
    assert not signed_in_as(elsewhere).is_authenticated, "other sessions end with the old password"
    assert get_user_model().objects.count() == 1, "no second login for the customer"
    assert not activation_code_check(homes.first, code)


def test_a_signed_in_resident_adds_a_home_of_another_company(client, homes):
    step_one(client, homes.first, code_for(homes.first))
    step_two(client)
    code = code_for(homes.second)

    added = step_one(client, homes.second, code)

    assert added["Location"] == "/me/"
    user = get_user_model().objects.get(username=PHONE)
    assert set(user.customers.values_list("accounts__number", flat=True)) == {"0100234", "0200017"}
    assert not activation_code_check(homes.second, code)
    html = client.get("/me/").content.decode()
    assert "0100234" in html and "0200017" in html and "0100235" not in html


def test_a_home_held_by_another_login_is_not_taken_from_it(client, homes):
    other = UserFactory(username="13900000001")
    Customer.objects.filter(pk=homes.neighbour.customer_id).update(user=other)
    me = UserFactory(username="13900000002")
    client.force_login(me)
    code = code_for(homes.neighbour)

    response = step_one(client, homes.neighbour, code)

    assert response.status_code == 200
    assert "139****0001" in errors(response) and "13900000001" not in response.content.decode()
    assert Customer.objects.get(pk=homes.neighbour.customer_id).user == other
    assert activation_code_check(homes.neighbour, code)


@pytest.mark.parametrize("who", ["clerk", "officer", "admin"])
def test_staff_logins_are_not_linked_to_homes(client, homes, who):
    user = UserFactory(is_staff=who == "admin", is_superuser=who == "admin")
    if who == "clerk":
        MembershipFactory(user=user, organisation=homes.first.company, role=Role.CLERK)
    if who == "officer":
        MembershipFactory(user=user, organisation=BureauFactory(), role=Role.OFFICER)
    client.force_login(user)
    code = code_for(homes.first)

    assert client.get("/activate/").status_code == 403
    assert step_one(client, homes.first, code).status_code == 403
    assert Customer.objects.get(pk=homes.first.customer_id).user is None


def test_the_session_is_renewed_at_each_step_and_its_cookie_kept_from_scripts(client, homes):
    client.get("/activate/")
    client.post("/activate/", {"number": "x", "code": "y"})
    before = client.session.session_key
    step_one(client, homes.first, code_for(homes.first))
    verified = client.session.session_key
    response = step_two(client)

    assert before != verified != client.session.session_key
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


@pytest.mark.parametrize(
    "data",
    [
        {"number": "1" * 10_000, "code": "A"},
        {"number": "01\x00", "code": "A"},
        {"company": "NOPE", "number": "0100234", "code": "A"},
        {"number": "0100234", "code": "A" * 10_000},
        {},
    ],
)
def test_hostile_input_is_a_form_error_never_a_500(client, homes, data):
    response = client.post("/activate/", data)

    assert response.status_code == 200 and errors(response)


def test_the_page_is_in_english_on_request(client, homes):
    response = client.get("/activate/", HTTP_ACCEPT_LANGUAGE="en")

    assert "Activate your account" in response.content.decode()


def test_a_new_password_lifts_the_sign_in_lockout(
    client, homes, settings, django_capture_on_commit_callbacks
):
    owner = UserFactory(username=PHONE)
    Customer.objects.filter(pk=homes.first.customer_id).update(user=owner)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post("/accounts/login/", {"username": PHONE, "password": "guess"})
    assert Client().post("/accounts/login/", {"username": PHONE, "password": "pw"}).status_code == 429

    step_one(client, homes.first, code_for(homes.first))
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/activate/password/", {"password1": PASSWORD, "password2": PASSWORD})

    signed = Client().post("/accounts/login/", {"username": PHONE, "password": PASSWORD})
    assert signed.status_code == 302 and "_auth_user_id" in signed.wsgi_request.session


def test_a_login_without_a_home_lands_on_the_home_page(client, homes):
    client.post("/accounts/login/", {"username": UserFactory().username, "password": "pw"})

    assert client.get("/start/")["Location"] == "/"
    Customer.objects.filter(pk=homes.first.customer_id).update(user=client.session["_auth_user_id"])
    assert client.get("/start/")["Location"] == "/me/"
