"""`manage.py evaluate_extraction`: the extraction's models measured on labelled data, one mode per data set.

Every mode prints a readable table, then one `name: value` line per metric (what scripts and the docs read).
The sentences go through the same embedding and scoring calls, with the same thresholds, as an article's.
"""

import csv
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
from django.core.management.base import BaseCommand, CommandError

from claims.analysis import corpora, scoring, speakers
from claims.analysis.attribution import QUOTE_MARKS, analyse_speakers
from claims.analysis.documents import decode, parse_plain_text
from claims.analysis.embeddings import embed_queries
from claims.analysis.evaluation import GOLD_FIELDS, compare_with_gold, read_gold
from claims.analysis.language import detect_language
from claims.analysis.names import NameKind, NameMention, find_names, name_key
from claims.analysis.pipeline import analyse_article
from claims.analysis.sentences import split_sentences, starts_paragraph
from claims.analysis.tagging import WordClass, tag_sentence
from claims.models import Source, Speaker

# Embedding in batches keeps memory flat on the larger sets and still batches well.
BATCH = 64


class Command(BaseCommand):
    help = (
        "Measure extraction on labelled data: --gold FILE.jsonl --article FILE.txt (a fact-checker's annotation of an "
        "article: per-field accuracy), --ct24 FILE.tsv (CheckThat! 2024 check-worthiness: precision, recall and F1 "
        "of class Yes), --news FILE (unlabelled news: the share of sentences flagged), --ct25 FILE.tsv (CheckThat! "
        "2025 subjectivity: macro-F1 of OBJ and SUBJ) or --attribution FILE.jsonl (PolNeAR or REDEWIEDERGABE: speaker "
        "accuracy and direct-quote precision, recall and F1)."
    )

    def add_arguments(self, parser):
        mode = parser.add_mutually_exclusive_group(required=True)
        mode.add_argument("--gold", type=Path, metavar="FILE.jsonl", help="one JSON object per sentence, in order")
        mode.add_argument("--ct24", type=Path, metavar="FILE.tsv", help="columns sentence_id, text, label")
        mode.add_argument("--ct25", type=Path, metavar="FILE.tsv", help="columns sentence_id, sentence, label")
        mode.add_argument(
            "--news",
            type=Path,
            metavar="FILE",
            help="unlabelled news: the share of sentences flagged as check-worthy, of an attribution corpus's articles "
            "(.jsonl) or a CheckThat! 2025 sentence file (.tsv)",
        )
        mode.add_argument(
            "--attribution",
            type=Path,
            metavar="FILE.jsonl",
            help="an attribution corpus, one article a line (PolNeAR or REDEWIEDERGABE format)",
        )
        parser.add_argument(
            "--worst",
            type=int,
            default=0,
            metavar="N",
            help="with --attribution: print N wrong speakers and N wrong direct-quote flags; with --news: the N "
            "shortest flagged sentences",
        )
        parser.add_argument(
            "--limit",
            type=int,
            default=0,
            metavar="N",
            help="with --attribution or --news: the first N articles (sentences of a .tsv) only",
        )
        parser.add_argument(
            "--names",
            action="store_true",
            help="with --attribution: measure the name recogniser instead (recall of the annotated named speakers, "
            "beside the tagger's proper nouns alone)",
        )
        parser.add_argument(
            "--baseline",
            action="store_true",
            help="with --attribution: score the plain baseline instead (the name nearest a speech verb, else the "
            "sentence's last name; a direct quote wherever a quote mark is)",
        )
        parser.add_argument("--article", type=Path, metavar="FILE.txt", help="the article the --gold file annotates")
        parser.add_argument(
            "--language",
            default="",
            help="the sentences' language (de, en): by default English for --ct24, detected from the text (as for an "
            "article) for --ct25 and --attribution; --gold always detects the article's",
        )

    def handle(
        self, *args, gold, article, ct24, ct25, news, attribution, language, worst, limit, baseline, names, **options
    ):
        if news:
            metrics = self.evaluate_news(news, language=language, limit=limit, worst=worst)
        elif attribution and names:
            metrics = self.evaluate_names(attribution, language=language, limit=limit)
        elif attribution:
            metrics = self.evaluate_attribution(
                attribution, language=language, worst=worst, limit=limit, baseline=baseline
            )
        elif gold:
            if not article:
                raise CommandError("--gold needs --article, the text it annotates.")
            metrics = self.evaluate_gold(gold, article)
        elif ct24:
            metrics = self.evaluate_ct24(ct24, language=language or "en")
        else:
            metrics = self.evaluate_ct25(ct25, language=language)
        for name, value in metrics.items():
            self.stdout.write(f"{name}: {value:.4f}")

    def evaluate_gold(self, gold_path: Path, article_path: Path) -> dict[str, float]:
        try:
            gold = read_gold(gold_path.read_text("utf-8"))
            parsed = parse_plain_text(decode(article_path.read_bytes()))
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read the gold file or the article: {exc}") from None
        # What extraction does with a stored article, with what the desk's database knows.
        analysis = analyse_article(
            parsed.text, known_outlets=Source.objects.outlet_names(), known_speakers=Speaker.objects.alias_map()
        )
        rows, metrics = compare_with_gold(analysis, gold)
        self.stdout.write(f"{article_path}: {len(gold)} gold sentences, language {analysis.language}\n")
        self.stdout.write(f"{'#':>3}  {'field':<13} {'gold':<24} {'ours':<24}")
        for row in rows:
            if row.ours is None:
                self.stdout.write(
                    f"{row.index:>3}  {'sentence':<13} not segmented as in the gold: {row.gold['text'][:60]}"
                )
                continue
            for field in GOLD_FIELDS:
                mark = " " if row.right(field) else "x"
                gold_value, ours = str(row.gold[field]), str(row.value(field))
                self.stdout.write(f"{row.index:>3}{mark} {field:<13} {gold_value:<24} {ours:<24}")
        self.stdout.write("")
        return metrics

    def evaluate_attribution(
        self, path: Path, *, language: str, worst: int, limit: int, baseline: bool
    ) -> dict[str, float]:
        """Each article through `analyse_article` (attribution only: no scores), scored as corpora.py says."""
        try:
            articles = corpora.read_corpus(path, language=language)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from None
        except (UnicodeDecodeError, ValueError) as exc:
            raise CommandError(str(exc)) from None
        if limit:
            articles = articles[:limit]
        if not articles:
            raise CommandError(f"{path} has no articles.")
        if not language:
            # Each article's language as an article's is found; the corpus's own is kept where that finds neither.
            articles = [
                replace(item, language=found) if (found := detect_language(item.text)) in ("de", "en") else item
                for item in articles
            ]
        tally = corpora.Tally()
        for item in articles:
            if baseline:
                corpora.score_article(tally, item, baseline_attribution(item.text, item.language))
                continue
            analysis = analyse_article(item.text, language=item.language, score=False)
            corpora.score_article(
                tally,
                item,
                (
                    (s.start, s.end, s.text, s.attribution.asserted_by, s.attribution.is_direct_quote)
                    for s in analysis.sentences
                ),
            )
            tally.failed_sentences += sum(s.attribution.failed for s in analysis.sentences)
        languages = ", ".join(sorted({item.language for item in articles}))
        self.stdout.write(f"{path}: {len(articles)} articles, language {languages}\n")
        for name, count in tally.counts().items():
            self.stdout.write(f"{name:<20}{count:>8}")
        self.stdout.write("")
        if worst:
            self.stdout.write("Wrong speakers (article, sentence, gold, ours):")
            for article_id, text, gold_names, ours in tally.speaker_errors[:worst]:
                self.stdout.write(f"  {article_id}: {text[:140]}\n    gold {' | '.join(gold_names)}; ours {ours}")
            self.stdout.write("Wrong direct-quote flags (article, sentence, gold, ours):")
            for article_id, text, gold_flag, ours_flag in tally.quote_errors[:worst]:
                self.stdout.write(f"  {article_id}: {text[:140]}\n    gold {gold_flag}; ours {ours_flag}")
            self.stdout.write("")
        return tally.metrics()

    def evaluate_names(self, path: Path, *, language: str, limit: int) -> dict[str, float]:
        """Of the speakers the corpus annotates as named, the share whose whole name the recogniser finds (a mention
        overlapping the annotated span and ending in the same word), and the same for runs of the tagger's proper
        nouns, which is what names were before."""
        try:
            articles = corpora.read_corpus(path, language=language)[: limit or None]
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from None
        found = tagger_found = total = 0
        for item in articles:
            sentences = split_sentences(item.text, item.language)
            spans = {c.speaker_span: c.speaker for c in item.contents if c.speaker_kind == "named" and c.speaker_span}
            for sentence in sentences:
                inside = [(span, name) for span, name in spans.items() if sentence.start <= span[0] < sentence.end]
                if not inside:
                    continue
                tokens = tag_sentence(sentence, item.language)
                ours = [(tokens[m.first].start, tokens[m.last].end, m.text) for m in find_names(tokens, item.language)]
                tagged = [(tokens[m.first].start, tokens[m.last].end, m.text) for m in tagger_names(tokens)]
                for (start, end), name in inside:
                    total += 1
                    key = name_key(name)
                    found += any(a < end and start < b and name_key(t) == key for a, b, t in ours)
                    tagger_found += any(a < end and start < b and name_key(t) == key for a, b, t in tagged)
        self.stdout.write(f"{path}: {total} annotated named speakers in {len(articles)} articles\n")
        return {"name_recall": found / max(total, 1), "tagger_name_recall": tagger_found / max(total, 1)}

    def evaluate_ct24(self, path: Path, *, language: str) -> dict[str, float]:
        """At the threshold chosen on the debates the model learnt from (ct24's own domain); the F1 at the news
        threshold the extraction uses follows, since on debates it flags fewer sentences than it should."""
        rows = read_tsv(path, text_column="text", labels=("Yes", "No"))
        texts = [text for text, _ in rows]
        gold = np.array([label == "Yes" for _, label in rows])
        scores = scoring.score_checkworthiness(texts, embed(texts), [language] * len(texts))
        threshold = scoring.checkworthiness_threshold(language, domain="debates")
        predicted = scores >= threshold
        self.stdout.write(f"{path}: {len(rows)} sentences, language {language}, debate threshold {threshold:.2f}\n")
        self.write_table(gold, predicted, positive="Yes", negative="No")
        precision, recall, f1 = precision_recall_f1(gold, predicted)
        news = precision_recall_f1(gold, scores >= scoring.checkworthiness_threshold(language))[2]
        return {"precision_yes": precision, "recall_yes": recall, "f1_yes": f1, "f1_yes_at_news_threshold": news}

    def evaluate_news(self, path: Path, *, language: str, limit: int, worst: int) -> dict[str, float]:
        """The share of news sentences the extraction flags as check-worthy, labels unread: the articles of an
        attribution corpus (JSON lines) through `analyse_article`, or a CheckThat! sentence file (TSV), each
        sentence scored alone as --ct25 does."""
        if path.suffix == ".tsv":
            texts = [text for text, _ in read_tsv(path, text_column="sentence", labels=("OBJ", "SUBJ"))][
                : limit or None
            ]
            language = language or detect_language(" ".join(texts))
            scores = scoring.score_checkworthiness(texts, embed(texts), [language] * len(texts))
            threshold = scoring.checkworthiness_threshold(language)
            sentences = [(text, float(score), score >= threshold) for text, score in zip(texts, scores, strict=True)]
            count = f"{len(texts)} sentences, language {language}"
        else:
            try:
                articles = corpora.read_corpus(path, language=language)[: limit or None]
            except OSError as exc:
                raise CommandError(f"Cannot read {path}: {exc.strerror}") from None
            except (UnicodeDecodeError, ValueError) as exc:
                raise CommandError(str(exc)) from None
            sentences = [
                (s.text, s.checkworthiness, s.is_checkworthy)
                for item in articles
                for s in analyse_article(item.text, language=item.language).sentences
                if s.analysed
            ]
            count = f"{len(articles)} articles, {len(sentences)} analysed sentences"
        if not sentences:
            raise CommandError(f"{path} has no sentences.")
        flagged = np.array([flag for _, _, flag in sentences])
        scores = np.array([score for _, score, _ in sentences])
        no_claim = np.array([scoring.states_no_claim(text) for text, _, _ in sentences])
        self.stdout.write(f"{path}: {count}\n")
        self.stdout.write(
            f"{'score quartiles':<20}" + "".join(f"{q:>8.3f}" for q in np.quantile(scores, [0.25, 0.5, 0.75]))
        )
        self.stdout.write(f"{'fragments (no claim)':<20}{int(no_claim.sum()):>8}\n")
        if worst:
            self.stdout.write("Flagged, shortest first:")
            for text, score, _ in sorted((s for s in sentences if s[2]), key=lambda s: len(s[0]))[:worst]:
                self.stdout.write(f"  {score:.3f}  {text[:140]}")
            self.stdout.write("")
        return {"flagged_share": float(flagged.mean()), "no_claim_share": float(no_claim.mean())}

    def evaluate_ct25(self, path: Path, *, language: str) -> dict[str, float]:
        rows = read_tsv(path, text_column="sentence", labels=("OBJ", "SUBJ"))
        texts = [text for text, _ in rows]
        language = language or detect_language(" ".join(texts))
        gold = np.array([label == "SUBJ" for _, label in rows])
        scores = scoring.score_subjectivity(texts, embed(texts), [language] * len(texts))
        if scores is None:
            raise CommandError(
                f"The subjectivity model is not installed in {scoring.WEIGHTS_DIR} (it is optional: its training data "
                "is licensed for non-commercial use only)."
            )
        threshold = scoring.subjectivity_threshold(language)
        predicted = scores >= threshold
        self.stdout.write(f"{path}: {len(rows)} sentences, language {language}, threshold {threshold:.2f}\n")
        self.write_table(gold, predicted, positive="SUBJ", negative="OBJ")
        f1_subjective = precision_recall_f1(gold, predicted)[2]
        f1_objective = precision_recall_f1(~gold, ~predicted)[2]
        return {"macro_f1": (f1_subjective + f1_objective) / 2}

    def write_table(self, gold: np.ndarray, predicted: np.ndarray, *, positive: str, negative: str) -> None:
        """The confusion matrix, then precision, recall and F1 of each class."""
        width = max(len(positive), len(negative)) + 10
        self.stdout.write(f"{'':{width}}{'predicted ' + positive:>16}{'predicted ' + negative:>16}")
        for name, row in ((positive, gold), (negative, ~gold)):
            counts = [int(np.sum(row & predicted)), int(np.sum(row & ~predicted))]
            self.stdout.write(f"{'gold ' + name:{width}}{counts[0]:>16}{counts[1]:>16}")
        self.stdout.write("")
        self.stdout.write(f"{'class':{width}}{'precision':>11}{'recall':>11}{'F1':>11}{'sentences':>11}")
        for name, row, guess in ((positive, gold, predicted), (negative, ~gold, ~predicted)):
            precision, recall, f1 = precision_recall_f1(row, guess)
            self.stdout.write(f"{name:{width}}{precision:>11.3f}{recall:>11.3f}{f1:>11.3f}{int(row.sum()):>11}")
        self.stdout.write("")


