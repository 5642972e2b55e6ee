"""Labeled data from the UI table, CSV, JSONL and BEIR files; every problem names file and line."""

from __future__ import annotations

import json
import re

import pytest

from hfcompare.retrieval.labeled import DatasetError, from_pairs, parse_beir, parse_csv, parse_jsonl
from hfcompare.samples import load_retrieval_sample


def test_pairs_share_texts_and_keep_distractors():
    ds = from_pairs([("q one", ["shared", "a"]), ("q two", ["shared"])], ["noise", "a"])
    assert len(ds.queries) == 2 and len(ds.corpus) == 3
    shared = next(d for d, t in ds.corpus.items() if t == "shared")
    assert all(shared in rel for rel in ds.qrels.values())


def test_csv_pairs_and_distractor_rows():
    ds = parse_csv("query,document,score\nhow?,answer,1\nhow?,also,2\n,noise,\nother,nope,0\n")
    assert sorted(ds.corpus.values()) == ["also", "answer", "noise", "nope"]
    assert list(ds.queries.values()) == ["how?"]


@pytest.mark.parametrize("text, problem", [
    ("question,answer\nx,y\n", "line 1: the header must name the columns 'query' and 'document'"),
    ("query,document\nx,\n", "line 2: the document is empty"),
    ("query,document,score\nx,y,high\n", "line 2: the score 'high' is not a number"),
    ("query,document\n,only noise\n", "no row pairs a query"),
])
def test_csv_problems(text, problem):
    with pytest.raises(DatasetError, match=problem):
        parse_csv(text, source="mine.csv")


def test_jsonl_and_its_problems():
    ds = parse_jsonl('{"query": "q", "relevant": ["a"]}\n\n{"document": "b"}\n')
    assert len(ds.corpus) == 2
    for text, problem in [('{"query": "q", "relevant": "a"}', "line 1: 'relevant' must be a list"),
                          ('{"query": "q", "relevant": ["a"]}\n{oops', "line 2: not valid JSON"),
                          ('[1, 2]', "line 1: expected a JSON object"),
                          ('{"title": "x"}', "line 1: expected a 'query'"),
                          ('{"query": "", "relevant": ["a"]}', "row 1: the query is empty"),
                          ('{"query": "q", "relevant": []}', "has no text it should find")]:
        with pytest.raises(DatasetError, match=problem):
            parse_jsonl(text, source="x.jsonl")


def beir(corpus=None, queries=None, qrels=None):
    corpus = corpus if corpus is not None else "\n".join(json.dumps(r) for r in [
        {"_id": "d1", "title": "Invoices", "text": "Create one in Billing."}, {"_id": "d2", "text": "Dark mode."}])
    queries = queries if queries is not None else json.dumps({"_id": "q1", "text": "new invoice"})
    qrels = qrels if qrels is not None else "query-id\tcorpus-id\tscore\nq1\td1\t1\n"
    return parse_beir(corpus.encode(), queries.encode(), qrels.encode())


def test_beir_set_reads_titles_into_the_text():
    ds = beir()
    assert ds.corpus["d1"] == "Invoices\nCreate one in Billing." and ds.qrels == {"q1": {"d1": 1}}


@pytest.mark.parametrize("kwargs, problem", [
    ({"qrels": "q\td\ts\nq1\td1\t1\n"}, "qrels.tsv, line 1: expected the header"),
    ({"qrels": "query-id\tcorpus-id\tscore\nq1\td9\t1\n"}, "qrels.tsv, line 2: corpus id 'd9' is not in corpus.jsonl"),
    ({"qrels": "query-id\tcorpus-id\tscore\nq7\td1\t1\n"}, "qrels.tsv, line 2: query id 'q7' is not in queries.jsonl"),
    ({"qrels": "query-id\tcorpus-id\tscore\nq1 d1 1\n"}, "qrels.tsv, line 2: expected 3 tab-separated columns"),
    ({"corpus": '{"_id": "d1", "text": "x"}\n{"text": "y"}'}, "corpus.jsonl, line 2: '_id' is missing"),
    ({"corpus": '{"_id": "d1", "text": "x"}\n{"_id": "d1", "text": "y"}'}, "corpus.jsonl, line 2: the id 'd1' appears twice"),
    ({"queries": '{"_id": "q1"}'}, "queries.jsonl, line 1: 'text' is missing"),
    ({"qrels": "query-id\tcorpus-id\tscore\nq1\td1\t0\n"}, "no query has a relevant document"),
])
def test_beir_problems_name_the_file_and_line(kwargs, problem):
    with pytest.raises(DatasetError, match=problem):
        beir(**kwargs)


def test_non_utf8_upload_is_refused_clearly():
    with pytest.raises(DatasetError, match="not UTF-8"):
        parse_csv(b"query,document\n\xff\xfe,x\n", source="latin.csv")


