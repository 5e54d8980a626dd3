"""The example nginx configuration (docs/deploy/nginx-audiences.conf) against a published month.

Every file a run writes is served only behind the password file of its audience (the manifest's
``audiences``), the front page without one, runs in progress never; nginx's own order of matching
is followed: exact locations, then regular expressions in order, then the prefix ``/``. When nginx
is installed, ``nginx -t`` also checks the file's syntax.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

CONFIG = Path(__file__).resolve().parents[2] / "docs" / "deploy" / "nginx-audiences.conf"
LOCATION = re.compile(r'location\s+(=|~)\s+("[^"]+"|\S+)\s*\{([^}]*)\}')  # a regex with braces is quoted


def locations() -> list[tuple[str, str, str]]:
    """(kind, pattern, who may read: a password file's audience, "" for anyone, "deny") in file order."""
    found = []
    for kind, pattern, body in LOCATION.findall(CONFIG.read_text(encoding="utf-8")):
        users = re.search(r"auth_basic_user_file\s+\S*/([^/\s]+)\.htpasswd;", body)
        who = "deny" if "deny all" in body else users.group(1) if users else ""
        found.append((kind, pattern.strip('"'), who))
    return found


def who_reads(url: str) -> str:
    """The audience whose password opens ``url`` ("" anyone, "deny" nobody), as nginx picks its location."""
    rules = locations()
    for kind, pattern, who in rules:
        if kind == "=" and pattern == url:
            return who
    for kind, pattern, who in rules:
        if kind == "~" and re.search(pattern, url):
            return who
    return "deny"  # location / { deny all; }


def test_every_file_of_a_published_month_is_behind_its_audience_s_password(published: Path) -> None:
    out, version = published.parent.parent, published
    manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
    prefix = f"/{version.parent.name}/{version.name}/"
    wrong = {rel: who_reads(prefix + rel) for rel, audience in manifest["audiences"].items()
             if who_reads(prefix + rel) != audience.replace("region:", "region-")}  # fmt: skip
    assert wrong == {}
    assert who_reads(prefix + "manifest.json") == "management"
    folders = sorted(p.name for p in out.iterdir() if p.is_dir() and (p / "index.html").is_file())
    assert len(folders) == 3 + 8
    assert {f: who_reads(f"/{f}/index.html") for f in folders} == {f: f for f in folders}
    assert who_reads("/") == "" and who_reads("/index.html") == ""
    assert who_reads(f"/{version.parent.name}/.staging-1234-abcd/management/04_assessment.html") == "deny"
    assert who_reads(f"/{version.parent.name}/") == "deny" and who_reads(prefix) == "deny"


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed (apt-get install nginx)")
def test_nginx_accepts_the_configuration(tmp_path: Path) -> None:
    for name in ("crt", "key"):
        (tmp_path / name).write_text("")
    text = CONFIG.read_text(encoding="utf-8").replace("/etc/nginx/tls/planning.intranet.example.", str(tmp_path) + "/")
    main = tmp_path / "nginx.conf"
    main.write_text(f"pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log; events {{}}\n"
                    f"http {{ access_log off; {text} }}\n", encoding="utf-8")  # fmt: skip
    result = subprocess.run(["nginx", "-t", "-q", "-c", str(main), "-p", str(tmp_path)], capture_output=True, text=True)
    # empty certificate files fail only at loading them: every directive before that was accepted
    assert result.returncode == 0 or "PEM" in result.stderr or "certificate" in result.stderr, result.stderr
