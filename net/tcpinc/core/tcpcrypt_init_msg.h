// SPDX-License-Identifier: GPL-2.0
// tcpcrypt_init_msg.h - Init1/Init2 wire codec (RFC 8548 section 4.1).
//
//   Init1 = INIT1_MAGIC(4) | message_len(4) | nciphers(1) | sym_cipher(2)*n | N_A(32) | Pub_A | ignored
//   Init2 = INIT2_MAGIC(4) | message_len(4) | sym_cipher(2)             | N_B(32) | Pub_B | ignored
//
// Pub is 32 raw bytes for X25519, 56 raw bytes for X448 and
// pubkey_len(2) | 33-byte compressed point for P-256. We build without trailing bytes and accept (and skip)
// trailing bytes on receipt. Parsed messages are views into the caller's
// buffer: nothing is copied, so a view lives no longer than the bytes.
#ifndef TCPINC_CORE_TCPCRYPT_INIT_MSG_H
#define TCPINC_CORE_TCPCRYPT_INIT_MSG_H

#include "bytes.h"
#include "crypto.h"
#include "tcpcrypt_status.h"
#include "types.h"

namespace tcpinc::tcpcrypt {

constexpr u32 kInit1Magic = 0x15101a0e;
constexpr u32 kInit2Magic = 0x097105e0;
constexpr usize kInitHeaderLen = 8;  // magic + message_len
// Part E.10 of the project digest: an Init above 64 KiB is refused as
// oversized (it must fit the receive buffer and nothing legitimate is that big).
constexpr usize kMaxInitLen = 65536;
// Pub as it travels: X25519/X448 raw key, P-256 2-byte length + compressed
// point. The largest is X448's 56 bytes.
constexpr usize kMaxPubWireLen = TCPINC_CORE_X448_PUB_LEN;
constexpr usize kMaxPubLen = TCPINC_CORE_KEX_PUB_MAX_LEN;

// pub_wire_len - bytes Pub occupies for a key-agreement group, 0 if unknown.
constexpr usize pub_wire_len(u8 kex) {
  return kex == TCPINC_CORE_KEX_X25519 ? TCPINC_CORE_X25519_PUB_LEN
         : kex == TCPINC_CORE_KEX_X448 ? TCPINC_CORE_X448_PUB_LEN
         : kex == TCPINC_CORE_KEX_P256 ? 2 + TCPINC_CORE_P256_POINT_LEN
                                       : 0;
}
// pub_key_len - bytes of the key itself (without P-256's length prefix).
constexpr usize pub_key_len(u8 kex) {
  return kex == TCPINC_CORE_KEX_X25519 ? TCPINC_CORE_X25519_PUB_LEN
         : kex == TCPINC_CORE_KEX_X448 ? TCPINC_CORE_X448_PUB_LEN
         : kex == TCPINC_CORE_KEX_P256 ? TCPINC_CORE_P256_POINT_LEN
                                       : 0;
}
static_assert(pub_wire_len(TCPINC_CORE_KEX_P256) <= kMaxPubWireLen);
static_assert(pub_key_len(TCPINC_CORE_KEX_X448) <= kMaxPubLen);

// Init1View - a parsed Init1; pointers into the message.
struct Init1View {
  u32 message_len;
  u8 nciphers;
  const u8* ciphers;  // nciphers big-endian u16 ids
  const u8* nonce;    // N_A, 32 bytes
  const u8* pub;      // key bytes (no length prefix)
  usize pub_len;
};

// Init2View - a parsed Init2; pointers into the message.
struct Init2View {
  u32 message_len;
  u16 cipher;
  const u8* nonce;  // N_B, 32 bytes
  const u8* pub;
  usize pub_len;
};

// init_message_len - from the first bytes of an Init, its message_len.
// kNeedMore until 8 bytes are there; kMalformedInit for a wrong magic (as soon
// as 4 bytes are there) or a length below the fixed fields; kOversizedInit
// above kMaxInitLen.
Status init_message_len(u32 magic, u8 kex, const u8* p, usize avail, usize* out_len);

// parse_init1 / parse_init2 - decode a whole message of msg_len bytes.
Status parse_init1(u8 kex, const u8* msg, usize msg_len, Init1View* out);
Status parse_init2(u8 kex, const u8* msg, usize msg_len, Init2View* out);

// build_init1 / build_init2 - append a message (no trailing bytes) to w.
// pub is the key without any length prefix.
Status build_init1(u8 kex, const u16* ciphers, usize nciphers, const u8* nonce, const u8* pub,
                   Writer* w);
Status build_init2(u8 kex, u16 cipher, const u8* nonce, const u8* pub, Writer* w);

// init1_offers - whether an Init1 lists cipher.
bool init1_offers(const Init1View& v, u16 cipher);

}  // namespace tcpinc::tcpcrypt

#endif  // TCPINC_CORE_TCPCRYPT_INIT_MSG_H
