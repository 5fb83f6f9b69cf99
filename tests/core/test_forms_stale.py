"""A stale save refused on a page form (PageFormMixin.refuse_stale): the refusal on top, the typing kept, the
stored version carried for the next save. No database."""

from django import forms
from django.http import QueryDict

from hrdd.core.forms import PageForm


class NoteForm(PageForm):
    text = forms.CharField()
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def test_a_stale_save_is_refused_on_top_with_the_typing_kept_and_the_stored_version_carried():
    # given
    form = NoteForm(QueryDict("text=my+words&version=3"))
    assert form.is_valid()

    # when
    form.refuse_stale("Someone else saved it first.", current=5)

    # then
    assert form.non_field_errors() == ["Someone else saved it first."]
    assert form.data["text"] == "my words"
    assert form.data["version"] == "5"
    assert 'value="5"' in str(form["version"])


def test_a_prefixed_form_carries_the_version_in_its_own_field():
    form = NoteForm(QueryDict("edit-text=mine&edit-version=1"), prefix="edit")
    assert form.is_valid()

    form.refuse_stale("stale", current=2, field="version")

    assert form.data["edit-version"] == "2"
    assert "version" not in form.data
