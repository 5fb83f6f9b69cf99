"""Page forms for procurements."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hrdd.core.forms import PageForm
from hrdd.procurements.models import Procurement, product_category_choices


class ProcurementForm(PageForm):
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


class ProcurementEditForm(ProcurementForm):
    status = forms.ChoiceField(label=_("Status"), choices=Procurement.Status.choices)
