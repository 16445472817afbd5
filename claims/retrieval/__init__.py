"""Finding evidence for a claim: hybrid (lexical and semantic) search over registry documents and over earlier
reviewed claims, used by the proposers (claims/proposing/) and by `manage.py evaluate_matching`.

    from claims.retrieval.corpora import DOCUMENTS
    from claims.retrieval.search import searcher
    hits = searcher(DOCUMENTS).search(text=claim.text, embedding=vector, limit=5)

The indexes are kept in the process and follow the database by themselves (see `corpora`): nothing needs to be
called after documents or claims change. `text`, `fusion` and `evaluation` are plain Python; the package itself
imports nothing, so that they can be used without Django.
"""
