"""Logging in as the demo users from Python tests and scripts, two-step login included.

The demo clinician, pharmacist and admin must set up two-step login (TOTP, RFC 6238) at their
first login; afterwards each login needs a code, and a code is good once. `login_via` does what a
user with an authenticator app does: it sets TOTP up when the server asks (keeping the secret per
username in this process) and gives a fresh code when the server asks for one.

    status, body = login_via(send, "doc", "ldn-demo-clinician")

`send(method, path, token, body)` makes one request and returns (status, parsed JSON or None).
The answer is the last one of the login: 201 with the session (body["token"]) or the refusal.
"""

import base64
import hashlib
import hmac
import struct
import time

TOTP = {}  # username -> [secret bytes, last time step used]


def totp_code(secret, step):
    """RFC 6238 with HMAC-SHA-1, 6 digits, for the 30-second time step `step`."""
    mac = hmac.new(secret, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = mac[-1] & 15
    return "%06d" % ((struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000)


def next_totp_step(username):
    """A time step the server accepts now (one either side of now) not used before; waits for the
    next step when all three were used."""
    while True:
        now = int(time.time()) // 30
        for step in (now - 1, now, now + 1):
            if step > TOTP[username][1]:
                TOTP[username][1] = step
                return step
        time.sleep(1)


def login_via(send, username, password):
    credentials = {"username": username, "password": password}
    status, body = send("POST", "/api/v1/session", None, credentials)
    error = body.get("error", {}) if isinstance(body, dict) else {}
    if status == 401 and username in TOTP and error.get("field") == "totp_code":
        credentials["totp_code"] = totp_code(TOTP[username][0], next_totp_step(username))
        status, body = send("POST", "/api/v1/session", None, credentials)
    if status != 201:
        return status, body
    token = body["token"]
    if body.get("setup_step") == "enrol_totp":
        s, begun = send("POST", "/api/v1/me/totp", token, None)
        if s != 201:
            return s, begun
        b32 = begun["secret"]
        secret = base64.b32decode(b32 + "=" * (-len(b32) % 8))
        step = int(time.time()) // 30
        s, done = send("POST", "/api/v1/me/totp/confirm", token, {"code": totp_code(secret, step)})
        if s != 200:
            return s, done
        TOTP[username] = [secret, step]
    return status, body
