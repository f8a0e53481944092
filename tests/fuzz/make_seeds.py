#!/usr/bin/env python3
"""Seed inputs for the fuzz targets of tests/fuzz (README.md there).

    tests/fuzz/make_seeds.py OUT_DIR

writes OUT_DIR/<target>/<seed> for every target: small valid inputs (real
statements, a multipart body with an attachment and a signature, query
strings, JWSs, a bundle, grants) for the fuzzers to start from. The saved
corpora in corpus/<target>/ began as these seeds. Needs the Python
`cryptography` package (RSA and Ed25519 signatures, an X.509 certificate).
"""
import base64
import datetime
import hashlib
import json
import os
import sys
import urllib.parse

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

# The fixed test key of bundle_fuzz.cpp (kKeyPem).
BUNDLE_KEY_PEM = b"""-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIGnhXypQqb9W/3Gt+lhTFtNG6lX1qJQUJJTSaAdwEa9B
-----END PRIVATE KEY-----
"""
MANIFEST_TYP = "learner-lrs-bundle-manifest+json"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def dumps(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


BASE = {"actor": {"objectType": "Agent", "name": "Ada", "mbox": "mailto:ada@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted", "display": {"en-US": "attempted"}},
        "object": {"objectType": "Activity", "id": "http://example.org/activity/1",
                   "definition": {"name": {"en-US": "Quiz"}}}}

FULL = {
    "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
    "actor": {"objectType": "Group", "name": "Team", "member": [
        {"mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"},
        {"openid": "http://openid.example.org/bob"},
        {"account": {"homePage": "http://example.org", "name": "carol"}}]},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/answered",
             "display": {"en-US": "answered", "fr-FR": "a répondu", "zh-Hant-TW": "x"}},
    "object": {"id": "http://example.org/q/1", "definition": {
        "name": {"en-US": "Q1"}, "description": {"en-GB": "A question"},
        "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
        "moreInfo": "http://example.org/more", "interactionType": "choice",
        "correctResponsesPattern": ["golf[,]tetris"],
        "choices": [{"id": "golf", "description": {"en-US": "Golf"}},
                    {"id": "tetris", "description": {"en-US": "Tetris"}}],
        "extensions": {"http://example.org/ext": {"a": [1, 2.5, None, True]}}}},
    "result": {"score": {"scaled": 0.5, "raw": 50, "min": 0, "max": 100}, "success": True,
               "completion": False, "response": "golf", "duration": "PT1H2M3.45S",
               "extensions": {"http://example.org/r": 1}},
    "context": {
        "registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
        "instructor": {"mbox": "mailto:teacher@example.org"},
        "team": {"objectType": "Group", "mbox": "mailto:team@example.org"},
        "contextActivities": {"parent": {"id": "http://example.org/course"},
                              "grouping": [{"id": "http://example.org/g", "objectType": "Activity"}],
                              "category": [{"id": "https://w3id.org/xapi/cmi5/context/categories/cmi5"}],
                              "other": []},
        "revision": "1", "platform": "web", "language": "en-US",
        "statement": {"objectType": "StatementRef", "id": "16fd2706-8baf-433b-82eb-8c7fada847da"},
        "extensions": {"http://example.org/c": "x"}},
    "timestamp": "2024-05-06T07:08:09.123+02:00",
    "attachments": [
        {"usageType": "http://example.org/pic", "display": {"en": "pic"}, "description": {"en": "d"},
         "contentType": "image/png", "length": 3, "sha2": "b" * 64,
         "fileUrl": "http://example.org/pic.png"}],
    "version": "1.0.3"}

SUB = dict(BASE, object={
    "objectType": "SubStatement", "actor": {"mbox": "mailto:bob@example.org"},
    "verb": {"id": "http://example.org/verbs/plans"}, "object": {"id": "http://example.org/activity/2"},
    "result": {"duration": "P1W"},
    "context": {"contextActivities": {"parent": {"id": "http://example.org/p"}}},
    "timestamp": "2024-01-01T00:00:00Z"})

V2 = dict(BASE, context={
    "contextAgents": [{"objectType": "contextAgent", "agent": {"mbox": "mailto:a@example.org"},
                       "relevantTypes": ["http://example.org/t"]}],
    "contextGroups": [{"objectType": "contextGroup", "group": {
        "objectType": "Group", "member": [{"mbox": "mailto:b@example.org"}]}}]},
    timestamp="2024-05-06T07:08:09.123456-05:30", version="2.0.0")

