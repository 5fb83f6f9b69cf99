"""Factories and the fixed cast of test users."""

import datetime as dt

import factory

from hrdd.accounts.models import Organisation, User
from hrdd.consultations.models import Consultation, Invitation

PASSWORD = "correct horse battery staple"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.PUBLIC_BUYER


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    organisation = factory.SubFactory(OrganisationFactory)
    role = User.Role.PROCUREMENT_OFFICER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class ConsultationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consultation

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Notebooks tender {n}")
    product_category = "notebook"
    deadline = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=14))


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    consultation = factory.SubFactory(ConsultationFactory)
    email = factory.Sequence(lambda n: f"supplier{n}@example.com")


def answers(**overrides):
    """A complete, valid set of answers (a medium-maturity manufacturer), with overrides."""
    base = {
        "transparency": ["assembly_location", "component_producers", "raw_material_types"],
        "risk_understanding": "fair",
        "policies": ["detailed_commitments"],
        "actions": ["code_compliance", "complaints_procedure"],
    }
    base.update(overrides)
    return base


def response(company="Acme Computers", role="manufacturer", **overrides):
    """A complete raw response as the CLI and API read it."""
    return {"company": company, "role": role, "answers": answers(**overrides)}
