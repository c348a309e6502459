// SPDX-License-Identifier: GPL-2.0
// fuzz_tcpcrypt_init - the Init1/Init2 parser and the session's Init
// reassembly, fed arbitrary bytes in arbitrary pieces.
//
// Input: byte 0 picks the group (bit 0: P-256 / X25519), the receiving role
// (bit 1) and the piece size (bits 2..7); the rest is the peer's stream.
// Crypto is a trivial deterministic fake: this target is about parsing,
// not about the primitives.
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tcpcrypt_init_msg.h"
#include "tcpcrypt_resumption.h"
#include "fake_crypto.h"
#include "tcpcrypt_session.h"

using namespace tcpinc;
using namespace tcpinc::tcpcrypt;

namespace {

int fake_keygen(void*, u8 kex, u8* priv, u8* pub) {
  memset(priv, 7, 32);
  memset(pub, 2, kex == TCPINC_CORE_KEX_P256 ? 33 : 32);
  return 0;
}
int fake_validate(void*, u8 kex, const u8* pub, usize len) {
  if (kex == TCPINC_CORE_KEX_P256 && (len != 33 || (pub[0] != 2 && pub[0] != 3))) return TCPINC_CORE_CRYPTO_EBADKEY;
  return 0;
}
int fake_shared(void*, u8, const u8*, const u8* pub, usize len, u8* out) {
  memset(out, 0, 32);
  memcpy(out, pub, len < 32 ? len : 32);  // all-zero peer key -> zero secret path
  return 0;
}
const tcpinc_core_crypto_ops kFake = fake_crypto::fake_crypto_ops(fake_keygen, fake_validate, fake_shared);

Session g_session;  // 64 KiB: static storage, zero-initialised

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  u8 mode = data[0];
  u8 kex = (mode & 1) ? TCPINC_CORE_KEX_P256 : TCPINC_CORE_KEX_X25519;
  Role role = (mode & 2) ? Role::kA : Role::kB;
  usize piece = 1 + (mode >> 2) * 37u;
  const u8* msg = data + 1;
  usize len = size - 1;

  // The codec on the whole input.
  Init1View v1;
  Init2View v2;
  usize mlen = 0;
  (void)init_message_len(kInit1Magic, kex, msg, len, &mlen);
  (void)init_message_len(kInit2Magic, kex, msg, len, &mlen);
  if (parse_init1(kex, msg, len, &v1) == Status::kOk) {
    if (v1.pub_len != pub_key_len(kex) || v1.message_len != len) __builtin_trap();
    (void)init1_offers(v1, 1);
  }
  if (parse_init2(kex, msg, len, &v2) == Status::kOk && v2.message_len != len) __builtin_trap();
  ResumeSuboption sub;
  if (resumption_parse_suboption(msg, len, &sub) == Status::kOk && sub.nonce_len > 8) __builtin_trap();

  // The session reassembling the peer's Init (then frames) piece by piece.
  static const u8 tr[8] = {0x45, 0x04, 0x21, 0x23, 0x45, 0x04, 0x01, 0x23};
  static const u16 aeads[3] = {1, 2, 0x10};
  SessionConfig cfg{};
  cfg.hs = HandshakeConfig{role, kex, tr, sizeof tr, aeads, 3, nullptr, nullptr, nullptr};
  cfg.tep_byte = kex;
  if (g_session.start(&kFake, cfg) == Status::kOk) {
    u8 out[256];
    usize n = 0;
    (void)g_session.poll_output(out, sizeof out, &n);
    usize off = 0;
    while (off < len) {
      usize chunk = len - off < piece ? len - off : piece;
      usize used = 0;
      RecvEvent ev;
      Status st = g_session.receive(msg + off, chunk, &used, &ev);
      if (is_abort(st) || st == Status::kAborted) break;
      if (used == 0 || used > chunk) __builtin_trap();
      off += used;
      (void)g_session.poll_output(out, sizeof out, &n);
    }
    (void)g_session.on_peer_fin();
  }
  g_session.destroy();
  return 0;
}
