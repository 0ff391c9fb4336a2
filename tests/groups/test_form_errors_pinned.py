"""A 422 whose message names no field of the form (Rails' `base`, or a field the form does
not have) is shown above the form, not dropped (issue 14, tests that must exist)."""

import re

from django.http import QueryDict
from django.template.loader import render_to_string
from django.test import RequestFactory

from kantata_admin.groups.forms import GroupForm
from kantata_admin.kantata import ValidationFailed
from kantata_admin.kantata.errors import error_for_response


def test_a_422_naming_no_field_of_the_form_is_shown_above_it(editor):
    refusal = error_for_response(
        422,
        {
            "errors": [
                {"type": "validation", "message": "Group limit reached", "field": "base"},
                {"type": "validation", "message": "Flux is not allowed", "field": "flux"},
                {"type": "validation", "message": "Name has already been taken", "field": "name"},
            ]
        },
        path="/workspace_groups.json",
        method="POST",
    )
    assert isinstance(refusal, ValidationFailed)
    form = GroupForm(QueryDict("name=Acme"))
    assert form.is_valid()

    form.add_upstream_errors(refusal)

    assert form.non_field_errors() == ["Group limit reached", "Flux is not allowed"]
    assert form.errors["name"] == ["Name has already been taken"]
    request = RequestFactory().post("/groups/new/")
    request.user = editor
    page = render_to_string("groups/form.html", {"form": form, "editing": False}, request=request)
    above = re.search(r'<div class="form-errors" role="alert">(.*?)</div>', page, re.S)
    assert above, "no errors above the form"
    assert "Group limit reached" in above.group(1) and "Flux is not allowed" in above.group(1)
    assert page.index("Group limit reached") < page.index('name="name"')
