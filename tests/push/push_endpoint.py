#!/usr/bin/python3
"""An independent Web Push service for tests: it plays the browser's push service and the browser.

    tests/push/push_endpoint.py --port 0 --out DIR      # serve; prints one subscription line
    tests/push/push_endpoint.py --self-test             # decrypts the RFC 8291 example; exit 0 if right

It makes a fresh P-256 key pair and a 16-byte authentication secret (what a browser makes for a
PushSubscription), listens on 127.0.0.1, and prints ONE line of JSON to stdout, the standard
PushSubscription JSON:

    {"endpoint": "http://127.0.0.1:PORT/push/ID", "keys": {"p256dh": "...", "auth": "..."}}

POST /push/ID       checks the request as RFC 8030 and RFC 8292 require (TTL, Content-Encoding:
                    aes128gcm, Authorization: vapid t=JWT, k=KEY with an ES256 signature that
                    verifies with k, aud = this origin, exp in the future and at most 24 h ahead,
                    sub a mailto: or https: URL), then decrypts the body as RFC 8291 and RFC 8188
                    say. 201 Created with a Location when every check passes; otherwise 400 and
                    {"error": "..."} naming what failed. 404 for an unknown ID, 410 Gone once the
                    ID has been switched off.
GET /messages       the JSON array of every request to /push/ so far (valid or not).
POST /gone/ID       answers 410 Gone for ID from then on (a subscription the browser dropped).

Each request to /push/ is also appended as one JSON line to DIR/messages.jsonl:
    {"ok", "error", "status", "ttl", "urgency", "topic", "aud", "sub", "vapid_key", "payload"}
where payload is the decrypted text parsed as JSON if it is JSON, else the text (null when the
body was not decrypted).

Written against Debian's python3-cryptography (38) with primitives only (ECDH, HKDF, AES-GCM,
ECDSA); no Web Push library, so it checks the server's implementation rather than sharing it.
SIGTERM or SIGINT stops it (exit 0).
"""

import argparse
import base64
import datetime
import json
import os
import secrets
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

# RFC 8291 §3.2: the authentication secret is 16 octets. RFC 8291 §3.1: P-256 keys, the public
# key as the 65-octet uncompressed point (X9.62).
AUTH_SECRET_BYTES = 16
PUBLIC_KEY_BYTES = 65
# RFC 8188 §2.1: header = salt(16) || rs(4) || idlen(1) || keyid(idlen); rs is at least 18.
SALT_BYTES = 16
HEADER_FIXED_BYTES = 21
MIN_RECORD_SIZE = 18
# RFC 8188 §2: the AEAD_AES_128_GCM tag is 16 octets; CEK 16 octets (§2.2), nonce 12 (§2.3).
TAG_BYTES = 16
# RFC 8030 §7.2 and RFC 8291 §4: a push service need not accept more than 4096 octets of body.
MAX_BODY_BYTES = 4096
# RFC 8292 §2: exp MUST NOT be more than 24 hours from the time of the request.
MAX_EXP_AHEAD_SECONDS = 24 * 60 * 60
# RFC 8030 §5.3: the Urgency values.
URGENCIES = ("very-low", "low", "normal", "high")
# RFC 8030 §5.4: a Topic is at most 32 characters of the base64url alphabet.
MAX_TOPIC_CHARS = 32
BASE64URL_ALPHABET = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

# RFC 8291 §5 and Appendix A: the example message, its receiver's keys and its body.
RFC_UA_PRIVATE = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94"
RFC_UA_PUBLIC = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"
RFC_AUTH_SECRET = "BTBZMqHH6r4Tts7J_aSIgg"
RFC_BODY = ("DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A"
            "_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN")
RFC_PLAINTEXT = b"When I grow up, I want to be a watermelon"


class Rejected(Exception):
    """A check failed; the message names what (and is the 400 reply's error)."""


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def from_b64url(text, what):
    """Decodes base64url with or without padding (RFC 4648 §5); Rejected naming `what` otherwise."""
    if not isinstance(text, str) or not set(text.rstrip("=")) <= BASE64URL_ALPHABET or len(text.rstrip("=")) % 4 == 1:
        raise Rejected(f"{what}: not base64url")
    stripped = text.rstrip("=")
    return base64.urlsafe_b64decode(stripped + "=" * (-len(stripped) % 4))


def hkdf(salt, ikm, info, length):
    """HKDF-SHA-256 (RFC 5869), Extract then Expand."""
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


def public_bytes(private_key):
    return private_key.public_key().public_bytes(serialization.Encoding.X962,
                                                 serialization.PublicFormat.UncompressedPoint)


