"""Each kind of bad or unusual CSV upload is either handled with a note or refused clearly."""

from __future__ import annotations

import pytest

from data.csv_loader import MAX_CSV_BYTES, CsvLoadResult, read_csv_bytes
from data.dataset import DatasetError


def test_plain_comma_file_reads_without_notes():
    result = read_csv_bytes(b"a,b,c\n1,x,2.5\n2,y,3.5\n")
    assert isinstance(result, CsvLoadResult)
    assert list(result.frame.columns) == ["a", "b", "c"]
    assert result.frame["c"].tolist() == [2.5, 3.5]
    assert (result.encoding, result.delimiter, result.notes) == ("utf-8", ",", [])


def test_limit_matches_streamlit_upload_limit():
    assert MAX_CSV_BYTES == 200 * 1024 * 1024


@pytest.mark.parametrize("raw", [b"", b"  \n\r\n\t"])
def test_empty_file_is_refused(raw):
    with pytest.raises(DatasetError, match="empty"):
        read_csv_bytes(raw)


def test_header_without_rows_is_refused():
    with pytest.raises(DatasetError, match="no rows of values"):
        read_csv_bytes(b"height,weight\n")


def test_file_over_the_limit_names_both_sizes():
    with pytest.raises(DatasetError) as err:
        read_csv_bytes(b"a,b\n1,2\n" * 100, max_bytes=100)
    message = str(err.value)
    assert message.count("MB") == 2 and "800 bytes" in message and "100 bytes" in message
    assert "GLASSBOX_DATA_ROOTS" in message  # where a bigger table goes instead


def test_png_bytes_are_called_a_png():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10"
    with pytest.raises(DatasetError, match=r"binary file \(PNG image\?\).*CSV"):
        read_csv_bytes(png)


def test_zip_bytes_mention_xlsx():
    with pytest.raises(DatasetError, match="zip archive or Excel .xlsx"):
        read_csv_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00rest-of-zip")


def test_nul_bytes_are_binary():
    with pytest.raises(DatasetError, match="NUL bytes"):
        read_csv_bytes(b"a,b\n1,\x00\x00\x002\n\x01\x00\x00\x00\x00\x00")


def test_mostly_high_bytes_are_refused_as_not_text():
    with pytest.raises(DatasetError, match="not ordinary text"):
        read_csv_bytes(bytes(range(0x80, 0x100)) * 4)


def test_single_column_is_refused_with_delimiter_hint():
    with pytest.raises(DatasetError, match="single column.*another delimiter"):
        read_csv_bytes(b"value\n1\n2\n3\n")


def test_semicolons_with_decimal_comma():
    result = read_csv_bytes(b"name;price;qty\ntea;1,5;3\ncoffee;2,25;4\ncake;1.234,5;1\n")
    assert result.delimiter == ";"
    assert result.frame["price"].tolist() == [1.5, 2.25, 1234.5]
    assert result.frame["qty"].tolist() == [3, 4, 1]
    assert any("semicolons" in note for note in result.notes)
    assert any("decimal comma" in note and "'price'" in note for note in result.notes)


def test_tab_delimiter():
    result = read_csv_bytes(b"a\tb\n1\t2\n3\t4\n")
    assert result.delimiter == "\t"
    assert result.frame.shape == (2, 2)
    assert any("tabs" in note for note in result.notes)


def test_pipe_delimiter_even_when_values_contain_commas():
    result = read_csv_bytes(b"city|note\nParis|big, old\nLyon|small, old\nNice|sunny\n")
    assert result.delimiter == "|"
    assert result.frame["note"].tolist() == ["big, old", "small, old", "sunny"]


def test_cp1252_bytes_fall_back_with_a_note():
    raw = "name,price\ncafé,1\ncrème brûlée,2\n".encode("cp1252")
    result = read_csv_bytes(raw)
    assert result.encoding == "cp1252"
    assert result.frame["name"].tolist() == ["café", "crème brûlée"]
    assert any("not valid UTF-8" in note for note in result.notes)


def test_utf8_bom_is_not_part_of_the_first_name():
    result = read_csv_bytes("\ufeffid,naïve\n1,2\n".encode())
    assert list(result.frame.columns) == ["id", "naïve"]
    assert result.encoding == "utf-8-sig"


def test_utf16_with_bom():
    result = read_csv_bytes("a,b\n1,é\n2,ü\n".encode("utf-16"))
    assert result.encoding == "utf-16"
    assert result.frame["b"].tolist() == ["é", "ü"]


