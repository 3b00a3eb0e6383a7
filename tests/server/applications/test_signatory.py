"""Who signs connection contracts for АО «ВОЭК» is the server's configuration: `voek-server
--signatory FILE` reads it, and the offered contract prints it (the demo's is tested in
test_flow.py)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pypdf
import pytest

from voek_desktop.api.server.__main__ import parse_args
from voek_desktop.printing.contract import render_contract

SIGNATORY = {
    "position": "Генеральный директор",
    "name": "Лебедев Олег Петрович",
    "position_genitive": "генерального директора",
    "name_genitive": "Лебедева Олега Петровича",
    "basis": "Устава",
}


def test_the_server_reads_the_signatory_and_the_contract_prints_it(tmp_path: Path) -> None:
    path = tmp_path / "signatory.json"
    path.write_text(json.dumps(SIGNATORY, ensure_ascii=False), encoding="utf-8")
    args = parse_args(["--signatory", str(path)])
    assert args.signatory == SIGNATORY
    out = io.BytesIO()
    contract = {f"grid_signatory_{k}": v for k, v in args.signatory.items()}
    render_contract({"number": "ДТП-1", **contract}, {"category": "p14"}, {}, out)
    words = " ".join(
        " ".join(
            p.extract_text() for p in pypdf.PdfReader(io.BytesIO(out.getvalue())).pages
        ).split()
    )
    assert (
        "в лице генерального директора Лебедева Олега Петровича, действующего на основании Устава"
        in words
    )
    assert "/ Лебедев О. П. /" in words


def test_a_signatory_file_without_every_key_is_refused(tmp_path: Path, capsys) -> None:
    path = tmp_path / "signatory.json"
    path.write_text(json.dumps({"name": "Лебедев Олег Петрович"}), encoding="utf-8")
    with pytest.raises(SystemExit):
        parse_args(["--signatory", str(path)])
    assert "position_genitive" in capsys.readouterr().err
