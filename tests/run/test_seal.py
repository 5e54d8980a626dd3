"""Encrypted pages: AES-256-GCM under a PBKDF2-SHA256 key, and the run that needs a passphrase it lacks."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from kaplan.core.errors import KaplanError, ParamsError
from kaplan.core.params import Audiences, load_params
from kaplan.run.cli import main
from kaplan.run.seal import Sealer, page_key, passphrases, seal_pages

PASSPHRASE = "correct horse battery"
FEW_ROUNDS = 1_000  # the browser test uses the default rounds; here only the format is checked


def sealed_fields(page: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="kp-sealed">(.*?)</script>', page).group(1))


def opened(page: str, passphrase: str) -> str:
    """What the browser does, in Python: derive the key from the page's salt and rounds, decrypt."""
    fields = sealed_fields(page)
    key = page_key(passphrase, base64.b64decode(fields["salt"]), fields["iterations"])
    plain = AESGCM(key).decrypt(base64.b64decode(fields["nonce"]), base64.b64decode(fields["data"]), None)
    return plain.decode("utf-8")


def test_a_sealed_page_opens_with_its_passphrase_only_and_holds_no_plain_text() -> None:
    secret = "<html><body><p>张三 激励 12,345 元</p></body></html>"
    page = Sealer.of(PASSPHRASE, FEW_ROUNDS, "zh").page(secret, "激励考核")
    assert opened(page, PASSPHRASE) == secret
    assert "张三" not in page and "12,345" not in page and PASSPHRASE not in page
    assert "<title>激励考核</title>" in page and "口令" in page
    with pytest.raises(InvalidTag):
        opened(page, "wrong passphrase!!")
    assert sealed_fields(page)["iterations"] == FEW_ROUNDS and len(base64.b64decode(sealed_fields(page)["salt"])) == 16


def test_every_page_has_its_own_nonce_and_one_folder_one_salt(tmp_path: Path) -> None:
    for name in ("a.html", "b.html", "index.html"):
        (tmp_path / name).write_text(f"<p>{name}</p>", encoding="utf-8")
    assert seal_pages(tmp_path, Sealer.of(PASSPHRASE, FEW_ROUNDS, "en"), {"a.html": "A"}, skip=("index.html",)) == [
        "a.html", "b.html"]
    a, b = (sealed_fields((tmp_path / n).read_text(encoding="utf-8")) for n in ("a.html", "b.html"))
    assert a["salt"] == b["salt"] and a["nonce"] != b["nonce"]
    assert (tmp_path / "index.html").read_text(encoding="utf-8") == "<p>index.html</p>"
    assert opened((tmp_path / "b.html").read_text(encoding="utf-8"), PASSPHRASE) == "<p>b.html</p>"


def test_passphrases_come_from_the_environment_and_every_problem_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAPLAN_PASSPHRASE_MANAGEMENT", PASSPHRASE)
    monkeypatch.setenv("KAPLAN_PASSPHRASE_EAST", "short")
    monkeypatch.delenv("KAPLAN_PASSPHRASE_WEST", raising=False)
    audiences = ["field", "management", "analysts", "region:华东大区", "region:西南大区"]
    assert passphrases({"management": "KAPLAN_PASSPHRASE_MANAGEMENT"}, audiences) == {"management": PASSPHRASE}
    with pytest.raises(KaplanError) as caught:
        passphrases({"region:华东大区": "KAPLAN_PASSPHRASE_EAST", "region:西南大区": "KAPLAN_PASSPHRASE_WEST",
                     "region:火星大区": "KAPLAN_PASSPHRASE_MANAGEMENT"}, audiences)  # fmt: skip
    message = str(caught.value)
    assert "KAPLAN_PASSPHRASE_EAST is shorter than 12 characters" in message
    assert "KAPLAN_PASSPHRASE_WEST is not set" in message
    assert "'region:火星大区', which this run does not publish" in message
    assert PASSPHRASE not in message


def test_params_name_known_audiences_and_environment_variables() -> None:
    assert Audiences().encrypt == {} and Audiences().field == ("targets", "progress")
    for bad in ({"managers": "KAPLAN_X"}, {"management": "kaplan-x"}, {"region:": "KAPLAN_X"}):
        with pytest.raises(ValueError):
            Audiences(encrypt=bad)
    with pytest.raises(ValueError):
        Audiences(kdf_iterations=1_000)


def test_a_run_that_must_encrypt_without_its_passphrase_exits_2_and_writes_nothing(
    small_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("KAPLAN_PASSPHRASE_MANAGEMENT", raising=False)
    params = tmp_path / "params" / "default.yaml"
    params.parent.mkdir()
    params.write_text("audiences:\n  encrypt: {management: KAPLAN_PASSPHRASE_MANAGEMENT}\n", encoding="utf-8")
    out = tmp_path / "out"
    code = main(["run", "--month", "2026-06", "--data", str(small_dir), "--out", str(out), "--params", str(params)])
    assert code == 2
    assert "KAPLAN_PASSPHRASE_MANAGEMENT is not set" in capsys.readouterr().err
    assert not out.exists()


def test_a_misspelt_audience_in_params_is_refused(tmp_path: Path) -> None:
    params = tmp_path / "default.yaml"
    params.write_text("audiences:\n  encrypt: {managment: KAPLAN_PASSPHRASE_MANAGEMENT}\n", encoding="utf-8")
    with pytest.raises(ParamsError, match="unknown audience"):
        load_params(params, "2026-06")