def decrypt(body, ua_private, auth_secret):
    """The user agent's side of RFC 8291 (over RFC 8188 aes128gcm): the plaintext of `body`."""
    if len(body) < HEADER_FIXED_BYTES:
        raise Rejected("body: shorter than the aes128gcm header (RFC 8188 §2.1)")
    salt = body[:SALT_BYTES]
    rs = int.from_bytes(body[16:20], "big")
    idlen = body[20]
    if rs < MIN_RECORD_SIZE:
        raise Rejected(f"body: record size {rs} is less than 18 (RFC 8188 §2.1)")
    # RFC 8291 §4: the keyid is the application server's 65-octet public key.
    if idlen != PUBLIC_KEY_BYTES:
        raise Rejected(f"body: idlen is {idlen}, not 65 (RFC 8291 §4)")
    as_public = body[HEADER_FIXED_BYTES:HEADER_FIXED_BYTES + idlen]
    record = body[HEADER_FIXED_BYTES + idlen:]
    if len(as_public) != idlen:
        raise Rejected("body: truncated in the keyid")
    # RFC 8291 §4: one record; it must fit the record size and hold at least the tag and delimiter.
    if len(record) > rs:
        raise Rejected(f"body: {len(record)} octets of records with rs {rs}: more than one record (RFC 8291 §4)")
    if len(record) < TAG_BYTES + 1:
        raise Rejected("body: record shorter than the tag and the padding delimiter")
    try:
        as_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), as_public)
    except ValueError:
        raise Rejected("body: the keyid is not a P-256 point")

    # RFC 8291 §3.4.
    ua_public = public_bytes(ua_private)
    ecdh_secret = ua_private.exchange(ec.ECDH(), as_key)
    key_info = b"WebPush: info\x00" + ua_public + as_public
    ikm = hkdf(auth_secret, ecdh_secret, key_info, 32)
    # RFC 8188 §2.2 and §2.3 (the nonce XOR the record sequence number 0 is the nonce).
    cek = hkdf(salt, ikm, b"Content-Encoding: aes128gcm\x00", 16)
    nonce = hkdf(salt, ikm, b"Content-Encoding: nonce\x00", 12)
    try:
        padded = AESGCM(cek).decrypt(nonce, record, None)
    except InvalidTag:
        raise Rejected("body: does not decrypt (AES-GCM authentication failed)")
    # RFC 8188 §2: the last record's padding is 0x02 followed by any number of zeros.
    stripped = padded.rstrip(b"\x00")
    if not stripped.endswith(b"\x02"):
        raise Rejected("body: no 0x02 padding delimiter of a last record (RFC 8188 §2)")
    return stripped[:-1]


def parse_vapid(value):
    """The t and k parameters of "vapid t=JWT, k=KEY" (RFC 8292 §3)."""
    scheme, _, rest = value.strip().partition(" ")
    if scheme.lower() != "vapid":
        raise Rejected("Authorization: not the vapid scheme (RFC 8292 §3)")
    params = {}
    for part in rest.split(","):
        name, eq, val = part.strip().partition("=")
        if not eq:
            raise Rejected(f"Authorization: parameter {part.strip()!r} has no value")
        name = name.strip().lower()
        val = val.strip()
        if len(val) >= 2 and val[0] == '"' and val[-1] == '"':
            val = val[1:-1]
        if name in params:
            raise Rejected(f"Authorization: parameter {name} given twice")
        params[name] = val
    if "t" not in params or "k" not in params:
        raise Rejected("Authorization: needs both t and k (RFC 8292 §3)")
    return params["t"], params["k"]


