"""Cleaning one input value (hrdd.core.inputs): texts, dates, choices and web addresses, each refusal naming its
field and raised as the caller's own InputError subclass. No database."""

import datetime as dt

import pytest
from django.utils import timezone

from hrdd.core.errors import InputError
from hrdd.core.inputs import clean_choice, clean_date, clean_text, clean_url


class AppError(InputError):
    """An app's own error class, as a service passes it."""


STATUSES = [("open", "Open"), ("closed", "Closed")]


def test_a_text_is_stripped_and_an_empty_one_is_allowed_unless_required():
    assert clean_text("  Cobalt  ", "title", 20) == "Cobalt"
    assert clean_text(None, "title", 20) == ""

    with pytest.raises(AppError) as caught:
        clean_text("   ", "identity_notes", 20, required=True, error=AppError)

    assert caught.value.field == "identity_notes"
    assert str(caught.value) == "identity notes is required"


def test_a_text_longer_than_its_limit_is_refused_naming_the_limit():
    assert clean_text("x" * 5, "title", 5) == "xxxxx"

    with pytest.raises(AppError) as caught:
        clean_text("x" * 6, "reporter_name", 5, error=AppError)

    assert caught.value.field == "reporter_name"
    assert str(caught.value) == "reporter name is too long: at most 5 characters"


def test_a_date_is_read_from_text_a_date_or_a_datetime():
    assert clean_date(" 2024-03-01 ", "on", future=True) == dt.date(2024, 3, 1)
    assert clean_date(dt.date(2024, 3, 1), "on", future=True) == dt.date(2024, 3, 1)
    assert clean_date(dt.datetime(2024, 3, 1, 17, 30), "on", future=True) == dt.date(2024, 3, 1)
    assert clean_date("", "on", future=True) is None
    assert clean_date(None, "on", future=False) is None


@pytest.mark.parametrize("written", ["1 March 2024", "2024-02-30", "tomorrow"])
def test_a_date_not_written_yyyy_mm_dd_is_refused(written):
    with pytest.raises(AppError) as caught:
        clean_date(written, "occurred_on", future=True, error=AppError)

    assert caught.value.field == "occurred_on"
    assert str(caught.value) == "write the date as YYYY-MM-DD"


def test_an_empty_required_date_is_refused():
    with pytest.raises(AppError) as caught:
        clean_date("", "due_on", future=True, required=True, error=AppError)

    assert caught.value.field == "due_on"
    assert str(caught.value) == "a date is required"


def test_a_date_after_today_is_refused_unless_the_future_is_allowed():
    today = timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)

    assert clean_date(today, "occurred_on", future=False) == today
    assert clean_date(tomorrow.isoformat(), "deadline", future=True) == tomorrow
    with pytest.raises(AppError) as caught:
        clean_date(tomorrow.isoformat(), "occurred_on", future=False, error=AppError)

    assert caught.value.field == "occurred_on"
    assert str(caught.value) == "the date cannot be in the future"


def test_a_choice_must_be_one_of_the_keys_and_the_refusal_lists_them():
    assert clean_choice(" closed ", "status", STATUSES) == "closed"

    with pytest.raises(AppError) as caught:
        clean_choice("Closed", "age_band", STATUSES, error=AppError)  # the label is not a key

    assert caught.value.field == "age_band"
    assert str(caught.value) == "age band must be one of open, closed"


def test_a_blank_choice_is_allowed_only_when_said():
    assert clean_choice("", "status", STATUSES, blank=True) == ""
    assert clean_choice(None, "status", STATUSES, blank=True) == ""
    with pytest.raises(InputError, match="status must be one of"):
        clean_choice("", "status", STATUSES)


@pytest.mark.parametrize(
    "address", ["https://example.org/report.pdf", "http://example.org", " https://a.example "]
)
def test_a_web_address_over_http_or_https_is_accepted(address):
    assert clean_url(address, "evidence_url") == address.strip()


@pytest.mark.parametrize(
    "address", ["ftp://example.org/a.pdf", "javascript:alert(1)", "example.org", "file:///etc"]
)
def test_a_web_address_of_another_scheme_or_none_is_refused(address):
    with pytest.raises(AppError) as caught:
        clean_url(address, "source_url", error=AppError)

    assert caught.value.field == "source_url"
    assert str(caught.value) == "enter a web address starting with http:// or https://"


def test_an_empty_web_address_is_allowed_unless_required():
    assert clean_url("", "url") == ""

    with pytest.raises(AppError, match="url is required") as caught:
        clean_url("  ", "url", required=True, error=AppError)
    assert caught.value.field == "url"


def test_a_web_address_longer_than_its_limit_is_refused():
    address = "https://example.org/" + "a" * 1000

    with pytest.raises(AppError, match="at most 1000 characters"):
        clean_url(address, "evidence_url", error=AppError)
    assert clean_url("https://example.org/abc", "evidence_url", limit=30) == "https://example.org/abc"