VOID = {"actor": {"mbox": "mailto:ada@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
        "object": {"objectType": "StatementRef", "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"}}

AGENT_OBJECT = dict(BASE, object={"objectType": "Agent", "mbox": "mailto:c@example.org"},
                    authority={"objectType": "Group", "member": [
                        {"account": {"homePage": "http://oauth.example.org", "name": "app"}},
                        {"mbox": "mailto:u@example.org"}]},
                    stored="2024-01-01T00:00:00.000Z", timestamp="20240101T000000")

GROUP_OBJECT = dict(BASE, object={"objectType": "Group", "name": "T", "mbox": "mailto:team@example.org",
                                  "member": [{"mbox": "mailto:bob@example.org"}]},
                    result={"score": {"scaled": -1}}, timestamp="2024-01-01T00:00+01")


def statement_seeds():
    return {
        "base_103": "1" + dumps(BASE), "base_200": "2" + dumps(BASE),
        "full_103": "1" + dumps(FULL), "full_200": "2" + dumps(FULL),
        "sub_103": "1" + dumps(SUB), "v2_200": "2" + dumps(V2), "void_103": "1" + dumps(VOID),
        "agent_object_103": "1" + dumps(AGENT_OBJECT), "group_object_103": "1" + dumps(GROUP_OBJECT),
        "batch_200": "2" + dumps([BASE, VOID, SUB]),
    }


class RsaSigner:
    """An RSA key with a self-signed certificate, for JWSs with x5c."""

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fuzz seed signer")])
        now = datetime.datetime(2026, 1, 1)
        self.cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                     .public_key(self.key.public_key()).serial_number(1)
                     .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
                     .sign(self.key, hashes.SHA256()))

    def jws(self, statement, alg="RS256", x5c=True):
        header = {"alg": alg}
        if x5c:
            der = self.cert.public_bytes(serialization.Encoding.DER)
            header["x5c"] = [base64.b64encode(der).decode()]
        digest = {"RS256": hashes.SHA256(), "RS384": hashes.SHA384(), "RS512": hashes.SHA512()}[alg]
        signing_input = b64url(dumps(header).encode()) + "." + b64url(dumps(statement).encode())
        sig = self.key.sign(signing_input.encode(), padding.PKCS1v15(), digest)
        return signing_input + "." + b64url(sig)


def multipart(boundary, json_text, parts, eol="\r\n"):
    out = "--" + boundary + eol + "Content-Type: application/json" + eol + eol + json_text
    for content_type, content in parts:
        out += eol + "--" + boundary + eol + "Content-Type: " + content_type + eol
        out += "Content-Transfer-Encoding: binary" + eol
        out += "X-Experience-API-Hash: " + hashlib.sha256(content.encode()).hexdigest() + eol + eol
        out += content
    return out + eol + "--" + boundary + "--" + eol


def attachment(content, usage="http://example.org/pic", content_type="text/plain"):
    return {"usageType": usage, "display": {"en-US": "a"}, "contentType": content_type,
            "length": len(content), "sha2": hashlib.sha256(content.encode()).hexdigest()}


def multipart_seeds(signer):
    text = "hello, attachment"
    with_attachment = dict(BASE, attachments=[attachment(text)])
    signed = dict(BASE)
    jws = signer.jws(signed)
    signed = dict(BASE, attachments=[attachment(jws, "http://adlnet.gov/expapi/attachments/signature",
                                                "application/octet-stream")])
    return {
        "attachment_crlf": 'multipart/mixed; boundary="abc123"\n' +
                           multipart("abc123", dumps(with_attachment), [("text/plain", text)]),
        "attachment_lf": "multipart/mixed;boundary=xyz\n" +
                         multipart("xyz", dumps([with_attachment]), [("text/plain", text)], "\n"),
        "signed": "Multipart/Mixed; charset=utf-8; boundary=sig-b\n" +
                  multipart("sig-b", dumps(signed), [("application/octet-stream", jws)]),
        "plain_json": "application/json\n" + dumps(BASE),
    }


def q(value):
    return urllib.parse.quote(value, safe="")


def query_seeds():
    agent = q(dumps({"mbox": "mailto:ada@example.org"}))
    group = q(dumps({"objectType": "Group", "account": {"homePage": "http://example.org", "name": "g"}}))
    filters = ("agent=" + agent + "&verb=" + q("http://adlnet.gov/expapi/verbs/attempted") +
               "&activity=" + q("http://example.org/activity/1") +
               "&registration=EC531277-B57B-4C15-8D91-D292C5B2B8F7&since=2024-01-01T00%3A00%3A00Z" +
               "&until=2025-01-01T00:00:00.5%2B01:00&limit=10&format=canonical&attachments=false" +
               "&ascending=true&related_agents=true&related_activities=false")
    more = b64url(dumps({"q": "verb=" + q("http://example.org/v") + "&limit=5", "n": 7000, "x": 9000}).encode())
    form = ("X-Experience-API-Version=1.0.3&Authorization=Basic%20YTpi&Content-Type=application%2Fjson" +
            "&If-Match=%22abc%22&agent=" + agent + "&content=" + q(dumps(BASE)))
    return {
        "filters": filters + "\n1.0.3\n",
        "group_agent": "agent=" + group + "&verb=http://example.org/v+x\n2.0\n",
        "by_id": "statementId=6690e6c9-3ef0-4ed3-8b37-7f3964730bee&format=ids&attachments=true\n1.0.9\n",
        "voided": "voidedStatementId=6690e6c9-3ef0-4ed3-8b37-7f3964730bee\n2.0.0\n",
        "more": "more=" + more + "\n1.0.3\n",
        "alternate_get": "method=GET\n1.0\n" + form,
        "alternate_put": "method=PUT\n\ncontent=" + q(dumps(BASE)) + "&statementId=" + q(FULL["id"]),
    }


