"""Page forms for procurements."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hrdd.core.forms import OnceFormMixin, PageForm
from hrdd.core.lists import ListForm, Sort
from hrdd.core.versions import VersionedFormMixin
from hrdd.procurements.models import Procurement, product_category_choices


class ProcurementForm(OnceFormMixin, PageForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    product_category = forms.ChoiceField(label=_("Product category"), choices=())
    reference = forms.CharField(
        label=_("Reference"),
        max_length=100,
        required=False,
        help_text=_("Your own file or tender number, if you have one."),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product_category"].choices = product_category_choices()


class ProcurementEditForm(VersionedFormMixin, ProcurementForm):
    status = forms.ChoiceField(label=_("Status"), choices=Procurement.Status.choices)


class ProcurementListForm(ListForm):
    """The procurements list's filters and sort (a GET query)."""

    sorts = (
        Sort("newest", _("Newest first"), ("-created_at", "-id")),
        Sort("oldest", _("Oldest first"), ("created_at", "id")),
        Sort("title", _("Title A–Z"), ("title", "id")),
        Sort("updated", _("Latest changed first"), ("-updated_at", "-id")),
    )

    q = forms.CharField(label=_("Title or reference contains"), required=False, max_length=200)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=())
    product_category = forms.ChoiceField(label=_("Product category"), required=False, choices=())

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["status"].choices = [("", _("any")), *Procurement.Status.choices]
        self.fields["product_category"].choices = [("", _("any")), *product_category_choices()]
