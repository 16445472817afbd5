"""What the lists' and the article page's labels say: the filter sidebar's headings differ in both languages, and
the article page explains the colours of its claim marks."""

import re

import pytest
from django.urls import reverse

from claims.models import ClaimState, ClaimStatus
from tests.factories import make_article, make_claim

pytestmark = pytest.mark.django_db


def legends(page: str) -> list[str]:
    sidebar = page.split('class="sidebar"', 1)[1].split("</aside>", 1)[0]
    return [text.strip() for text in re.findall(r"<legend>(.*?)</legend>", sidebar, flags=re.S)]


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_filter_sidebar_headings_all_differ(client, alice, language):
    client.force_login(alice)
    page = client.get(reverse("reviews:claim-list"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    found = legends(page)
    assert len(found) == 3
    assert len(set(found)) == len(found), found


def test_the_german_sidebar_names_the_review_state_and_the_public_status(client, alice):
    client.force_login(alice)
    page = client.get(reverse("reviews:claim-list"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert legends(page)[:2] == ["Öffentlicher Status", "Bearbeitungsstand"]


@pytest.mark.parametrize(
    ("language", "dismissed", "awaiting"),
    [("en", "Dismissed", "Awaiting approval"), ("de", "Verworfen", "Wartet auf Freigabe")],
)
def test_the_article_page_has_a_legend_of_its_status_colours(client, alice, language, dismissed, awaiting):
    article = make_article(text="Die Steuern steigen um 3 Prozent.")
    make_claim(article, start=0, end=len(article.text), state=ClaimState.IN_REVIEW)
    client.force_login(alice)
    page = client.get(reverse("reviews:article-detail", args=[article.pk]), HTTP_ACCEPT_LANGUAGE=language)
    html = page.content.decode()
    legend = html.split('id="status-legend"', 1)[1].split("</ul>", 1)[0]
    marks = re.findall(r'class="claim-mark mark-([a-z_]+)">([^<]+)<', legend)
    assert [value for value, _label in marks] == [*ClaimStatus.values, "dismissed"]
    labels = [label for _value, label in marks]
    assert dismissed in labels and awaiting in labels
