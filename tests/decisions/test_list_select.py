"""The lists' filter selects (decisions.forms.ListSelect) are written in Python: the same markup as
Django's own select, escaped the same way, with the chosen option selected."""

import re

import pytest
from django import forms

from decisions.forms import DecisionFilterForm, ListSelect

CHOICES = [("", "全部部门"), (1, "A&B <办公室> 'x'"), ("市直部门", [(2, "发展改革委"), (3, 'say "q"')])]


def _django(value) -> str:
    html = forms.Select(choices=CHOICES, attrs={"aria-label": "部门", "id": "id_department"}).render(
        "department", value
    )
    return re.sub(r">\s+<", "><", html)  # Django's templates put line breaks between the tags


@pytest.mark.parametrize("value", [None, "", "1", 3], ids=["unbound", "empty", "a string", "in a group"])
def test_the_select_is_djangos_markup_without_its_templates(value):
    html = ListSelect(choices=CHOICES, attrs={"aria-label": "部门", "id": "id_department"}).render("department", value)
    assert html == _django(value)
    assert html.count(" selected") == 1
    assert "&lt;办公室&gt;" in html and "&quot;q&quot;" in html


def test_the_filter_form_keeps_the_chosen_department_and_state_selected():
    class Department:
        def __init__(self, pk, name):
            self.pk, self.name = pk, name

    form = DecisionFilterForm(
        {"department": "7", "state": "preparing"}, years=[2026], departments=[Department(7, "市司法局")]
    )
    assert '<option value="7" selected>市司法局</option>' in str(form["department"])
    assert '<option value="preparing" selected>' in str(form["state"])
    assert 'aria-label="部门"' in str(form["department"]) or 'aria-label="Department"' in str(form["department"])
