// SPDX-License-Identifier: GPL-2.0
// tcpcrypt_init_msg.cc - Init1/Init2 encode and parse.
#include "tcpcrypt_init_msg.h"

#include "tcpcrypt_key_schedule.h"

namespace tcpinc::tcpcrypt {

// min_len - the shortest message that can hold the fixed fields with one
// cipher, used to refuse absurd lengths before buffering them.
static usize min_len(u32 magic, u8 kex) {
  usize fixed = magic == kInit1Magic ? kInitHeaderLen + 1 + 2 : kInitHeaderLen + 2;
  return fixed + kNonceLen + pub_wire_len(kex);
}

Status init_message_len(u32 magic, u8 kex, const u8* p, usize avail, usize* out_len) {
  if (pub_wire_len(kex) == 0) return Status::kBadArgument;
  Reader r(p, avail);
  u32 got = 0;
  if (!r.read_u32(&got)) {
    // Fail early on a wrong magic prefix, so a peer speaking something
    // else is caught on its first bytes.
    for (usize i = 0; i < avail; i++)
      if (p[i] != static_cast<u8>(magic >> (24 - 8 * i))) return Status::kMalformedInit;
    return Status::kNeedMore;
  }
  if (got != magic) return Status::kMalformedInit;
  u32 len = 0;
  if (!r.read_u32(&len)) return Status::kNeedMore;
  if (len > kMaxInitLen) return Status::kOversizedInit;
  if (len < min_len(magic, kex)) return Status::kMalformedInit;
  *out_len = len;
  return Status::kOk;
}

// read_pub - Pub for the group; a P-256 length that disagrees with the
// compressed encoding is an invalid key, one that overruns is malformed.
static Status read_pub(u8 kex, Reader* r, const u8** out_pub, usize* out_len) {
  usize len = pub_key_len(kex);
  if (kex == TCPINC_CORE_KEX_P256) {
    u16 wire = 0;
    if (!r->read_u16(&wire)) return Status::kMalformedInit;
    if (wire != len) return r->remaining() < wire ? Status::kMalformedInit : Status::kInvalidPublicKey;
  }
  if (!r->read_bytes(len, out_pub)) return Status::kMalformedInit;
  *out_len = len;
  return Status::kOk;
}

static Status read_header(u32 magic, u8 kex, const u8* msg, usize msg_len, Reader* r) {
  usize len = 0;
  Status st = init_message_len(magic, kex, msg, msg_len, &len);
  if (st == Status::kNeedMore) return Status::kMalformedInit;
  if (st != Status::kOk) return st;
  if (len != msg_len) return Status::kMalformedInit;
  *r = Reader(msg + kInitHeaderLen, msg_len - kInitHeaderLen);
  return Status::kOk;
}

Status parse_init1(u8 kex, const u8* msg, usize msg_len, Init1View* out) {
  Reader r;
  Status st = read_header(kInit1Magic, kex, msg, msg_len, &r);
  if (st != Status::kOk) return st;
  Init1View v{};
  v.message_len = static_cast<u32>(msg_len);
  if (!r.read_u8(&v.nciphers) || v.nciphers == 0) return Status::kMalformedInit;
  if (!r.read_bytes(2 * usize{v.nciphers}, &v.ciphers)) return Status::kMalformedInit;
  if (!r.read_bytes(kNonceLen, &v.nonce)) return Status::kMalformedInit;
  st = read_pub(kex, &r, &v.pub, &v.pub_len);
  if (st != Status::kOk) return st;
  // Whatever remains is the "ignored" field: accepted, not interpreted.
  *out = v;
  return Status::kOk;
}

Status parse_init2(u8 kex, const u8* msg, usize msg_len, Init2View* out) {
  Reader r;
  Status st = read_header(kInit2Magic, kex, msg, msg_len, &r);
  if (st != Status::kOk) return st;
  Init2View v{};
  v.message_len = static_cast<u32>(msg_len);
  if (!r.read_u16(&v.cipher)) return Status::kMalformedInit;
  if (!r.read_bytes(kNonceLen, &v.nonce)) return Status::kMalformedInit;
  st = read_pub(kex, &r, &v.pub, &v.pub_len);
  if (st != Status::kOk) return st;
  *out = v;
  return Status::kOk;
}

static void put_pub(u8 kex, const u8* pub, Writer* w) {
  if (kex == TCPINC_CORE_KEX_P256) w->put_u16(static_cast<u16>(pub_key_len(kex)));
  w->put_bytes(pub, pub_key_len(kex));
}

Status build_init1(u8 kex, const u16* ciphers, usize nciphers, const u8* nonce, const u8* pub,
                   Writer* w) {
  if (pub_wire_len(kex) == 0 || nciphers == 0 || nciphers > 255) return Status::kBadArgument;
  usize len = kInitHeaderLen + 1 + 2 * nciphers + kNonceLen + pub_wire_len(kex);
  w->put_u32(kInit1Magic);
  w->put_u32(static_cast<u32>(len));
  w->put_u8(static_cast<u8>(nciphers));
  for (usize i = 0; i < nciphers; i++) w->put_u16(ciphers[i]);
  w->put_bytes(nonce, kNonceLen);
  put_pub(kex, pub, w);
  return w->ok() ? Status::kOk : Status::kBufferTooSmall;
}

Status build_init2(u8 kex, u16 cipher, const u8* nonce, const u8* pub, Writer* w) {
  if (pub_wire_len(kex) == 0) return Status::kBadArgument;
  usize len = kInitHeaderLen + 2 + kNonceLen + pub_wire_len(kex);
  w->put_u32(kInit2Magic);
  w->put_u32(static_cast<u32>(len));
  w->put_u16(cipher);
  w->put_bytes(nonce, kNonceLen);
  put_pub(kex, pub, w);
  return w->ok() ? Status::kOk : Status::kBufferTooSmall;
}

bool init1_offers(const Init1View& v, u16 cipher) {
  Reader r(v.ciphers, 2 * usize{v.nciphers});
  u16 c = 0;
  while (r.read_u16(&c))
    if (c == cipher) return true;
  return false;
}

}  // namespace tcpinc::tcpcrypt
