import csv
import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ue_core.io.safe_csv import is_risky_text, neutralise, neutralise_text, to_csv_bytes


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        "+44 20",
        "-2+3",
        "@SUM(A1)",
        "\tindented",
        "\rreturn",
        "\nnew line",
        "\x00null",
        "\x1bescape",
        "=cmd|' /C calc'!A0",
    ],
)
def test_risky_text_gets_an_apostrophe(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["plain", "", "1 = 1", " =1", "'already", "[x]", "é=1"])
def test_safe_text_is_unchanged(text):
    assert neutralise(text) == text


@pytest.mark.parametrize("value", [-5, -2.5, 0, 3, 1.5e10, np.int64(-7), np.float64(-0.5)])
def test_numbers_are_unchanged(value):
    result = neutralise(value)
    assert result == value
    assert type(result) is type(value)


def test_other_values_are_unchanged():
    assert neutralise(None) is None
    assert neutralise(True) is True


@given(st.text())
def test_neutralised_text_never_starts_like_a_formula(text):
    result = neutralise_text(text)
    assert not is_risky_text(result)
    assert result.endswith(text)


def _read(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_starts_with_a_byte_order_mark_and_uses_crlf():
    data = to_csv_bytes(pd.DataFrame({"a": [1]}))
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in data


def test_csv_neutralises_cells_and_header_but_not_numbers():
    df = pd.DataFrame(
        {
            "=HYPERLINK(1)": ["=1+1", "safe", "-x"],
            "score": [-5, 0, 7],
            "mean": [-0.5, np.nan, 2.25],
        }
    )
    rows = _read(to_csv_bytes(df))
    assert rows[0] == ["'=HYPERLINK(1)", "score", "mean"]
    assert rows[1] == ["'=1+1", "-5", "-0.5"]
    assert rows[2] == ["safe", "0", ""]
    assert rows[3] == ["'-x", "7", "2.25"]


def test_csv_numbers_are_not_quoted_and_text_is():
    text = to_csv_bytes(pd.DataFrame({"name": ["a"], "n": [-3]})).decode("utf-8-sig")
    assert text.splitlines()[1] == '"a",-3'


def test_csv_round_trips_through_pandas():
    df = pd.DataFrame({"team": ["Alpha", "Beta, the second"], "score": [1, -2]})
    back = pd.read_csv(io.BytesIO(to_csv_bytes(df)), encoding="utf-8-sig")
    assert list(back.columns) == ["team", "score"]
    assert back["team"].tolist() == ["Alpha", "Beta, the second"]
    assert back["score"].tolist() == [1, -2]


def test_csv_writes_missing_values_as_empty_and_keeps_unicode():
    df = pd.DataFrame({"text": ["Café – £5", None], "when": [pd.Timestamp("2024-03-01"), pd.NaT]})
    rows = _read(to_csv_bytes(df))
    assert rows[1] == ["Café – £5", "2024-03-01T00:00:00"]
    assert rows[2] == ["", ""]


def test_csv_omits_the_index():
    df = pd.DataFrame({"a": [1, 2]}, index=["=x", "=y"])
    rows = _read(to_csv_bytes(df))
    assert rows == [["a"], ["1"], ["2"]]
