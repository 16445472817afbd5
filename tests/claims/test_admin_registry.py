"""The source registry in the admin: search, filters, bulk actions, edits that re-embed, and the import page."""

import html
import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from claims.models import Document, Reliability, Source, SourceKind
from claims.services import registry as registry_services
from tests.conftest import SAMPLE_REGISTRY
from tests.factories import make_document, make_source

pytestmark = pytest.mark.django_db

FAKE_VECTOR = b"\x00" * 1536
SOURCES = reverse("admin:claims_source_changelist")
DOCUMENTS = reverse("admin:claims_document_changelist")


@pytest.fixture
def admin_client(client, adam):
    client.force_login(adam)
    return client


def run_action(client, url: str, action: str, objects) -> None:
    response = client.post(url, {"action": action, "_selected_action": [obj.pk for obj in objects]})
    assert response.status_code == 302


def embed_fake(*documents, days_ago: int = 1) -> None:
    Document.objects.filter(pk__in=[d.pk for d in documents]).update(
        embedding=FAKE_VECTOR, embedded_at=timezone.now() - timedelta(days=days_ago)
    )


def test_the_admin_activates_and_deactivates_the_selected_sources(admin_client):
    on, off, other = make_source(active=False), make_source(active=True), make_source(active=False)
    run_action(admin_client, SOURCES, "activate", [on])
    run_action(admin_client, SOURCES, "deactivate", [off])
    assert dict(Source.objects.values_list("pk", "active")) == {on.pk: True, off.pk: False, other.pk: False}


@pytest.mark.parametrize("level", list(Reliability))
def test_the_admin_sets_the_reliability_of_the_selected_sources(admin_client, level):
    chosen, other = make_source(), make_source(reliability=Reliability.MEDIUM)
    before = chosen.updated_at
    run_action(admin_client, SOURCES, f"set_reliability_{level.value}", [chosen])
    chosen.refresh_from_db()
    assert chosen.reliability == level and chosen.updated_at > before
    assert Source.objects.get(pk=other.pk).reliability == Reliability.MEDIUM


def test_embed_again_clears_the_selected_embeddings_and_recomputes_them_after_commit(
    admin_client, django_capture_on_commit_callbacks
):
    chosen, other = make_document(), make_document()
    embed_fake(chosen, other)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run_action(admin_client, DOCUMENTS, "embed_again", [chosen])
    chosen.refresh_from_db()
    assert (chosen.embedding, chosen.embedded_at) == (None, None)
    assert bytes(Document.objects.get(pk=other.pk).embedding) == FAKE_VECTOR
    assert len(callbacks) == 1
    callbacks[0]()
    chosen.refresh_from_db()
    assert chosen.embedding is not None and bytes(chosen.embedding) != FAKE_VECTOR
    assert chosen.embedded_at > timezone.now() - timedelta(minutes=1)


def test_the_document_list_shows_and_filters_by_embedding(admin_client):
    embedded, waiting = make_document(title="Embedded one"), make_document(title="Waiting one")
    embed_fake(embedded)
    response = admin_client.get(DOCUMENTS, {"embedded": "no"})
    assert [d.pk for d in response.context["cl"].result_list] == [waiting.pk]
    assert not response.context["cl"].result_list[0].has_embedding
    response = admin_client.get(DOCUMENTS, {"embedded": "yes"})
    assert [d.pk for d in response.context["cl"].result_list] == [embedded.pk]
    assert b"icon-yes.svg" in response.content
    assert Document.objects.filter(embedding__isnull=True).get() == waiting


def test_the_source_list_filters_and_finds_a_source_by_alias(admin_client):
    agency = make_source(kind=SourceKind.NEWS_AGENCY, language="de", aliases=["Nachrichtenagentur dpa"])
    make_source(kind=SourceKind.OUTLET, language="en", active=False)
    for query in ({"q": "Nachrichtenagentur"}, {"kind": "news-agency"}, {"language": "de", "active__exact": "1"}):
        response = admin_client.get(SOURCES, query)
        assert [s.pk for s in response.context["cl"].result_list] == [agency.pk], query
    assert Source.objects.count() == 2


def document_form(document: Document, **changes) -> dict:
    data = {
        "source": document.source_id,
        "key": document.key or "",
        "url": document.url,
        "title": document.title,
        "text": document.text,
        "language": document.language,
        "published_on": "",
        "_save": "Save",
    }
    return {**data, **changes}


def test_saving_a_document_with_a_new_text_clears_its_embedding_and_queues_it(
    admin_client, django_capture_on_commit_callbacks
):
    document = make_document(language="en")
    embed_fake(document)
    url = reverse("admin:claims_document_change", args=[document.pk])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = admin_client.post(url, document_form(document, text="A corrected reference text."))
    assert response.status_code == 302
    document.refresh_from_db()
    assert (document.text, document.embedding, document.embedded_at) == ("A corrected reference text.", None, None)
    assert len(callbacks) == 1


