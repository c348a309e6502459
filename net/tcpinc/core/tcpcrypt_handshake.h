// SPDX-License-Identifier: GPL-2.0
// tcpcrypt_handshake.h - fresh key agreement: Init1/Init2 and the PRK
// (RFC 8548 sections 3.3 and 4.1).
//
// A builds Init1 at once; B answers an Init1 with Init2 naming its most
// preferred AEAD among those A offered; both then compute
//   ES  = X25519 / X448 / P-256 ECSVDP-DH of own private key and peer's Pub
//         (32, 56, 32 bytes)
//   PRK = Extract(N_A, eno_transcript | Init1 | Init2 | ES)  (= ss[0])
// Init1/Init2 enter the PRK exactly as transmitted, trailing bytes
// included (project digest Part E.8). Everything secret in a Handshake is
// wiped by handshake_wipe(), which the session calls on every exit path.
#ifndef TCPINC_CORE_TCPCRYPT_HANDSHAKE_H
#define TCPINC_CORE_TCPCRYPT_HANDSHAKE_H

#include "crypto.h"
#include "tcpcrypt_init_msg.h"
#include "tcpcrypt_key_schedule.h"
#include "tcpcrypt_status.h"
#include "types.h"

namespace tcpinc::tcpcrypt {

constexpr usize kMaxAeads = 8;            // distinct AEADs we can offer or prefer
constexpr usize kMaxTranscriptLen = 80;   // two SYN-form ENO options of <= 40 bytes
constexpr usize kMaxOwnInitLen = kInitHeaderLen + 1 + 2 * kMaxAeads + kNonceLen + kMaxPubWireLen;

enum class Role : u8 { kA = 0, kB = 1 };

// HandshakeConfig - what the ENO layer and the application decided.
struct HandshakeConfig {
  Role role;
  u8 kex;                  // TCPINC_CORE_KEX_*
  const u8* transcript;    // ENO transcript, A's option first
  usize transcript_len;
  const u16* aeads;        // A: offered (in Init1 order); B: preference, best first
  usize naeads;
  // Optional: a caller-provided ephemeral key pair (the RFC allows limited
  // reuse; the glue may amortise keygen) and nonce. nullptr = generate.
  const u8* ephemeral_priv;  // kex_priv_len(kex) bytes (32; 56 for X448)
  const u8* ephemeral_pub;   // pub_key_len(kex) bytes
  const u8* nonce;           // 32 bytes
};

// Handshake - state from start until ss[0] is known.
struct Handshake {
  Role role;
  u8 kex;
  u8 priv[kKexPrivLen];
  u8 pub[kMaxPubLen];
  u8 nonce[kNonceLen];
  u8 transcript[kMaxTranscriptLen];
  usize transcript_len;
  u16 aeads[kMaxAeads];
  usize naeads;
  u8 own_init[kMaxOwnInitLen];  // our Init1/Init2 exactly as sent
  usize own_init_len;
};

// handshake_begin - validate the config, make keys and nonce; for A build
// Init1 into hs->own_init.
Status handshake_begin(const CryptoOps& ops, const HandshakeConfig& cfg, Handshake* hs);

// handshake_on_init1 - B: parse A's whole Init1, pick the AEAD, build Init2
// into hs->own_init, compute ss[0].
Status handshake_on_init1(const CryptoOps& ops, Handshake* hs, const u8* init1, usize len,
                          u8* out_ss0, u16* out_aead);

// handshake_on_init2 - A: parse B's whole Init2, check its AEAD was offered,
// compute ss[0].
Status handshake_on_init2(const CryptoOps& ops, Handshake* hs, const u8* init2, usize len,
                          u8* out_ss0, u16* out_aead);

// handshake_wipe - erase every secret (and the rest).
void handshake_wipe(Handshake* hs);

}  // namespace tcpinc::tcpcrypt

#endif  // TCPINC_CORE_TCPCRYPT_HANDSHAKE_H
