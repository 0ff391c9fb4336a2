"""The list's columns (issue 18 item 4): the layout a query, a member's choice and older
links make, and the column chooser's form, through the real list and sandbox."""

import re
from urllib.parse import parse_qs, urlsplit

from kantata_admin.groups import column_layout, tables
from kantata_admin.savedviews.models import ColumnChoice
from tests.groups.browse_fixtures import browsing_fixture  # noqa: F401 (fixture)


def header_labels(body: str) -> list[str]:
    """The first row's columns, in order, as the page draws them."""
    first_row = body.split("<tbody>", 1)[1].split("</tr>", 1)[0]
    return [label for label in re.findall(r'<td data-label="([^"]+)"', first_row)]


def test_the_tables_columns_are_the_layouts_standard_ones_in_its_order():
    # A column the layout names but the table cannot draw would vanish from the list.
    assert tuple(column.key for column in tables.GROUP_COLUMNS) == column_layout.STANDARD


def test_without_a_choice_the_list_shows_the_default_columns():
    assert column_layout.resolve([]) == column_layout.DEFAULT


def test_a_named_layout_is_shown_in_its_order_with_the_name_always_there():
    layout = column_layout.resolve(["email", "cf_7", "company"], custom_ids=["7"])
    assert layout == ("name", "email", "cf_7", "company")


def test_older_links_add_their_custom_fields_and_includes_to_the_members_columns():
    layout = column_layout.resolve(
        [column_layout.normalise("7")],
        includes=["workspaces"],
        custom_ids=["7"],
        remembered=("name", "website"),
    )
    assert layout == ("name", "website", "cf_7", "workspaces")


def test_columns_that_no_longer_exist_are_left_out_not_refused():
    layout = column_layout.resolve(["name", "cf_99", "nonsense", "email"], custom_ids=["7"])
    assert layout == ("name", "email")
    assert column_layout.normalise("<script>") is None


def test_the_chooser_saves_the_members_columns_and_returns_to_the_same_list(browsing):
    list_query = "matching=a&order=name%3Adesc&per_page=50&page=2"
    response = browsing.client.post(
        "/views/columns/",
        {
            "_list": list_query,
            "order": ["name", "company", "email", "website", "updated_at"],
            "shown": ["email", "website", "updated_at"],  # company unticked; name always
            "move": "up:website",
        },
    )
    assert response.status_code == 302
    url = urlsplit(response["Location"])
    assert (url.path, url.fragment) == ("/groups/", "columns")
    query = parse_qs(url.query)
    assert query["matching"] == ["a"] and query["page"] == ["2"] and query["per_page"] == ["50"]
    assert query["columns"] == ["name", "website", "email", "updated_at"]
    member = browsing.client.session["_auth_user_id"]
    assert ColumnChoice.objects.get(member_id=member).columns == "name,website,email,updated_at"

    # The member's list, without columns in its address, shows their choice.
    body = browsing.get(order="name:asc").content.decode()
    assert header_labels(body) == ["Name", "Website", "E-mail", "Updated"]


def test_back_to_the_default_columns_forgets_the_choice(browsing):
    browsing.client.post("/views/columns/", {"order": ["name", "website"], "shown": ["website"]})
    response = browsing.client.post("/views/columns/", {"reset": "1", "_list": "per_page=50"})
    assert parse_qs(urlsplit(response["Location"]).query) == {"per_page": ["50"]}
    assert not ColumnChoice.objects.exists()
    body = browsing.get(order="name:asc").content.decode()
    assert header_labels(body) == ["Name", "Company", "Contact", "E-mail", "Updated"]


def test_a_link_naming_a_deleted_custom_field_still_opens(browsing):
    response = browsing.get(columns=["name", "cf_987654", "email"], order="name:asc")
    assert response.status_code == 200
    assert header_labels(response.content.decode()) == ["Name", "E-mail"]