def test_saving_a_document_with_the_same_title_and_text_keeps_its_embedding(
    admin_client, django_capture_on_commit_callbacks
):
    document = make_document(language="en")
    embed_fake(document)
    url = reverse("admin:claims_document_change", args=[document.pk])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = admin_client.post(url, document_form(document, language="de"))
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.language == "de" and bytes(document.embedding) == FAKE_VECTOR
    assert callbacks == []


def test_a_document_added_in_the_admin_is_embedded(admin_client, django_capture_on_commit_callbacks):
    source = make_source()
    data = {"source": source.pk, "key": "neu", "url": "", "title": "Neu", "text": "Ein neuer Text.", "language": "de"}
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:claims_document_add"), {**data, "published_on": ""})
    assert response.status_code == 302
    assert Document.objects.get(key="neu").embedding is not None


def source_form(source, document, **document_fields) -> dict:
    """The source's admin page as posted, with its one document inline (`document_fields` change or delete it)."""
    prefix = "documents"
    inline = {"title": document.title, "url": "", "language": "", "published_on": "", **document_fields}
    return {
        "key": source.key,
        "name": source.name,
        "kind": source.kind,
        "domain": "",
        "language": "",
        "aliases": "[]",
        "reliability": source.reliability,
        "reliability_note": "",
        "active": "on",
        "notes": "",
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "1",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
        f"{prefix}-0-id": document.pk,
        f"{prefix}-0-source": source.pk,
        **{f"{prefix}-0-{name}": value for name, value in inline.items()},
        "_save": "Save",
    }


def test_a_title_edited_inline_on_the_source_clears_the_documents_embedding(
    admin_client, django_capture_on_commit_callbacks
):
    source = make_source(name="Bundestag", key="bundestag")
    document = make_document(source, title="Old title")
    embed_fake(document)
    data = source_form(source, document, title="New title")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = admin_client.post(reverse("admin:claims_source_change", args=[source.pk]), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    document.refresh_from_db()
    assert (document.title, document.embedding, document.embedded_at) == ("New title", None, None)
    assert len(callbacks) == 1


def test_the_import_page_imports_an_uploaded_file_and_shows_the_report(admin_client):
    data = json.loads(SAMPLE_REGISTRY.read_text("utf-8"))
    data["documents"].append({"key": "broken", "source": "nato", "title": "", "text": "x"})
    upload = SimpleUploadedFile("registry.json", json.dumps(data).encode(), content_type="application/json")
    response = admin_client.post(reverse("admin:claims_source_import"), {"file": upload})
    assert response.status_code == 200
    report = "\n".join(response.context["report"])
    assert "sources: 13 created, 0 updated, 0 unchanged" in report
    assert "document 13, key 'broken': `title` is missing or empty." in report
    # What the page shows: the report's lines one under the other, escaped, and no template text.
    shown = response.content.decode()
    assert "{{" not in shown and "report|join" not in shown
    block = shown.split('<pre class="registry-import-report">', 1)[1].split("</pre>", 1)[0]
    assert block.splitlines() == [html.escape(line, quote=True) for line in response.context["report"]]
    assert Source.objects.count() == 13 and Document.objects.count() == 12
    assert not Document.objects.filter(key="broken").exists()


def test_the_import_page_shows_a_file_it_cannot_use_on_the_form(admin_client):
    upload = SimpleUploadedFile("registry.xml", b"<registry/>")
    response = admin_client.post(reverse("admin:claims_source_import"), {"file": upload})
    assert response.status_code == 200
    assert "must be JSON (.json), JSONL (.jsonl, .ndjson) or CSV (.csv), not .xml" in str(
        response.context["form"].errors
    )
    assert not Source.objects.exists()


def test_the_import_page_shows_json_nested_too_deeply_on_the_form(admin_client):
    upload = SimpleUploadedFile("registry.json", b'{"sources": ' + b"[" * 5000 + b"]" * 5000 + b"}")
    response = admin_client.post(reverse("admin:claims_source_import"), {"file": upload})
    assert response.status_code == 200
    assert "nested too deeply to read" in str(response.context["form"].errors)
    assert not Source.objects.exists()


def test_the_source_list_links_to_the_import_page(admin_client):
    response = admin_client.get(SOURCES)
    assert reverse("admin:claims_source_import").encode() in response.content


def test_a_reviewer_cannot_reach_the_source_admin_or_change_anything(client, alice):
    source = make_source(active=True)
    client.force_login(alice)
    for url in (SOURCES, DOCUMENTS, reverse("admin:claims_source_import")):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))
    response = client.post(SOURCES, {"action": "deactivate", "_selected_action": [source.pk]})
    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))
    upload = SimpleUploadedFile("registry.json", SAMPLE_REGISTRY.read_bytes())
    client.post(reverse("admin:claims_source_import"), {"file": upload})
    assert list(Source.objects.values_list("pk", "active")) == [(source.pk, True)]


