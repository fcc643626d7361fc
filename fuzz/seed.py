#!/usr/bin/env python3
"""Seeds fuzz/corpus/<target>/ from the repository's own fixtures.

Run from the repository root: python3 fuzz/seed.py. Files are named by the
SHA-1 of their content, as libFuzzer names what it adds, so re-running adds
nothing twice. Only files up to MAX_SIZE bytes are taken.
"""
import hashlib
import pathlib
import re
import tomllib

MAX_SIZE = 16 * 1024
ROOTS = ["tests/fixtures", "tests/hostile", "tests/cli", "examples", "policies"]
MAP_FORMATS = ["csv", "tsv", "json", "yaml", "toml", "jsonl", "nmap", "cyclonedx", "ansible"]


def files():
    for root in ROOTS:
        for p in sorted(pathlib.Path(root).rglob("*")):
            if p.is_file() and p.stat().st_size <= MAX_SIZE:
                yield p, p.read_bytes()


def add(target, data):
    d = pathlib.Path("fuzz/corpus") / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)


def main():
    for p, data in files():
        name, ext = p.name.lower(), p.suffix.lower().lstrip(".")
        text = data.decode("utf-8", "replace")
        targets = []
        if ext == "csv":
            targets.append("read_csv")
        if ext in ("tsv", "tab"):
            targets.append("read_tsv")
        if ext == "json":
            targets.append("read_json")
            if "bomFormat" in text:
                targets.append("read_cyclonedx_json")
            if "netbox" in str(p).lower() or '"device_type"' in text:
                targets.append("read_netbox")
        if ext in ("jsonl", "ndjson"):
            targets += ["read_jsonl", "read_shodan"]
        if ext in ("yaml", "yml"):
            targets.append("read_yaml")
            if "netbox" in str(p).lower() or "device_type" in text:
                targets.append("read_netbox")
            if re.search(r"^\s*(hosts|children):", text, re.M):
                targets.append("read_ansible_yaml")
        if ext == "toml":
            targets.append("read_toml")
            if "[policy]" in text:
                targets.append("policy_load")
                try:
                    rules = tomllib.loads(text).get("rule", [])
                except tomllib.TOMLDecodeError:
                    rules = []
                for rule in rules:
                    if isinstance(rule, dict) and isinstance(rule.get("when"), str):
                        add("expr_parse", rule["when"].encode())
                        add("expr_eval", rule["when"].encode())
        if ext == "xlsx":
            targets.append("read_xlsx")
        if ext == "xml":
            if "<nmaprun" in text:
                targets.append("read_nmap")
            if "cyclonedx" in text.lower():
                targets.append("read_cyclonedx_xml")
        if ext == "ini" or name in ("hosts", "inventory"):
            targets.append("read_ansible_ini")
        for t in targets:
            add(t, data)
        for t in targets:
            fmt = {"read_csv": "csv", "read_tsv": "tsv", "read_json": "json",
                   "read_yaml": "yaml", "read_toml": "toml", "read_jsonl": "jsonl",
                   "read_nmap": "nmap", "read_cyclonedx_xml": "cyclonedx",
                   "read_ansible_ini": "ansible"}.get(t)
            if fmt and len(data) <= 4096:
                add("map_assets", bytes([MAP_FORMATS.index(fmt)]) + data)
    # Identification tables: MAC notations and vendor names.
    for tsv, target in [("macs.tsv", "mac"), ("brands.tsv", "normalize"),
                        ("names.tsv", "normalize"), ("models.tsv", "normalize"),
                        ("negatives.tsv", "normalize")]:
        lines = pathlib.Path("tests/fixtures/identify", tsv).read_text().splitlines()
        for line in lines[::4]:
            if line and not line.startswith("#"):
                add(target, line.split("\t")[0].encode())
    for oui in ["C0:56:E3", "C0:61:9A:E", "70:B3:D5:0A:E", "c056.e312.3456", "C056E3123456",
                "C0 56 E3 12 34 56", "c0:56:e3:1:2:3", "C0-56-E3-12-34-56"]:
        add("mac", oui.encode())
    # Conditions from the language guide's ```condition blocks.
    for doc in ["grammar/README.md", "grammar/guide.md", "grammar/functions.md"]:
        text = pathlib.Path(doc).read_text()
        for m in re.finditer(r"^```condition\n(.*?)^```", text, re.M | re.S):
            add("expr_parse", m.group(1).encode())
            add("expr_eval", m.group(1).encode())


if __name__ == "__main__":
    main()
