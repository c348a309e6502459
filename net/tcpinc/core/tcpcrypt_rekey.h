// SPDX-License-Identifier: GPL-2.0
// tcpcrypt_rekey.h - key generations of one direction (RFC 8548 section 3.8).
//
// Each direction keeps its own copy of the mk chain at its own generation:
// the send side at the local generation, the receive side at the remote
// one; they move independently. Old generations are released as soon as
// the core no longer needs them: frames are sealed exactly once and the
// glue retransmits stored ciphertext (never re-encrypts), so the sender
// drops its old key at the switch; the receiver gets the stream in order,
// so once a rekey frame authenticates under generation j+1 nothing can
// arrive under j.
#ifndef TCPINC_CORE_TCPCRYPT_REKEY_H
#define TCPINC_CORE_TCPCRYPT_REKEY_H

#include "crypto.h"
#include "tcpcrypt_frame.h"
#include "tcpcrypt_handshake.h"
#include "tcpcrypt_key_schedule.h"
#include "tcpcrypt_status.h"
#include "types.h"

namespace tcpinc::tcpcrypt {

// DirectionKeys - mk[gen] and the frame key derived from it for one
// direction. key_const says k_ab (kConstKeyA) or k_ba (kConstKeyB).
struct DirectionKeys {
  u8 mk[kKeyLen];
  u64 gen;
  FrameKey key;
  u16 aead;
  u8 key_const;
  bool live;
};

// direction_init - generation 0 from mk[0]; *out must not be live.
Status direction_init(const CryptoOps& ops, u16 aead, const u8* mk0, u8 key_const,
                      DirectionKeys* out);

// directions_init - both directions' generation 0 from mk[0] (send and
// receive as the session's original role says), their two traffic keys
// derived together; neither may be live, and on failure neither is.
Status directions_init(const CryptoOps& ops, u16 aead, const u8* mk0, Role original_role,
                       DirectionKeys* send, DirectionKeys* recv);

// direction_next - generation cur.gen + 1 into *out (cur is unchanged).
Status direction_next(const CryptoOps& ops, const DirectionKeys& cur, DirectionKeys* out);

// direction_replace - release *cur and move *next into it (commit a rekey).
void direction_replace(const CryptoOps& ops, DirectionKeys* cur, DirectionKeys* next);

// direction_release - free the provider context and wipe the secrets.
void direction_release(const CryptoOps& ops, DirectionKeys* d);

}  // namespace tcpinc::tcpcrypt

#endif  // TCPINC_CORE_TCPCRYPT_REKEY_H