# Evidence rests on the proposal that found it: a document or source deleted would take the proposal with it and
# leave the evidence pointing at nothing. Such a delete is refused, naming the evidence, and nothing is deleted.


def evidence_on(target, **proposal_fields):
    """A claim with evidence from an accepted proposal of `target` (a document or a source)."""
    from claims.models import Proposal, ProposalMethod, ProposalStatus
    from reviews.models import Evidence
    from tests.factories import make_article, make_claim

    text = "Die Arbeitslosigkeit ist gesunken."
    claim = make_claim(make_article(text=text), start=0, end=len(text))
    field = "document" if isinstance(target, Document) else "source"
    proposal = Proposal.objects.create(
        claim=claim,
        method=ProposalMethod.HYBRID,
        score=0.9,
        status=ProposalStatus.ACCEPTED,
        **{field: target},
        **proposal_fields,
    )
    return Evidence.objects.create(claim=claim, proposal=proposal, note="Belegt die Zahl.")


def assert_nothing_deleted(evidence, *rows) -> None:
    from reviews.models import Evidence

    for row in rows:
        assert type(row).objects.filter(pk=row.pk).exists()
    kept = Evidence.objects.get(pk=evidence.pk)
    assert kept.proposal_id == evidence.proposal_id and kept.note == evidence.note


def test_deleting_a_document_evidence_rests_on_is_refused_and_names_the_evidence(admin_client):
    document = make_document(title="Arbeitsmarktbericht")
    evidence = evidence_on(document)
    url = reverse("admin:claims_document_delete", args=[document.pk])
    page = admin_client.get(url)
    assert page.status_code == 200 and "Die Arbeitslosigkeit ist gesunken." in page.content.decode()
    claim_link = reverse("admin:claims_claim_change", args=[evidence.claim_id])
    assert f'href="{claim_link}"' in page.content.decode()
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 200 and response.context["protected"]
    assert_nothing_deleted(evidence, document, document.source, evidence.proposal)


def test_deleting_a_source_whose_document_evidence_rests_on_is_refused(admin_client):
    document = make_document(title="Arbeitsmarktbericht")
    evidence = evidence_on(document)
    url = reverse("admin:claims_source_delete", args=[document.source.pk])
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 200 and "Die Arbeitslosigkeit ist gesunken." in response.content.decode()
    assert_nothing_deleted(evidence, document, document.source)


def test_deleting_a_source_evidence_rests_on_itself_is_refused(admin_client):
    source = make_source(name="Statistisches Amt")
    evidence = evidence_on(source)
    response = admin_client.post(reverse("admin:claims_source_delete", args=[source.pk]), {"post": "yes"})
    assert response.status_code == 200 and response.context["protected"]
    assert_nothing_deleted(evidence, source)


def test_deleting_selected_documents_is_refused_as_a_whole_when_evidence_rests_on_one(admin_client):
    spare, used = make_document(), make_document()
    evidence = evidence_on(used)
    response = admin_client.post(
        DOCUMENTS, {"action": "delete_selected", "_selected_action": [spare.pk, used.pk], "post": "yes"}
    )
    assert response.status_code == 200 and "Die Arbeitslosigkeit ist gesunken." in response.content.decode()
    assert_nothing_deleted(evidence, spare, used)


def test_deleting_a_document_inline_on_its_source_is_refused_when_evidence_rests_on_it(admin_client):
    source = make_source(name="Bundestag", key="bundestag")
    document = make_document(source, title="Drucksache")
    evidence = evidence_on(document)
    data = source_form(source, document, DELETE="on")
    response = admin_client.post(reverse("admin:claims_source_change", args=[source.pk]), data)
    assert response.status_code == 200
    assert "Die Arbeitslosigkeit ist gesunken." in str(
        response.context["inline_admin_formsets"][0].formset.non_form_errors()
    )
    assert_nothing_deleted(evidence, document)


def test_deleting_an_accepted_proposal_evidence_rests_on_is_refused(admin_client):
    evidence = evidence_on(make_document())
    url = reverse("admin:claims_proposal_delete", args=[evidence.proposal.pk])
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 200 and response.context["protected"]
    assert_nothing_deleted(evidence)