def baseline_attribution(text: str, language: str):
    """(start, end, text, speaker, direct quote) per sentence by the plain baseline, on the same sentences, tags
    and names as the extraction."""
    sentences = split_sentences(text, language)
    tagged = [tag_sentence(sentence, language) for sentence in sentences]
    analysed = analyse_speakers(
        tagged,
        headlines=[s.is_headline for s in sentences],
        language=language,
        paragraph_starts=[starts_paragraph(text, s.start) for s in sentences],
    )
    for sentence, tokens, item in zip(sentences, tagged, analysed, strict=True):
        choice = speakers.baseline_choice(item.context) if item else None
        quoted = any(token.text in QUOTE_MARKS for token in tokens)
        yield sentence.start, sentence.end, sentence.text, choice.text if choice else None, quoted


def tagger_names(tokens) -> list:
    """Runs of the tagger's proper nouns: how names were found before the recogniser."""
    runs, first = [], None
    for index, token in enumerate([*tokens, None]):
        is_name = token is not None and token.word_class is WordClass.NAME and token.is_capitalised
        if is_name and first is None:
            first = index
        elif not is_name and first is not None:
            runs.append(NameMention(first, index - 1, " ".join(t.text for t in tokens[first:index]), NameKind.UNKNOWN))
            first = None
    return runs


