from django import forms
from django.utils.translation import gettext_lazy as _

from hrdd.consultations.models import product_category_choices


class ConsultationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    product_category = forms.ChoiceField(label=_("Product category"), choices=product_category_choices)
    deadline = forms.DateField(
        label=_("Deadline for answers"), widget=forms.DateInput(attrs={"type": "date"})
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Supplier e-mail address"))
    company = forms.CharField(label=_("Company (optional)"), max_length=200, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Filled questionnaire (XLSX)"))


def raw_response_from_post(data, framework) -> dict:  # type: ignore[no-untyped-def]
    """Turn the questionnaire form's POST data into the raw response shape the domain reads."""
    answers: dict[str, object] = {}
    for question in framework.questions:
        picked = [v for v in data.getlist(question.id) if v]
        if picked:
            answers[question.id] = picked
        for text_field in question.text_fields:
            text = data.get(f"text_{text_field.id}", "").strip()
            if text:
                answers[text_field.id] = text
    return {"company": data.get("company", "").strip(), "role": data.get("role", ""), "answers": answers}