def jws_seeds(signer):
    statement = dumps(BASE)
    header = dumps({"alg": "RS256"})
    raw_sig = bytes(range(256)).decode("latin-1")
    detached_header = {"alg": "EdDSA", "typ": MANIFEST_TYP, "kid": "x",
                       "jwk": {"kty": "OKP", "crv": "Ed25519", "x": b64url(bytes(32))}}
    bundle_key = serialization.load_pem_private_key(BUNDLE_KEY_PEM, None)
    manifest = dumps({"format": "https://w3id.org/learner-lrs/bundle", "version": 1})
    return {
        "statement_x5c": "\x00" + statement + "\n" + signer.jws(BASE),
        "statement_rs512": "\x00" + statement + "\n" + signer.jws(BASE, "RS512", x5c=False),
        "statement_parts": "\x01" + statement + "\n" + header + "\n" + statement + "\n" + raw_sig,
        "detached": "\x02" + manifest + "\n" + detached_jws(bundle_key, manifest),
        "detached_parts": "\x03" + manifest + "\n" + dumps(detached_header) + "\n" + "s" * 64,
    }


def public_jwk(key):
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {"kty": "OKP", "crv": "Ed25519", "x": b64url(raw)}


def thumbprint(jwk):
    canonical = '{"crv":"Ed25519","kty":"OKP","x":"' + jwk["x"] + '"}'
    return b64url(hashlib.sha256(canonical.encode()).digest())


def detached_jws(key, payload):
    jwk = public_jwk(key)
    header = {"alg": "EdDSA", "typ": MANIFEST_TYP, "kid": thumbprint(jwk), "jwk": jwk}
    header_b64 = b64url(dumps(header).encode())
    sig = key.sign((header_b64 + "." + b64url(payload.encode())).encode())
    return header_b64 + ".." + b64url(sig)


def tar_member(name, content):
    def octal(value, length):
        return ("%0*o" % (length - 1, value)).encode() + b"\0"
    h = bytearray(512)
    h[0:len(name)] = name.encode()
    h[100:108] = octal(0o644, 8)
    h[108:116] = octal(0, 8)
    h[116:124] = octal(0, 8)
    h[124:136] = octal(len(content), 12)
    h[136:148] = octal(0, 12)
    h[156:157] = b"0"
    h[257:263] = b"ustar\0"
    h[263:265] = b"00"
    h[329:337] = octal(0, 8)
    h[337:345] = octal(0, 8)
    h[148:156] = b" " * 8
    h[148:156] = ("%06o" % sum(h)).encode() + b"\0 "
    return bytes(h) + content + b"\0" * ((512 - len(content) % 512) % 512)