def check_vapid(value, origin, now):
    """Checks the VAPID header; returns (aud, sub, k)."""
    token, key_text = parse_vapid(value)
    key_bytes = from_b64url(key_text, "Authorization k")
    if len(key_bytes) != PUBLIC_KEY_BYTES or key_bytes[0] != 0x04:
        raise Rejected("Authorization k: not a 65-octet uncompressed P-256 point (RFC 8292 §3.2)")
    try:
        key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), key_bytes)
    except ValueError:
        raise Rejected("Authorization k: not a point on P-256")
    parts = token.split(".")
    if len(parts) != 3:
        raise Rejected("Authorization t: not a JWS compact serialisation")
    try:
        header = json.loads(from_b64url(parts[0], "Authorization t header"))
        claims = json.loads(from_b64url(parts[1], "Authorization t claims"))
    except (ValueError, UnicodeDecodeError):
        raise Rejected("Authorization t: header or claims are not JSON")
    if not isinstance(header, dict) or header.get("alg") != "ES256":
        raise Rejected("Authorization t: alg is not ES256 (RFC 8292 §2)")
    if "typ" in header and header["typ"] != "JWT":
        raise Rejected("Authorization t: typ is not JWT")
    signature = from_b64url(parts[2], "Authorization t signature")
    # RFC 7518 §3.4: an ES256 signature is r || s, 32 octets each.
    if len(signature) != 64:
        raise Rejected("Authorization t: signature is not 64 octets (r || s, RFC 7518 §3.4)")
    der = utils.encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
    try:
        key.verify(der, (parts[0] + "." + parts[1]).encode("ascii"), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise Rejected("Authorization t: signature does not verify with k")
    if not isinstance(claims, dict):
        raise Rejected("Authorization t: claims are not an object")
    aud, sub, exp = claims.get("aud"), claims.get("sub"), claims.get("exp")
    # RFC 8292 §2: aud is the origin of the push resource.
    if aud != origin:
        raise Rejected(f"Authorization t: aud {aud!r} is not this origin {origin!r} (RFC 8292 §2)")
    if not isinstance(exp, int) or isinstance(exp, bool):
        raise Rejected("Authorization t: exp is missing or not an integer")
    if exp <= now:
        raise Rejected(f"Authorization t: exp {exp} has passed (now {now})")
    if exp > now + MAX_EXP_AHEAD_SECONDS:
        raise Rejected(f"Authorization t: exp {exp} is more than 24 hours ahead (RFC 8292 §2)")
    # RFC 8292 §2.1: sub is a mailto: or https: URI.
    if not isinstance(sub, str) or not (sub.startswith("mailto:") or sub.startswith("https:")):
        raise Rejected("Authorization t: sub is not a mailto: or https: URL (RFC 8292 §2.1)")
    return aud, sub, key_text


class Subscription:
    def __init__(self):
        self.id = secrets.token_urlsafe(16)
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth_secret = secrets.token_bytes(AUTH_SECRET_BYTES)
        self.gone = False


class PushService(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, out_dir, verbose):
        super().__init__(address, Handler)
        self.out_dir = out_dir
        self.verbose = verbose
        self.lock = threading.Lock()
        self.records = []
        self.subscriptions = {}
        subscription = Subscription()
        self.subscriptions[subscription.id] = subscription
        self.first = subscription

    def origin(self):
        return f"http://127.0.0.1:{self.server_address[1]}"

    def subscription_json(self, subscription):
        return {
            "endpoint": f"{self.origin()}/push/{subscription.id}",
            "keys": {"p256dh": b64url(public_bytes(subscription.private_key)), "auth": b64url(subscription.auth_secret)},
        }

    def record(self, entry):
        with self.lock:
            self.records.append(entry)
            with open(os.path.join(self.out_dir, "messages.jsonl"), "a", encoding="utf-8") as f:
                f.write(json.dumps(entry) + "\n")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ldn-test-push/1"

    def log_message(self, fmt, *args):
        if self.server.verbose:
            sys.stderr.write("push_endpoint: " + (fmt % args) + "\n")

    def reply(self, status, body=None, headers=()):
        data = b"" if body is None else json.dumps(body).encode("utf-8")
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            data = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def do_GET(self):
        if self.path == "/messages":
            with self.server.lock:
                records = list(self.server.records)
            self.reply(200, records)
        else:
            self.reply(404, {"error": f"no resource {self.path}"})

    def do_POST(self):
        try:
            body = self.read_body()
        except ValueError:
            self.reply(400, {"error": "body: bad Content-Length or chunk"})
            return
        parts = self.path.split("?")[0].split("/")
        if len(parts) == 3 and parts[1] == "gone":
            subscription = self.server.subscriptions.get(parts[2])
            if subscription is None:
                self.reply(404, {"error": "no such endpoint"})
                return
            subscription.gone = True
            self.reply(204)
            return
        if len(parts) == 3 and parts[1] == "push":
            self.push(self.server.subscriptions.get(parts[2]), body)
            return
        self.reply(404, {"error": f"no resource {self.path}"})

    def push(self, subscription, body):
        h = self.headers
        entry = {"ok": False, "error": None, "status": None, "ttl": None, "urgency": h.get("Urgency"),
                 "topic": h.get("Topic"), "aud": None, "sub": None, "vapid_key": None, "payload": None}
        status = 400
        reply_headers = []
        try:
            if subscription is None:
                status = 404
                raise Rejected("no such endpoint")
            if subscription.gone:
                status = 410
                raise Rejected("the subscription is gone")
            # RFC 8030 §5.2: TTL is required, a non-negative integer of seconds.
            ttl_text = h.get("TTL")
            if ttl_text is None:
                raise Rejected("TTL: missing (RFC 8030 §5.2)")
            if not ttl_text.strip().isdigit():
                raise Rejected(f"TTL: {ttl_text!r} is not a non-negative integer (RFC 8030 §5.2)")
            entry["ttl"] = int(ttl_text)
            if entry["urgency"] is not None and entry["urgency"] not in URGENCIES:
                raise Rejected(f"Urgency: {entry['urgency']!r} is not one of {', '.join(URGENCIES)} (RFC 8030 §5.3)")
            topic = entry["topic"]
            if topic is not None and (not topic or len(topic) > MAX_TOPIC_CHARS or not set(topic) <= BASE64URL_ALPHABET):
                raise Rejected(f"Topic: {topic!r} is not 1 to 32 base64url characters (RFC 8030 §5.4)")
            # RFC 8291 §4: the body is encoded with aes128gcm (RFC 8188).
            if (h.get("Content-Encoding") or "").strip().lower() != "aes128gcm":
                raise Rejected(f"Content-Encoding: {h.get('Content-Encoding')!r} is not aes128gcm (RFC 8291 §4)")
            authorization = h.get("Authorization")
            if authorization is None:
                raise Rejected("Authorization: missing (RFC 8292 §3)")
            entry["aud"], entry["sub"], entry["vapid_key"] = check_vapid(authorization, self.server.origin(),
                                                                         self.server.fixed_now or int(time.time()))
            if len(body) > MAX_BODY_BYTES:
                raise Rejected(f"body: {len(body)} octets, more than 4096 (RFC 8030 §7.2, RFC 8291 §4)")
            plaintext = decrypt(body, subscription.private_key, subscription.auth_secret)
            text = plaintext.decode("utf-8", errors="replace")
            try:
                entry["payload"] = json.loads(text)
            except ValueError:
                entry["payload"] = text
            entry["ok"] = True
            status = 201
            # RFC 8030 §5: the Location of the push message resource; §5.2: the TTL kept.
            reply_headers = [("Location", f"{self.server.origin()}/message/{secrets.token_urlsafe(12)}"),
                             ("TTL", str(entry["ttl"]))]
        except Rejected as e:
            entry["error"] = str(e)
        entry["status"] = status
        self.server.record(entry)
        self.reply(status, None if entry["ok"] else {"error": entry["error"]}, reply_headers)


def self_test():
    ua = ec.derive_private_key(int.from_bytes(from_b64url(RFC_UA_PRIVATE, "ua"), "big"), ec.SECP256R1())
    if b64url(public_bytes(ua)) != RFC_UA_PUBLIC:
        print("self-test: the RFC 8291 UA private key does not give its public key", file=sys.stderr)
        return 1
    try:
        plaintext = decrypt(from_b64url(RFC_BODY, "body"), ua, from_b64url(RFC_AUTH_SECRET, "auth"))
    except Rejected as e:
        print(f"self-test: {e}", file=sys.stderr)
        return 1
    if plaintext != RFC_PLAINTEXT:
        print(f"self-test: decrypted {plaintext!r}", file=sys.stderr)
        return 1
    print(f"self-test: RFC 8291 Appendix A decrypts to {plaintext.decode()!r}")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--out", help="directory for messages.jsonl")
    parser.add_argument("--self-test", action="store_true", help="decrypt the RFC 8291 example and exit")
    parser.add_argument("--verbose", action="store_true", help="log each request to stderr")
    parser.add_argument("--clock", help="judge the VAPID token's expiry as at this UTC instant (YYYY-MM-DDTHH:MM:SSZ), "
                        "for a server whose clock a test fixed (LDN_NOW); default: this machine's clock")
    args = parser.parse_args()
    if args.self_test:
        return self_test()
    if not args.out:
        parser.error("--out DIR is required")
    os.makedirs(args.out, exist_ok=True)
    server = PushService(("127.0.0.1", args.port), args.out, args.verbose)
    server.fixed_now = None
    if args.clock:
        server.fixed_now = int(datetime.datetime.strptime(args.clock, "%Y-%m-%dT%H:%M:%SZ")
                               .replace(tzinfo=datetime.timezone.utc).timestamp())

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    sys.stdout.write(json.dumps(server.subscription_json(server.first)) + "\n")
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