def read_tsv(path: Path, *, text_column: str, labels: Sequence[str]) -> list[tuple[str, str]]:
    """(text, label) pairs from a CheckThat! TSV: a header, tabs, and no quoting (a quote is part of the text)."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
            missing = {text_column, "label"} - set(reader.fieldnames or ())
            if missing:
                raise CommandError(f"{path} has no column {', '.join(sorted(missing))}.")
            rows = []
            for line, row in enumerate(reader, start=2):
                if row["label"] not in labels:
                    expected = " or ".join(labels)
                    raise CommandError(f"{path}, line {line}: label {row['label']!r} is not {expected}.")
                rows.append((row[text_column], row["label"]))
    except OSError as exc:
        raise CommandError(f"Cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise CommandError(f"{path} is not UTF-8 text.") from None
    if not rows:
        raise CommandError(f"{path} has no sentences.")
    return rows


def embed(texts: list[str]) -> np.ndarray:
    return np.vstack([embed_queries(texts[i : i + BATCH]) for i in range(0, len(texts), BATCH)])


def precision_recall_f1(gold: np.ndarray, predicted: np.ndarray) -> tuple[float, float, float]:
    """Of the positive class; 0 where a ratio has nothing to divide by (as scikit-learn reports it)."""
    true_positives = int(np.sum(gold & predicted))
    return corpora.precision_recall_f1(
        true_positives, int(predicted.sum()) - true_positives, int(gold.sum()) - true_positives
    )