def bundle(statements, documents, audit, attachments):
    key = serialization.load_pem_private_key(BUNDLE_KEY_PEM, None)
    members = [("bagit.txt", b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"),
               ("data/identities.json", dumps([{"mbox": "mailto:ada@example.org"}]).encode())]
    for content in attachments:
        members.append(("data/attachments/" + hashlib.sha256(content).hexdigest(), content))
    if statements:
        members.append(("data/statements/000001.jsonl",
                        "".join(dumps(line) + "\n" for line in statements).encode()))
    for n, (meta, content) in enumerate(documents, 1):
        members.append(("data/documents/%06d.json" % n, dumps(meta).encode()))
        members.append(("data/documents/%06d.content" % n, content))
    if audit:
        members.append(("data/audit/000001.jsonl", "".join(dumps(a) + "\n" for a in audit).encode()))
    bagit = "".join(hashlib.sha256(c).hexdigest() + "  " + p + "\n" for p, c in members if p.startswith("data/"))
    members.append(("manifest-sha256.txt", bagit.encode()))
    jwk = public_jwk(key)
    manifest = dumps({
        "format": "https://w3id.org/learner-lrs/bundle", "version": 1, "created": "2026-01-01T00:00:00.000Z",
        "learner": {"id": "l1", "name": "Ada"}, "source": {"storeId": thumbprint(jwk), "key": jwk},
        "counts": {"statements": len(statements), "voided": sum(1 for s in statements if "voidedBy" in s),
                   "attachments": len(attachments), "documents": len(documents), "identities": 1,
                   "auditEntries": len(audit)},
        "members": [{"path": p, "size": len(c), "sha256": hashlib.sha256(c).hexdigest()} for p, c in members]})
    members.append(("manifest.json", manifest.encode()))
    members.append(("manifest.json.jws", detached_jws(key, manifest).encode()))
    out = b"".join(tar_member("lrs-bundle/" + p, c) for p, c in members)
    # The same members in the target's 'T' layout (bundle_fuzz.cpp).
    as_members = b"\x1e".join(b"lrs-bundle/" + p.encode() + b"\n" + c for p, c in members)
    return out + b"\0" * 1024, as_members


def bundle_seeds():
    text = b"hello, attachment"
    authority = {"objectType": "Agent", "account": {"homePage": "urn:lrs:credential", "name": "k"}}
    stored = dict(BASE, id="6690e6c9-3ef0-4ed3-8b37-7f3964730bee", stored="2026-01-01T00:00:00.000Z",
                  authority=authority, version="1.0.0", timestamp="2026-01-01T00:00:00.000Z",
                  attachments=[attachment(text.decode())])
    v2 = dict(V2, id="16fd2706-8baf-433b-82eb-8c7fada847da", stored="2026-01-01T00:00:00.000Z",
              authority=authority)
    statements = [{"statement": stored, "provenance": [{"store": "a", "at": "2026-01-01T00:00:00.000Z"}]},
                  {"statement": v2, "provenance": [], "voidedBy": "ec531277-b57b-4c15-8d91-d292c5b2b8f7"}]
    documents = [({"type": "state", "agent": {"mbox": "mailto:ada@example.org"}, "id": "s1",
                   "contentType": "application/json", "updated": "2026-01-01T00:00:00.000Z",
                   "activityId": "http://example.org/activity/1",
                   "registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7"}, b'{"a":1}'),
                 ({"type": "agentProfile", "agent": {"account": {"homePage": "http://x.org", "name": "n"}},
                   "id": "p1", "contentType": "text/plain", "updated": "2026-01-01T00:00:00Z"}, b"profile")]
    audit = [{"time": "2026-01-01T00:00:00.000Z", "who": "operator", "what": "GET /xapi/statements"}]
    full, full_members = bundle(statements, documents, audit, [text])
    empty, empty_members = bundle([], [], [], [])
    return {"full_raw": b"R" + full, "full_signed": b"S" + full, "empty_raw": b"R" + empty,
            "empty_signed": b"S" + empty, "full_members": b"T" + full_members,
            "empty_members": b"T" + empty_members}


def grant_seeds():
    org = "0b9f5c5e-2b3a-4c1d-9e8f-7a6b5c4d3e2f"
    full = {"organisation": org.upper(), "verbs": ["http://adlnet.gov/expapi/verbs/completed"],
            "activities": ["http://example.org/activity/1"], "activityPrefixes": ["http://example.org/course/"],
            "registrations": ["EC531277-B57B-4C15-8D91-D292C5B2B8F7"], "since": "2024-01-01T00:00:00.0005Z",
            "until": "2030-01-01T00:00:00+02:00", "expires": "2031-01-01T00:00:00.999999Z",
            "actions": ["statements", "documents"], "purpose": "  Research on learning  ",
            "replaces": "16fd2706-8baf-433b-82eb-8c7fada847da"}
    statement = dict(BASE, verb={"id": "http://adlnet.gov/expapi/verbs/completed"},
                     context={"registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7"},
                     timestamp="2025-01-01T00:00:00Z")
    return {
        "full": dumps(full) + "\n" + dumps(statement),
        "minimal": dumps({"organisation": org, "purpose": "p"}) + "\n" + dumps(BASE),
        "documents": dumps({"organisation": org, "purpose": "p", "actions": ["documents"],
                            "since": "20240101T000000"}) + "\n{}",
    }


def main():
    out = sys.argv[1]
    signer = RsaSigner()
    targets = {"statement": statement_seeds(), "multipart": multipart_seeds(signer),
               "query": query_seeds(), "jws": jws_seeds(signer), "bundle": bundle_seeds(),
               "grant": grant_seeds()}
    for target, seeds in targets.items():
        os.makedirs(os.path.join(out, target), exist_ok=True)
        for name, data in seeds.items():
            if isinstance(data, str):
                data = data.encode("utf-8" if target != "jws" else "latin-1")
            with open(os.path.join(out, target, "seed_" + name), "wb") as f:
                f.write(data)


if __name__ == "__main__":
    main()
