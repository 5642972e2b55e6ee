"""Labeled retrieval data: queries, a corpus and relevance judgments, from the UI, CSV, JSONL or a
BEIR-style set. Every problem is reported with the file, the line and what is wrong.

Formats
- UI table / brief's test suite: rows of (query, the texts it should find); extra corpus texts
  are distractors.
- CSV: a header with `query` and `document` (optional `score`, default 1: a grade of relevance,
  which nDCG uses when some grade is above 1). Each row pairs a query with a text it should find;
  a row with an empty query, or a score of 0 or less, adds a distractor text.
- JSONL: one object per line, `{"query": ..., "relevant": [texts]}` or `{"document": ...}`
  (a `{"description": ...}` line is allowed and skipped).
- BEIR: `corpus.jsonl` (`_id`, `title`, `text`), `queries.jsonl` (`_id`, `text`) and `qrels.tsv`
  (`query-id`, `corpus-id`, `score`, with a header).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field

#: Limits for one evaluation (the UI and the CLI enforce them).
MAX_CORPUS = 50_000
MAX_QUERIES = 5_000
MAX_CHARS = 8_000
#: Largest upload or file one evaluation reads (checked before parsing).
MAX_FILE_BYTES = 200 * 2**20


class DatasetError(ValueError):
    """Labeled data that cannot be used; the message names the file, line and problem."""


@dataclass
class RetrievalDataset:
    """Queries and corpus by id, and the judged relevance of (query, document) pairs."""

    queries: dict[str, str]
    corpus: dict[str, str]
    qrels: dict[str, dict[str, int]]
    name: str = "dataset"
    notes: list[str] = field(default_factory=list)

    @property
    def judged_queries(self) -> list[str]:
        """Query ids with at least one relevant document (the ones metrics cover)."""
        return [q for q in self.queries if any(s > 0 for s in self.qrels.get(q, {}).values())]

    @property
    def graded(self) -> bool:
        """Whether the judgments grade relevance (some grade above 1): nDCG then uses the grades."""
        from hfcompare.retrieval.metrics import is_graded

        return is_graded(self.qrels)

    def fingerprint(self) -> str:
        """A short content hash (for naming results and caching views)."""
        blob = json.dumps([self.queries, self.corpus, self.qrels], sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:12]


def _text_id(prefix: str, text: str, ids: dict[str, str]) -> str:
    """A stable id for `text` from its content. Ids decide the order of equally scored results
    (as in sentence-transformers' evaluator), so they must not follow input order: a text listed
    first would win every tie."""
    if text not in ids:
        ids[text] = f"{prefix}{hashlib.sha256(text.encode('utf-8', 'surrogatepass')).hexdigest()[:12]}"
    return ids[text]


def from_pairs(pairs: list[tuple[str, list[str]]], distractors: list[str] = (), name: str = "dataset",
               source: str = "table", grades: dict[tuple[str, str], int] | None = None) -> RetrievalDataset:
    """A dataset from (query, texts it should find) pairs plus distractor texts; texts are
    deduplicated, so a text two queries should find is one corpus entry. `grades` maps a
    (query, text) pair to its grade of relevance (default 1)."""
    doc_ids: dict[str, str] = {}
    query_ids: dict[str, str] = {}
    qrels: dict[str, dict[str, int]] = {}
    for row, (query, relevant) in enumerate(pairs, start=1):
        query = (query or "").strip()
        relevant = [r.strip() for r in relevant if r and r.strip()]
        if not query:
            raise DatasetError(f"{source}, row {row}: the query is empty.")
        if not relevant:
            raise DatasetError(f"{source}, row {row}: the query {query[:60]!r} has no text it should find.")
        qid = _text_id("q", query, query_ids)
        for text in relevant:
            qrels.setdefault(qid, {})[_text_id("d", text, doc_ids)] = (grades or {}).get((query, text), 1)
    for text in distractors:
        if text and text.strip():
            _text_id("d", text.strip(), doc_ids)
    dataset = RetrievalDataset({qid: q for q, qid in query_ids.items()}, {did: d for d, did in doc_ids.items()},
                               qrels, name=name)
    return validate(dataset, source)


def parse_csv(raw: bytes | str, source: str = "upload.csv") -> RetrievalDataset:
    """Rows of query, document (and an optional score); an empty query adds a distractor."""
    text = _decode(raw, source)
    reader = csv.DictReader(io.StringIO(text, newline=None))
    try:
        fieldnames = reader.fieldnames or []
    except csv.Error as exc:
        raise _csv_error(exc, reader, source) from None
    columns = {c.strip().lower(): c for c in fieldnames}
    if "query" not in columns or "document" not in columns:
        raise DatasetError(f"{source}, line 1: the header must name the columns 'query' and 'document' "
                           f"(found: {', '.join(fieldnames)[:200] or 'nothing'}).")
    pairs: dict[str, list[str]] = {}
    grades: dict[tuple[str, str], int] = {}
    distractors: list[str] = []
    for line, row in _csv_rows(reader, source):
        query = (row.get(columns["query"]) or "").strip()
        document = (row.get(columns["document"]) or "").strip()
        raw_score = (row.get(columns["score"]) or "").strip() if "score" in columns else ""
        score = _score(raw_score or "1", source, line)
        if not document:
            raise DatasetError(f"{source}, line {line}: the document is empty.")
        if not query or score <= 0:
            distractors.append(document)
        else:
            pairs.setdefault(query, []).append(document)
            grades[(query, document)] = max(score, grades.get((query, document), 0))
    if not pairs:
        raise DatasetError(f"{source}: no row pairs a query with a document it should find.")
    return from_pairs(list(pairs.items()), distractors, name=source, source=source, grades=grades)


def parse_jsonl(raw: bytes | str, source: str = "upload.jsonl") -> RetrievalDataset:
    """Lines of {"query": ..., "relevant": [...]} or {"document": ...}."""
    pairs: list[tuple[str, list[str]]] = []
    distractors: list[str] = []
    for line, obj in _jsonl(raw, source):
        if "query" in obj:
            relevant = obj.get("relevant")
            if not isinstance(relevant, list) or not all(isinstance(r, str) for r in relevant):
                raise DatasetError(f"{source}, line {line}: 'relevant' must be a list of texts.")
            if not isinstance(obj["query"], str):
                raise DatasetError(f"{source}, line {line}: 'query' must be a text.")
            pairs.append((obj["query"], relevant))
        elif isinstance(obj.get("document"), str):
            distractors.append(obj["document"])
        elif set(obj) == {"description"}:
            continue
        else:
            raise DatasetError(f"{source}, line {line}: expected a 'query' with 'relevant' texts, or a 'document'.")
    if not pairs:
        raise DatasetError(f"{source}: no line has a query.")
    return from_pairs(pairs, distractors, name=source, source=source)


def parse_beir(corpus_raw: bytes | str, queries_raw: bytes | str, qrels_raw: bytes | str,
               names: tuple[str, str, str] = ("corpus.jsonl", "queries.jsonl", "qrels.tsv")) -> RetrievalDataset:
    """A BEIR-style set: corpus.jsonl, queries.jsonl and qrels.tsv (with a header)."""
    corpus_name, queries_name, qrels_name = names
    corpus: dict[str, str] = {}
    for line, obj in _jsonl(corpus_raw, corpus_name):
        doc_id = _id(obj, corpus_name, line)
        title, body = obj.get("title") or "", obj.get("text")
        if not isinstance(body, str):
            raise DatasetError(f"{corpus_name}, line {line}: 'text' is missing or not a text.")
        if doc_id in corpus:
            raise DatasetError(f"{corpus_name}, line {line}: the id {doc_id!r} appears twice.")
        corpus[doc_id] = f"{title}\n{body}".strip() if isinstance(title, str) and title else body
    queries: dict[str, str] = {}
    for line, obj in _jsonl(queries_raw, queries_name):
        qid = _id(obj, queries_name, line)
        if not isinstance(obj.get("text"), str):
            raise DatasetError(f"{queries_name}, line {line}: 'text' is missing or not a text.")
        if qid in queries:
            raise DatasetError(f"{queries_name}, line {line}: the id {qid!r} appears twice.")
        queries[qid] = obj["text"]
    qrels: dict[str, dict[str, int]] = {}
    lines = _decode(qrels_raw, qrels_name).splitlines()
    if not lines or [c.strip().lower() for c in lines[0].split("\t")][:2] != ["query-id", "corpus-id"]:
        raise DatasetError(f"{qrels_name}, line 1: expected the header 'query-id<TAB>corpus-id<TAB>score'.")
    for line, content in enumerate(lines[1:], start=2):
        if not content.strip():
            continue
        cells = content.split("\t")
        if len(cells) != 3:
            raise DatasetError(f"{qrels_name}, line {line}: expected 3 tab-separated columns, found {len(cells)}.")
        qid, did, score = (c.strip() for c in cells)
        if qid not in queries:
            raise DatasetError(f"{qrels_name}, line {line}: query id {qid!r} is not in {queries_name}.")
        if did not in corpus:
            raise DatasetError(f"{qrels_name}, line {line}: corpus id {did!r} is not in {corpus_name}.")
        qrels.setdefault(qid, {})[did] = _score(score, qrels_name, line)
    return validate(RetrievalDataset(queries, corpus, qrels, name=corpus_name.rsplit("/", 1)[0]), qrels_name)


def validate(dataset: RetrievalDataset, source: str) -> RetrievalDataset:
    """Check sizes and coverage; queries with nothing relevant are noted (metrics skip them)."""
    if not dataset.corpus:
        raise DatasetError(f"{source}: the corpus is empty.")
    if len(dataset.corpus) > MAX_CORPUS:
        raise DatasetError(f"{source}: {len(dataset.corpus):,} corpus texts; the limit is {MAX_CORPUS:,}.")
    if len(dataset.queries) > MAX_QUERIES:
        raise DatasetError(f"{source}: {len(dataset.queries):,} queries; the limit is {MAX_QUERIES:,}.")
    for kind, texts in (("corpus text", dataset.corpus), ("query", dataset.queries)):
        for tid, text in texts.items():
            if not text.strip():
                raise DatasetError(f"{source}: {kind} {tid!r} is empty.")
            if len(text) > MAX_CHARS:
                raise DatasetError(f"{source}: {kind} {tid!r} has {len(text):,} characters; the limit is {MAX_CHARS:,}.")
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:  # a lone surrogate, e.g. from a JSON escape
                raise DatasetError(f"{source}: {kind} {tid!r} is not valid Unicode text.") from None
    judged = dataset.judged_queries
    if not judged:
        raise DatasetError(f"{source}: no query has a relevant document, so there is nothing to measure.")
    skipped = len(dataset.queries) - len(judged)
    if skipped:
        dataset.notes.append(f"{skipped} queries have no relevant document and are left out of the metrics.")
    return dataset


def _csv_rows(reader: csv.DictReader, source: str):
    """(line, row) pairs; a malformed row (an oversize field, a stray quote) becomes a DatasetError."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _csv_error(exc, reader, source) from None
        yield reader.reader.line_num, row


def _csv_error(exc: csv.Error, reader: csv.DictReader, source: str) -> DatasetError:
    problem = str(exc)
    if "field larger than field limit" in problem:
        problem = f"a field is longer than {csv.field_size_limit():,} characters (a text may have {MAX_CHARS:,})"
    return DatasetError(f"{source}, line {max(reader.reader.line_num, 1)}: not readable as CSV ({problem}).")


def decode_text(raw: bytes | str, source: str) -> str:
    """`raw` as text: UTF-8 (a BOM is dropped), no NUL characters, at most MAX_FILE_BYTES; otherwise a
    DatasetError naming the file, the line and the problem."""
    if len(raw) > MAX_FILE_BYTES:
        raise DatasetError(f"{source}: {len(raw):,} bytes; the limit is {MAX_FILE_BYTES:,}.")
    if isinstance(raw, str):
        text = raw
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:  # a lone surrogate
            raise DatasetError(f"{source}, line {text.count(chr(10), 0, exc.start) + 1}: not valid Unicode "
                               "text.") from None
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            raise DatasetError(f"{source}, line {line}: not UTF-8 text (byte {exc.start}); save the file as "
                               "UTF-8.") from None
    nul = text.find("\0")
    if nul >= 0:
        raise DatasetError(f"{source}, line {text.count(chr(10), 0, nul) + 1}: contains a NUL character (a binary "
                           "file, or text saved as UTF-16?).")
    return text


_decode = decode_text


def load_json(text: str, where: str, error: type[Exception], line_of_error: bool = False):
    """`json.loads(text)`, or `error` with a message that starts with `where` (a file, or a file and line;
    `line_of_error` adds the line the JSON error is on): bad JSON, nesting too deep, a number too long."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        at = f"{where}, line {exc.lineno}" if line_of_error else where
        raise error(f"{at}: not valid JSON ({exc.msg}).") from None
    except RecursionError:
        raise error(f"{where}: JSON nested too deeply.") from None
    except ValueError:  # an integer of more than 4,300 digits
        raise error(f"{where}: a number is too long.") from None


def _jsonl(raw: bytes | str, source: str):
    for line, content in enumerate(_decode(raw, source).splitlines(), start=1):
        if not content.strip():
            continue
        obj = load_json(content, f"{source}, line {line}", DatasetError)
        if not isinstance(obj, dict):
            raise DatasetError(f"{source}, line {line}: expected a JSON object.")
        yield line, obj


def _id(obj: dict, source: str, line: int) -> str:
    value = obj.get("_id")
    if not isinstance(value, (str, int)) or isinstance(value, bool) or str(value).strip() == "":
        raise DatasetError(f"{source}, line {line}: '_id' is missing.")
    return str(value)


def _score(value, source: str, line: int) -> int:
    try:
        return int(float(str(value).strip()))
    except (ValueError, OverflowError) as exc:
        raise DatasetError(f"{source}, line {line}: the score {value!r} is not a number.") from exc


def parse_test_suite(text: str, distractors: str = "", source: str = "test suite") -> RetrievalDataset:
    """The brief's test suite as typed in the UI: a query on its own line, then each text it should
    find on a line starting with '- '; a blank line may separate queries. `distractors` holds other
    corpus texts, one per line."""
    text, distractors = decode_text(text, source), decode_text(distractors, f"{source} (other texts)")
    pairs: list[tuple[str, list[str]]] = []
    for line, content in enumerate(text.splitlines(), start=1):
        stripped = content.strip()
        if not stripped:
            continue
        if stripped.startswith(("- ", "* ")) or stripped in {"-", "*"}:
            if not pairs:
                raise DatasetError(f"{source}, line {line}: a text to find comes before any query.")
            pairs[-1][1].append(stripped[1:].strip())
        else:
            pairs.append((stripped, []))
    if not pairs:
        raise DatasetError(f"{source}: no query yet. Write a query, then the texts it should find, each "
                           "on a line starting with '- '.")
    for query, relevant in pairs:
        if not any(relevant):
            raise DatasetError(f"{source}: the query {query[:60]!r} has no text it should find "
                               "(add lines starting with '- ' below it).")
    return from_pairs(pairs, [d for d in distractors.splitlines() if d.strip()], name=source, source=source)


def format_test_suite(dataset: RetrievalDataset) -> tuple[str, str]:
    """(test suite text, distractor texts) that parse_test_suite turns back into `dataset`."""
    blocks, judged = [], set()
    for qid in dataset.judged_queries:
        relevant = [d for d, s in dataset.qrels[qid].items() if s > 0]
        judged.update(relevant)
        blocks.append("\n".join([dataset.queries[qid], *(f"- {dataset.corpus[d]}" for d in relevant)]))
    others = [text for did, text in dataset.corpus.items() if did not in judged]
    return "\n\n".join(blocks), "\n".join(others)


BEIR_ROLES = ("corpus", "queries", "qrels")


def load_labeled(files: list[tuple[str, bytes | str]]) -> RetrievalDataset:
    """Labeled data from named files, as the page's uploads, `hfcompare evaluate --data` and
    `hfcompare bench --labeled` give it: one .csv or .jsonl file, or the three files of a BEIR-style set
    told apart by their names (which contain corpus, queries and qrels). Raises DatasetError."""
    if not files:
        raise DatasetError("Give a CSV or JSONL file, or the three files of a BEIR-style set.")
    by_role = {}
    for name, raw in files:
        role = next((r for r in BEIR_ROLES if r in name.lower()), None)
        if role:
            by_role[role] = (name, raw)
    if len(by_role) == len(BEIR_ROLES):
        parts = [by_role[r] for r in BEIR_ROLES]
        return parse_beir(*(raw for _, raw in parts), names=tuple(name for name, _ in parts))
    if len(files) == 1:
        name, raw = files[0]
        if name.lower().endswith(".csv"):
            return parse_csv(raw, source=name)
        if name.lower().endswith(".jsonl"):
            return parse_jsonl(raw, source=name)
    if by_role:
        missing = [r for r in BEIR_ROLES if r not in by_role]
        raise DatasetError(f"A BEIR-style set needs three files; missing: {', '.join(missing)} "
                           "(the file names must contain corpus, queries and qrels).")
    names = ", ".join(name for name, _ in files)
    raise DatasetError(f"{names}: labeled data is one .csv or .jsonl file, or corpus.jsonl, queries.jsonl and "
                       "qrels.tsv together.")