def test_a_document_only_proposals_point_at_is_deleted_with_its_proposals(admin_client):
    from claims.models import Proposal, ProposalMethod
    from tests.factories import make_claim

    document = make_document()
    Proposal.objects.create(claim=make_claim(), document=document, method=ProposalMethod.HYBRID, score=0.5)
    response = admin_client.post(reverse("admin:claims_document_delete", args=[document.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Document.objects.filter(pk=document.pk).exists() and not Proposal.objects.exists()


# Sources and documents edited by hand meet the registry's row rules, as an imported row does, so that the export
# reads back: an alias holding the CSV's separator would come back as two aliases.


def test_an_alias_holding_the_csv_separator_is_refused_with_a_message(admin_client):
    source = make_source(name="Bundestag", key="bundestag", aliases=["Deutscher Bundestag"])
    document = make_document(source, title="Drucksache")
    data = source_form(source, document, title="Drucksache")
    response = admin_client.post(
        reverse("admin:claims_source_change", args=[source.pk]), {**data, "aliases": '["Parlament|Bundestag"]'}
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["aliases"] == ["An alias may not contain '|'."]
    assert "An alias may not contain" in response.content.decode()
    assert Source.objects.get(pk=source.pk).aliases == ["Deutscher Bundestag"]
    data = {k: v for k, v in data.items() if not k.startswith("documents-")}
    data.update({"key": "neu", "name": "Neu", "aliases": '["a|b"]', "documents-TOTAL_FORMS": "0"})
    data.update({"documents-INITIAL_FORMS": "0", "documents-MIN_NUM_FORMS": "0", "documents-MAX_NUM_FORMS": "1000"})
    response = admin_client.post(reverse("admin:claims_source_add"), data)
    assert response.status_code == 200 and "aliases" in response.context["adminform"].form.errors
    assert not Source.objects.filter(key="neu").exists()


def test_a_source_edited_by_hand_is_stored_as_an_import_would_store_it(admin_client):
    source = make_source(name="Bundestag", key="bundestag")
    document = make_document(source, title="Drucksache")
    url = reverse("admin:claims_source_change", args=[source.pk])
    data = {**source_form(source, document), "domain": "https://bundestag.de/", "language": "German"}
    response = admin_client.post(url, data)
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"domain", "language"} and "without scheme or path" in errors["domain"][0]
    data = {**source_form(source, document), "domain": "Bundestag.DE.", "language": "DE", "aliases": '[" BT "]'}
    assert admin_client.post(url, data).status_code == 302
    stored = Source.objects.get(pk=source.pk)
    assert (stored.domain, stored.language, stored.aliases) == ("bundestag.de", "de", ["BT"])
    exported = registry_services.export_registry()["sources"]
    assert registry_services.import_registry(data={"sources": exported}).sources_unchanged == 1


def test_a_document_edited_by_hand_meets_the_row_rules_inline_and_on_its_own(admin_client):
    source = make_source(name="Bundestag", key="bundestag")
    document = make_document(source, title="Drucksache", language="de")
    data = source_form(source, document, language="Deutsch")
    response = admin_client.post(reverse("admin:claims_source_change", args=[source.pk]), data)
    assert response.status_code == 200
    assert "two-letter code" in str(response.context["inline_admin_formsets"][0].formset.errors)
    url = reverse("admin:claims_document_change", args=[document.pk])
    response = admin_client.post(url, document_form(document, title="Bad\x00title"))
    assert response.status_code == 200 and "title" in response.context["adminform"].form.errors
    assert Document.objects.get(pk=document.pk).title == "Drucksache"
    assert Document.objects.get(pk=document.pk).language == "de"


def test_the_delete_pages_warn_before_anything_is_asked(admin_client):
    """The warning stands on the confirmation pages themselves (the delete page and the bulk delete's), before
    the admin confirms: the reason, what to do instead, and the evidence in the way; no confirm button."""
    document = make_document(title="Arbeitsmarktbericht")
    evidence_on(document)
    pages = {
        "document": admin_client.get(reverse("admin:claims_document_delete", args=[document.pk])),
        "source": admin_client.get(reverse("admin:claims_source_delete", args=[document.source_id])),
        "selected documents": admin_client.post(
            DOCUMENTS, {"action": "delete_selected", "_selected_action": [document.pk]}
        ),
        "selected sources": admin_client.post(
            SOURCES, {"action": "delete_selected", "_selected_action": [document.source_id]}
        ),
    }
    for name, page in pages.items():
        shown = page.content.decode()
        assert page.status_code == 200, name
        assert "Evidence is part of the claim" in shown and "Die Arbeitslosigkeit ist gesunken." in shown, name
        assert 'name="post"' not in shown, name
    assert "Mark the source inactive instead." in pages["source"].content.decode()
    assert "Mark the source inactive instead." in pages["selected sources"].content.decode()
    assert Document.objects.filter(pk=document.pk).exists()
