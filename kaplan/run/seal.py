"""Pages that stay closed when forwarded: a self-contained page encrypted with its audience's passphrase.

The page is encrypted with AES-256-GCM (a fresh 96-bit nonce per page) under a key derived from the
passphrase by PBKDF2-HMAC-SHA256 (``audiences.kdf_iterations`` rounds, 600,000 by default, a fresh
16-byte salt per audience and version), both from the ``cryptography`` package. The sealed page
holds the salt, nonce, rounds and ciphertext, and a form: the browser derives the same key with
WebCrypto, decrypts, and replaces the form with the page; a wrong passphrase fails GCM's
authentication and the form says so, showing nothing else. The passphrase is read from the
environment variable the parameters name (docs/operations.md §5) and never written or logged.
WebCrypto needs a secure context: a page served over HTTPS, or a saved file.
"""

from __future__ import annotations

import base64
import html
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from kaplan.core.errors import KaplanError
from kaplan.core.glossary import Lang, label

SALT_BYTES = 16
NONCE_BYTES = 12
MIN_PASSPHRASE = 12  # characters

OPEN_SCRIPT = """
(function () {
  var sealed = JSON.parse(document.getElementById("kp-sealed").textContent);
  var words = JSON.parse(document.getElementById("kp-words").textContent);
  var message = document.getElementById("kp-message");
  var field = document.getElementById("kp-pass");
  function bytes(text) {
    var raw = atob(text), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out;
  }
  document.getElementById("kp-unlock").addEventListener("submit", function (event) {
    event.preventDefault();
    if (!window.crypto || !window.crypto.subtle) { message.textContent = words.no_crypto; return; }
    message.textContent = words.opening;
    var secret = new TextEncoder().encode(field.value);
    crypto.subtle.importKey("raw", secret, "PBKDF2", false, ["deriveKey"]).then(function (base) {
      return crypto.subtle.deriveKey(
        {name: "PBKDF2", salt: bytes(sealed.salt), iterations: sealed.iterations, hash: "SHA-256"},
        base, {name: "AES-GCM", length: 256}, false, ["decrypt"]);
    }).then(function (key) {
      return crypto.subtle.decrypt({name: "AES-GCM", iv: bytes(sealed.nonce)}, key, bytes(sealed.data));
    }).then(function (plain) {
      var page = new TextDecoder().decode(plain);
      document.open();
      document.write(page);
      document.close();
    }, function () {
      message.textContent = words.wrong;
      field.value = "";
      field.focus();
    });
  });
})();
"""
SEALED_STYLE = """body{font-family:system-ui,sans-serif;max-width:560px;margin:4em auto;padding:0 1em;color:#1f2328}
input{font-size:16px;padding:4px 8px;width:18em} button{font-size:16px;padding:4px 14px}
#kp-message{color:#b42318;font-weight:600;min-height:1.5em}"""


def passphrases(encrypt: dict[str, str], audiences: list[str]) -> dict[str, str]:
    """The passphrase of every audience to encrypt, from the environment variables ``encrypt`` names.

    KaplanError (exit 2, nothing written) naming every audience the run does not publish and every
    variable that is unset or shorter than :data:`MIN_PASSPHRASE` characters.
    """
    problems = [f"audiences.encrypt names {a!r}, which this run does not publish (audiences: {', '.join(audiences)})"
                for a in encrypt if a not in audiences]  # fmt: skip
    found = {}
    for audience, variable in encrypt.items():
        value = os.environ.get(variable, "")
        if len(value) < MIN_PASSPHRASE:
            what = "is not set" if not value else f"is shorter than {MIN_PASSPHRASE} characters"
            problems.append(f"{variable} {what}: the pages of {audience} are to be encrypted with it "
                            "(audiences.encrypt); export it before the run, or take the audience out of it")
        found[audience] = value
    if problems:
        raise KaplanError("cannot encrypt; nothing was written:\n" + "\n".join(f"  - {p}" for p in problems))
    return found


def page_key(passphrase: str, salt: bytes, iterations: int) -> bytes:
    """The 256-bit AES key of ``passphrase`` (UTF-8) by PBKDF2-HMAC-SHA256."""
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=iterations)
    return kdf.derive(passphrase.encode("utf-8"))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def sealed_page(page: str, key: bytes, salt: bytes, iterations: int, title: str, lang: Lang) -> str:
    """``page`` encrypted under ``key``, inside a page that asks for the passphrase and opens it in the browser."""
    nonce = os.urandom(NONCE_BYTES)
    data = AESGCM(key).encrypt(nonce, page.encode("utf-8"), None)
    sealed = {"salt": _b64(salt), "nonce": _b64(nonce), "iterations": iterations, "data": _b64(data)}
    words = {k: label(f"sealed_{k}", lang) for k in ("wrong", "opening", "no_crypto")}
    as_json = json.dumps(words, ensure_ascii=False).replace("<", "\\u003c")
    t = lambda term: html.escape(label(term, lang))  # noqa: E731
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{SEALED_STYLE}</style></head>\n<body><h1>{html.escape(title)}</h1>"
            f'<p>{t("sealed_prompt")}</p><form id="kp-unlock"><label>{t("sealed_passphrase")} '
            f'<input type="password" id="kp-pass" autocomplete="current-password" autofocus></label> '
            f'<button type="submit">{t("sealed_open")}</button></form><p id="kp-message" role="alert"></p>'
            f'<script type="application/json" id="kp-sealed">{json.dumps(sealed)}</script>'
            f'<script type="application/json" id="kp-words">{as_json}</script>'
            f"<script>{OPEN_SCRIPT}</script></body></html>\n")  # fmt: skip


@dataclass(frozen=True)
class Sealer:
    """The key of one audience in one version: a fresh salt, the key derived once, every page sealed with it."""

    key: bytes
    salt: bytes
    iterations: int
    lang: Lang

    @classmethod
    def of(cls, passphrase: str, iterations: int, lang: Lang) -> Sealer:
        salt = os.urandom(SALT_BYTES)
        return cls(page_key(passphrase, salt, iterations), salt, iterations, lang)

    def page(self, page: str, title: str) -> str:
        return sealed_page(page, self.key, self.salt, self.iterations, title, self.lang)


def seal_pages(folder: Path, sealer: Sealer, titles: dict[str, str], skip: tuple[str, ...] = ()) -> list[str]:
    """Encrypt every HTML page below ``folder`` in place but ``skip``; the pages sealed, by relative path."""
    done = []
    for path in sorted(folder.rglob("*.html")):
        rel = path.relative_to(folder).as_posix()
        if rel in skip:
            continue
        path.write_text(sealer.page(path.read_text(encoding="utf-8"), titles.get(rel, path.stem)), encoding="utf-8")
        done.append(rel)
    return done
