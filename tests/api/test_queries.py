"""The other lists and details also run a fixed number of queries, whatever their size."""

import pytest

from tests.factories import make_article, make_claim, make_document, make_source

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("size", [1, 25])
@pytest.mark.parametrize("path", ["/api/v1/articles/", "/api/v1/sources/", "/api/v1/documents/"])
def test_a_list_runs_a_fixed_number_of_queries(read_key, size, path, django_assert_max_num_queries):
    for _ in range(size):
        make_claim(make_article())
        make_document(source=make_source())
    with django_assert_max_num_queries(5):
        response = read_key.get(path, {"page_size": size})
    assert len(response.json()["results"]) == size


@pytest.mark.parametrize("claims", [1, 25])
def test_an_article_runs_a_fixed_number_of_queries_whatever_its_claims(read_key, claims, django_assert_max_num_queries):
    article = make_article(text="Headline\n\n" + " ".join(f"Sentence number {n} is here." for n in range(claims)))
    for n in range(claims):
        start = article.text.index(f"Sentence number {n} ")
        make_claim(article, start=start, end=start + len(f"Sentence number {n} is here."))
    with django_assert_max_num_queries(6):
        response = read_key.get(f"/api/v1/articles/{article.pk}/")
    assert len(response.json()["claims"]) == claims