def test_bundled_sample_is_labeled():
    ds = load_retrieval_sample()
    assert len(ds.judged_queries) == 20 and len(ds.corpus) >= 40


def test_test_suite_text_round_trips_and_names_lines():
    from hfcompare.retrieval.labeled import format_test_suite, parse_test_suite

    sample = load_retrieval_sample()
    suite, others = format_test_suite(sample)
    again = parse_test_suite(suite, others)
    assert sorted(again.corpus.values()) == sorted(sample.corpus.values())
    assert sorted(again.queries.values()) == sorted(sample.queries.values())
    with pytest.raises(DatasetError, match="line 1: a text to find comes before any query"):
        parse_test_suite("- orphan\nquery")
    with pytest.raises(DatasetError, match="has no text it should find"):
        parse_test_suite("query one\n- a\nquery two\n")
    with pytest.raises(DatasetError, match="no query yet"):
        parse_test_suite("  \n")


CRAFTED = [
    ("csv", b"query,document\nq," + b"x" * 140_000 + b"\n", "upload.csv, line 2: not readable as CSV"),
    ("csv", b"x" * 140_000, "upload.csv, line 1: not readable as CSV"),
    ("jsonl", b"[" * 5_000, "upload.jsonl, line 1: JSON nested too deeply"),
    ("jsonl", b'{"query": "q", "relevant": ["d"]}\n' + b'{"n": ' + b"1" * 5_000 + b"}", "upload.jsonl, line 2"),
    ("jsonl", b'{"query": "\\ud800", "relevant": ["d"]}', "not valid Unicode"),
    ("csv", "query,document\nq,d\n".encode("utf-16-le"), "upload.csv, line 1: contains a NUL"),
    ("csv", "query,document\nq,d\n".encode("utf-16"), "upload.csv, line 1: not UTF-8"),
    ("jsonl", b'{"query": "q", "relevant": ["d"]}\n{"document": "caf\xe9"}', "upload.jsonl, line 2: not UTF-8"),
    ("jsonl", b"query,document\nq,d\n", "upload.jsonl, line 1: not valid JSON"),
    ("csv", b'{"query": "q", "relevant": ["d"]}\n', "upload.csv, line 1: the header"),
    ("csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "upload.csv, line 1: not UTF-8"),
]


@pytest.mark.parametrize(("kind", "raw", "problem"), CRAFTED)
def test_crafted_files_give_their_own_error_never_a_crash(kind, raw, problem):
    parse = parse_csv if kind == "csv" else parse_jsonl
    with pytest.raises(DatasetError, match=re.escape(problem)):
        parse(raw)


def test_crafted_beir_files_and_test_suites_give_their_own_error():
    from hfcompare.retrieval.labeled import parse_test_suite

    with pytest.raises(DatasetError, match="corpus.jsonl, line 1: JSON nested too deeply"):
        parse_beir(b"[" * 5_000, b"", b"")
    with pytest.raises(DatasetError, match="queries.jsonl, line 1: not UTF-8"):
        parse_beir(b'{"_id": "1", "text": "a"}', b"\xff\xfe", b"")
    with pytest.raises(DatasetError, match="test suite, line 2: contains a NUL"):
        parse_test_suite("q\n- a\x00b")
    with pytest.raises(DatasetError, match="test suite, line 2: not valid Unicode"):
        parse_test_suite("q\n- a\ud800")


def test_labeled_files_load_the_same_way_for_every_client():
    from hfcompare.retrieval.labeled import DatasetError, load_labeled

    csv_set = load_labeled([("pairs.csv", "query,document\nHow do I pay?,Pay by card.\n")])
    assert list(csv_set.queries.values()) == ["How do I pay?"]
    jsonl = load_labeled([("pairs.jsonl", '{"query": "How do I pay?", "relevant": ["Pay by card."]}\n')])
    assert list(jsonl.queries.values()) == ["How do I pay?"]
    beir = load_labeled([("qrels.tsv", "query-id\tcorpus-id\tscore\nq1\td1\t1\n"),
                         ("corpus.jsonl", '{"_id": "d1", "text": "Pay by card."}\n'),
                         ("queries.jsonl", '{"_id": "q1", "text": "How do I pay?"}\n')])
    assert beir.queries == {"q1": "How do I pay?"} and beir.qrels == {"q1": {"d1": 1}}
    for files, message in (([], "Give a CSV or JSONL file"),
                           ([("data.xlsx", b"PK")], "data.xlsx: labeled data is one .csv or .jsonl file"),
                           ([("qrels.tsv", "")], "missing: corpus, queries")):
        with pytest.raises(DatasetError, match=message):
            load_labeled(files)
