#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""gen_tcpcrypt_vectors.py - tcpcrypt (RFC 8548) vectors from an independent
computation: only Python `cryptography` (HMAC, HKDFExpand, X25519, ECDH on
P-256, AES-GCM, ChaCha20-Poly1305), never the code under test.

Run with Debian's interpreter (it has python3-cryptography):
    /usr/bin/python3 tests/vectors/gen_tcpcrypt_vectors.py > tests/vectors/tcpcrypt.vec

Output format (shared with the KUnit tests, so deliberately trivial): records
separated by blank lines; each line is `key = value`; `test = <name>` starts a
record and is the only non-hex value; `#` starts a comment line.

Readings of the RFC that these vectors encode (project digest Part E):
  E.1 frame offset counts the Init1/Init2 bytes of the sender's stream;
      resumed sessions start at offset 0.
  E.2 sn = nonce of the originally-A host | nonce of the originally-B host.
  E.8 trailing "ignored" Init bytes enter the PRK as transmitted.
  E.9 a resumed session uses the AEAD of the original session.
"""
import sys

from cryptography.hazmat.primitives import hashes, hmac, serialization
from cryptography.hazmat.primitives.asymmetric import ec, x448, x25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand

INIT1_MAGIC = 0x15101A0E
INIT2_MAGIC = 0x097105E0
CONST_NEXTK, CONST_SESSID, CONST_REKEY, CONST_KEY_A, CONST_KEY_B, CONST_RESUME = 1, 2, 3, 4, 5, 6
AEADS = {0x0001: (16, AESGCM), 0x0002: (32, AESGCM), 0x0010: (32, ChaCha20Poly1305)}
X25519, P256, X448 = 0x23, 0x21, 0x24
PRIV_LEN = {X25519: 32, P256: 32, X448: 56}

out = []


def emit(name, **kv):
    out.append("test = " + name)
    for k, v in kv.items():
        if isinstance(v, int):
            v = v.to_bytes(max(1, (v.bit_length() + 7) // 8), "big")
        out.append(f"{k} = {v.hex()}")
    out.append("")


def extract(salt, ikm):
    h = hmac.HMAC(salt, hashes.SHA256())
    h.update(ikm)
    return h.finalize()


def cprf(key, info, length):
    return HKDFExpand(hashes.SHA256(), length, info).derive(key)


def det(label, n):
    """Deterministic filler bytes for inputs (not secret in a vector)."""
    import hashlib
    return (hashlib.sha256(label.encode()).digest() * 4)[:n]


# --- external anchors -------------------------------------------------------
# RFC 5869 A.1 and A.3, checked against the RFC's printed values.
for name, ikm, salt, info, L, prk_hex, okm_hex in [
    ("rfc5869_1", b"\x0b" * 22, bytes(range(13)), bytes(range(0xF0, 0xFA)), 42,
     "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
     "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"),
    ("rfc5869_3", b"\x0b" * 22, b"", b"", 42,
     "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
     "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"),
]:
    prk = extract(salt, ikm)
    okm = cprf(prk, info, L)
    assert prk.hex() == prk_hex and okm.hex() == okm_hex, name
    emit(name, ikm=ikm, salt=salt, info=info, prk=prk, okm=okm)

# RFC 7748 section 6.1.
a_priv = bytes.fromhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")
b_priv = bytes.fromhex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb")
ka = x25519.X25519PrivateKey.from_private_bytes(a_priv)
kb = x25519.X25519PrivateKey.from_private_bytes(b_priv)
raw = dict(encoding=serialization.Encoding.Raw, format=serialization.PublicFormat.Raw)
a_pub, b_pub = ka.public_key().public_bytes(**raw), kb.public_key().public_bytes(**raw)
shared = ka.exchange(x25519.X25519PublicKey.from_public_bytes(b_pub))
assert a_pub.hex() == "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"
assert b_pub.hex() == "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"
assert shared.hex() == "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"
emit("rfc7748", a_priv=a_priv, a_pub=a_pub, b_priv=b_priv, b_pub=b_pub, shared=shared)


# --- tcpcrypt -----------------------------------------------------------------
def kex_pair(kex, priv):
    if kex == X25519:
        k = x25519.X25519PrivateKey.from_private_bytes(priv)
        return k, k.public_key().public_bytes(**raw)
    if kex == X448:
        k = x448.X448PrivateKey.from_private_bytes(priv)
        return k, k.public_key().public_bytes(**raw)
    k = ec.derive_private_key(int.from_bytes(priv, "big"), ec.SECP256R1())
    pub = k.public_key().public_bytes(serialization.Encoding.X962,
                                      serialization.PublicFormat.CompressedPoint)
    return k, pub


def kex_shared(kex, k, peer_pub):
    if kex == X25519:
        return k.exchange(x25519.X25519PublicKey.from_public_bytes(peer_pub))
    if kex == X448:
        return k.exchange(x448.X448PublicKey.from_public_bytes(peer_pub))
    peer = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), peer_pub)
    return k.exchange(ec.ECDH(), peer)


def pub_wire(kex, pub):
    return pub if kex in (X25519, X448) else len(pub).to_bytes(2, "big") + pub


def init1(kex, aeads, n_a, pub, trailing=b""):
    body = bytes([len(aeads)]) + b"".join(a.to_bytes(2, "big") for a in aeads) + n_a + pub_wire(kex, pub)
    body += trailing
    return INIT1_MAGIC.to_bytes(4, "big") + (8 + len(body)).to_bytes(4, "big") + body


def init2(kex, aead, n_b, pub, trailing=b""):
    body = aead.to_bytes(2, "big") + n_b + pub_wire(kex, pub) + trailing
    return INIT2_MAGIC.to_bytes(4, "big") + (8 + len(body)).to_bytes(4, "big") + body


def traffic(mk, const, aead):
    klen = AEADS[aead][0]
    okm = cprf(mk, bytes([const]), klen + 12)
    return okm[:klen], okm[klen:]


def frame(aead, key, nr, offset, data, rekey=False, fin=False, urg=None):
    flags = (1 if fin else 0) | (2 if urg is not None else 0)
    pt = bytes([flags]) + (urg.to_bytes(2, "big") if urg is not None else b"") + data
    clen = len(pt) + 16
    ad = bytes([1 if rekey else 0]) + clen.to_bytes(2, "big")
    fid = bytes(4) + offset.to_bytes(8, "big")
    nonce = bytes(x ^ y for x, y in zip(fid, nr))
    ct = AEADS[aead][1](key).encrypt(nonce, pt, ad)
    assert len(ct) == clen
    return ad + ct


# ENO transcript: A's SYN option then B's (RFC 8547 section 4.8).
def transcript(tep):
    return bytes([0x45, 0x04, 0x21, tep, 0x45, 0x04, 0x01, tep])


def handshake(name, kex, aeads, chosen, trailing1=b"", trailing2=b""):
    a_priv = det(name + "a_priv", PRIV_LEN[kex])
    b_priv = det(name + "b_priv", PRIV_LEN[kex])
    ka, a_pub = kex_pair(kex, a_priv)
    kb, b_pub = kex_pair(kex, b_priv)
    n_a, n_b = det(name + "n_a", 32), det(name + "n_b", 32)
    tr = transcript(kex)
    i1 = init1(kex, aeads, n_a, a_pub, trailing1)
    i2 = init2(kex, chosen, n_b, b_pub, trailing2)
    es = kex_shared(kex, ka, b_pub)
    assert es == kex_shared(kex, kb, a_pub)
    prk = extract(n_a, tr + i1 + i2 + es)
    mk0 = cprf(prk, bytes([CONST_REKEY]), 32)
    sid = bytes([kex]) + cprf(prk, bytes([CONST_SESSID]), 32)
    k_ab, nr_ab = traffic(mk0, CONST_KEY_A, chosen)
    k_ba, nr_ba = traffic(mk0, CONST_KEY_B, chosen)
    data_a, data_b = b"hello from A", b"hello from B"
    # First frames: at offset len(Init1) for A, len(Init2) for B (Part E.1).
    frame_a = frame(chosen, k_ab, nr_ab, len(i1), data_a)
    frame_b = frame(chosen, k_ba, nr_ba, len(i2), data_b)
    ss1 = cprf(prk, bytes([CONST_NEXTK]), 32)
    emit(name, kex=kex, aeads=b"".join(a.to_bytes(2, "big") for a in aeads), chosen=chosen.to_bytes(2, "big"),
         a_priv=a_priv, a_pub=a_pub, b_priv=b_priv, b_pub=b_pub, n_a=n_a, n_b=n_b,
         transcript=tr, init1=i1, init2=i2, es=es, prk=prk, mk0=mk0, sid=sid,
         k_ab=k_ab, nr_ab=nr_ab, k_ba=k_ba, nr_ba=nr_ba, ss1=ss1,
         data_a=data_a, frame_a=frame_a, data_b=data_b, frame_b=frame_b)


handshake("handshake_x25519_aes128", X25519, [0x0001, 0x0002, 0x0010], 0x0001)
handshake("handshake_x25519_chacha", X25519, [0x0010], 0x0010)
handshake("handshake_p256_aes256", P256, [0x0001, 0x0002], 0x0002)
# Trailing "ignored" bytes: in Init1 only (B must accept them), in Init2 only (A must).
handshake("handshake_x25519_trailing1", X25519, [0x0001], 0x0001, trailing1=b"\xde\xad\xbe\xef\x00")
handshake("handshake_p256_trailing2", P256, [0x0001], 0x0001, trailing2=b"\x01\x02")

# Key schedule chain from one ss[0].
ss = [det("ks_ss0", 32)]
for i in range(2):
    ss.append(cprf(ss[-1], bytes([CONST_NEXTK]), 32))
mk = [cprf(ss[0], bytes([CONST_REKEY]), 32)]
for j in range(2):
    mk.append(cprf(mk[-1], bytes([CONST_REKEY]), 32))
kv = dict(ss0=ss[0], ss1=ss[1], ss2=ss[2], mk0=mk[0], mk1=mk[1], mk2=mk[2])
for aead in AEADS:
    for j in range(3):
        k, nr = traffic(mk[j], CONST_KEY_A, aead)
        kv[f"k_ab_{aead:04x}_{j}"] = k + nr
        k, nr = traffic(mk[j], CONST_KEY_B, aead)
        kv[f"k_ba_{aead:04x}_{j}"] = k + nr
for i in range(3):
    kv[f"resume{i}"] = cprf(ss[i], bytes([CONST_RESUME]), 18)
kv["sid0"] = bytes([X25519]) + cprf(ss[0], bytes([CONST_SESSID]), 32)
emit("key_schedule", **kv)

# Resumption: ss[1] of a chain whose original A offers with an 8-byte nonce
# and original B answers with a 3-byte nonce; then one frame each way.
def resume_vector(name, aead, na_len, nb_len, tep):
    ssi = det(name + "ss", 32)
    res = cprf(ssi, bytes([CONST_RESUME]), 18)
    nonce_a, nonce_b = det(name + "na", 8)[:na_len], det(name + "nb", 8)[:nb_len]
    sub_a = bytes([tep | 0x80]) + res[:9] + nonce_a
    sub_b = bytes([tep | 0x80]) + res[9:] + nonce_b
    sn = nonce_a + nonce_b
    mk0 = cprf(ssi, bytes([CONST_REKEY]) + sn, 32)
    sid = bytes([tep | 0x80]) + cprf(ssi, bytes([CONST_SESSID]) + sn, 32)
    k_ab, nr_ab = traffic(mk0, CONST_KEY_A, aead)
    k_ba, nr_ba = traffic(mk0, CONST_KEY_B, aead)
    emit(name, aead=aead.to_bytes(2, "big"), ss=ssi, ss_next=cprf(ssi, bytes([CONST_NEXTK]), 32),
         resume=res, nonce_a=nonce_a, nonce_b=nonce_b, sub_a=sub_a, sub_b=sub_b, sn=sn,
         mk0=mk0, sid=sid, data=b"resumed",
         frame_a=frame(aead, k_ab, nr_ab, 0, b"resumed"), frame_b=frame(aead, k_ba, nr_ba, 0, b"resumed"))


for args in [("resume_aes128", 0x0001, 8, 3, X25519), ("resume_chacha_nonceless", 0x0010, 0, 0, X25519)]:
    resume_vector(*args)

# Frames with a known key/NR per AEAD: plain, FINp, URGp, rekey bit, empty.
for aead, (klen, _) in AEADS.items():
    key, nr = det(f"fk{aead}", klen), det(f"fnr{aead}", 12)
    data = det("frame data", 40)
    for name, kw, off in [("plain", {}, 75), ("finp", {"fin": True}, 1000),
                          ("urgp", {"urg": 7}, 0x123456789A), ("rekey", {"rekey": True}, 74),
                          ("empty_rekey", {"rekey": True}, 2**40 + 5)]:
        d = b"" if name == "empty_rekey" else data
        emit(f"frame_{name}_{aead:04x}", aead=aead.to_bytes(2, "big"), key=key, nr=nr, offset=off.to_bytes(8, "big"),
             rekey=1 if kw.get("rekey") else 0, fin=1 if kw.get("fin") else 0,
             urgent=(kw.get("urg", 0)).to_bytes(2, "big"), urgp=1 if "urg" in kw else 0,
             data=d, frame=frame(aead, key, nr, off, d, **kw))

# Curve448 (TEP 0x24): the RFC 7748 section 6.2 anchor, then handshakes and
# a resumption exactly as above. Appended so the vectors above stay as they were.
x448_a = bytes.fromhex("9a8f4925d1519f5775cf46b04b5800d4ee9ee8bae8bc5565d498c28dd9c9baf5"
                       "74a9419744897391006382a6f127ab1d9ac2d8c0a598726b")
x448_b = bytes.fromhex("1c306a7ac2a0e2e0990b294470cba339e6453772b075811d8fad0d1d6927c120"
                       "bb5ee8972b0d3e21374c9c921b09d1b0366f10b65173992d")
xka, xa_pub = kex_pair(X448, x448_a)
xkb, xb_pub = kex_pair(X448, x448_b)
x448_shared = kex_shared(X448, xka, xb_pub)
assert xa_pub.hex() == ("9b08f7cc31b7e3e67d22d5aea121074a273bd2b83de09c63faa73d2c"
                        "22c5d9bbc836647241d953d40c5b12da88120d53177f80e532c41fa0")
assert xb_pub.hex() == ("3eb7a829b0cd20f5bcfc0b599b6feccf6da4627107bdb0d4f345b430"
                        "27d8b972fc3e34fb4232a13ca706dcb57aec3dae07bdc1c67bf33609")
assert x448_shared.hex() == ("07fff4181ac6cc95ec1c16a94a0f74d12da232ce40a77552281d282b"
                             "b60c0b56fd2464c335543936521c24403085d59a449a5037514a879d")
emit("rfc7748_x448", a_priv=x448_a, a_pub=xa_pub, b_priv=x448_b, b_pub=xb_pub, shared=x448_shared)
handshake("handshake_x448_aes128", X448, [0x0001, 0x0002, 0x0010], 0x0001)
handshake("handshake_x448_aes256", X448, [0x0002], 0x0002)
handshake("handshake_x448_chacha", X448, [0x0001, 0x0010], 0x0010)
handshake("handshake_x448_trailing1", X448, [0x0001], 0x0001, trailing1=b"\x07\x08")
resume_vector("resume_x448_aes256", 0x0002, 8, 8, X448)

sys.stdout.write("# Generated by tests/vectors/gen_tcpcrypt_vectors.py - do not edit.\n\n")
sys.stdout.write("\n".join(out))
