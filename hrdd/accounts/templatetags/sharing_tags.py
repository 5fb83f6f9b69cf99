"""The share panel of a record's page (issue 16): `{% load sharing_tags %}{% share_panel record %}`.

Its owner sees with whom the record is shared, shares it and revokes; an organisation it is shared with reads
"Shared by <organisation> on <date>, read-only". What is shared of each kind is said in the panel, in one place."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from hrdd.accounts import selectors
from hrdd.accounts.forms import ShareForm
from hrdd.core.models import active_organisation_id

register = template.Library()


def _what(kind_key: str) -> str:
    """What a grantee reads of a record of this kind, and what never moves."""
    texts = {
        "consultation": _(
            "They read the consultation's results: the market's maturity, the recommended scenario and the number "
            "of answers. Never which supplier answered what: a supplier's own answers stay with you."
        ),
        "company": _(
            "They read the supplier's record: its names, country, identifiers and risk tier with its reasons. "
            "Not your contracts, consultation answers or bids that name it."
        ),
        "site": _(
            "They read that your organisation names this site, and the rows naming it that you entered or "
            "imported yourselves. Rows from a supplier's site list stay with you: they are the supplier's "
            "submission, which never moves without the supplier's consent."
        ),
        "incident": _(
            "They read the incident, its status, severity and remediation plan. Never who reported it: the "
            "reporter's name and contact stay with your organisation. A confidential (owner only) incident "
            "cannot be shared."
        ),
    }
    return texts.get(kind_key, "")


@register.inclusion_tag("accounts/_share_notices.html", takes_context=True)
def share_notices(context: Any, record: Any) -> dict[str, Any]:
    """ "Shared by <organisation> on <date>, read-only", once per organisation that shares the record with the
    reader's (nothing for the record's owner)."""
    user = getattr(context.get("request"), "user", None)
    if active_organisation_id(user) is None or record is None:
        return {"notices": []}
    return {"notices": selectors.share_notices(user=user, record=record)}


@register.inclusion_tag("accounts/_share_panel.html", takes_context=True)
def share_panel(context: Any, record: Any) -> dict[str, Any]:
    """The owner's panel of one record: with whom it is shared, a form to share it, a button to revoke."""
    user = getattr(context.get("request"), "user", None)
    organisation_id = active_organisation_id(user)
    if organisation_id is None or record is None:
        return {"owner": False}
    kind = selectors.share_kind_of(record)
    record_owner = getattr(record, "organisation_id", None)
    if record_owner is not None and record_owner != organisation_id:
        return {"owner": False}
    panel: dict[str, Any] = {"record": record, "kind": kind, "owner": False}
    refusal = kind.refusal(record, organisation_id)
    shares = selectors.shares_of(user=user, record=record)
    if record_owner is None and refusal and not shares:
        return panel  # a registry site the organisation does not name: nothing of its own to share
    can_share = user.can_write_in(organisation_id)
    panel.update(
        owner=True,
        shares=shares,
        refusal=refusal,
        can_share=can_share,
        what=_what(kind.key),
        form=ShareForm(  # those it is shared with already are not offered again
            organisations=selectors.organisation_choices(user=user).exclude(
                pk__in=[s.grantee_organisation_id for s in shares if s.grantee_organisation_id]
            ),
            groups=selectors.group_choices(user=user).exclude(
                pk__in=[s.grantee_group_id for s in shares if s.grantee_group_id]
            ),
        )
        if can_share and not refusal
        else None,
    )
    return panel