def test_duplicate_names_are_renamed_with_a_note():
    result = read_csv_bytes(b"x,x,y,x\n1,2,3,4\n5,6,7,8\n")
    assert list(result.frame.columns) == ["x", "x (2)", "y", "x (3)"]
    assert result.frame["x (3)"].tolist() == [4, 8]
    assert any("'x' appears 3 times" in note for note in result.notes)


def test_blank_names_become_column_n_and_empty_unnamed_columns_go():
    result = read_csv_bytes(b"a,,b,\n1,2,3,\n4,5,6,\n")
    assert list(result.frame.columns) == ["a", "column_2", "b"]
    assert any("'column_2'" in note for note in result.notes)
    assert any("unnamed empty column" in note for note in result.notes)


def test_trailing_delimiter_on_data_lines_only():
    result = read_csv_bytes(b"a,b\n1,2,\n3,4,\n5,6,\n")
    assert list(result.frame.columns) == ["a", "b"]
    assert result.frame["b"].tolist() == [2, 4, 6]


def test_empty_rows_are_dropped_and_integers_kept():
    result = read_csv_bytes(b"a,b\n1,2\n,\n3,4\n")
    assert result.frame["a"].tolist() == [1, 3]
    assert result.frame["a"].dtype == "int64"
    assert any("1 empty row" in note for note in result.notes)


def test_one_ragged_row_in_many_is_skipped_with_a_note():
    body = b"".join(b"%d,%d\n" % (i, i * 2) for i in range(150))
    result = read_csv_bytes(b"a,b\n" + body + b"7,8,9\n")
    assert len(result.frame) == 150
    assert any("Skipped 1 row" in note and "line 152" in note for note in result.notes)


def test_many_ragged_rows_are_refused_with_line_numbers():
    raw = b"name,score\nann,1\nbob, jr,2\ncid,3\ndan, sr,4\n"
    with pytest.raises(DatasetError, match=r"2 of 4 rows.*lines 3, 5.*double quotes"):
        read_csv_bytes(raw)


def test_unclosed_quote_is_explained():
    with pytest.raises(DatasetError, match="double quote"):
        read_csv_bytes(b'a,b\n"1,2\n3,4\n')


# --- large files are read in chunks of rows; the result is the same as in one piece ---

CHUNKY = {
    "numbers then text": b"id,code\n" + b"".join(b"%d,%d\n" % (i, i) for i in range(6)) + b"6,x7\n",
    "text then numbers": b"id,code\n1,a\n2,b\n3,007\n4,8\n5,9\n6,10\n",
    "ints then a gap": b"a,b\n1,2\n3,4\n5,6\n7,\n9,10\n",
    "an empty row": b"a,b\n1,2\n3,4\n,\n5,6\n7,8\n",
    "booleans then a gap": b"a,b\n1,true\n2,false\n3,true\n4,\n5,false\n",
    "numbers then booleans": b"a,b\n1,1\n2,0\n3,true\n4,false\n",
    "all empty then text": b"a,b\n1,\n2,\n3,x\n4,y\n",
    "a ragged row late": b"a,b\n" + b"1,2\n" * 150 + b"3,4,5\n" + b"6,7\n" * 50,
    "semicolons and decimal commas": b"a;b\n1,5;x\n2,5;y\n3,25;z\n4;w\n",
}


@pytest.mark.parametrize("raw", CHUNKY.values(), ids=CHUNKY.keys())
def test_reading_in_chunks_gives_what_reading_in_one_piece_gives(raw, monkeypatch):
    import pandas as pd

    from data import csv_loader

    whole = read_csv_bytes(raw)
    monkeypatch.setattr(csv_loader, "_CHUNK_ROWS", 2)
    chunked = read_csv_bytes(raw)
    pd.testing.assert_frame_equal(chunked.frame, whole.frame)
    assert chunked.notes == whole.notes
    for column in whole.frame.columns:
        assert chunked.frame[column].map(type).tolist() == whole.frame[column].map(type).tolist()


def test_a_ragged_row_is_named_by_its_line_in_the_file_whatever_the_chunk(monkeypatch):
    from data import csv_loader

    monkeypatch.setattr(csv_loader, "_CHUNK_ROWS", 7)
    result = read_csv_bytes(CHUNKY["a ragged row late"])
    assert any("line 152" in note for note in result.notes), result.notes
