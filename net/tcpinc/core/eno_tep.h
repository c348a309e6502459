// SPDX-License-Identifier: GPL-2.0
// eno_tep.h - the interface between TCP-ENO and a TCP encryption protocol.
//
// A TEP is a plain table of function pointers (no virtual functions: the
// core must not need __cxa_pure_virtual or RTTI). ENO asks the TEP two
// things during the SYN exchange - is the peer's suboption data acceptable
// (RFC 8547 4.5 condition 2), and, when we are the passive opener, what
// suboption do we answer with - and tells it once, at the enable point,
// what was negotiated, including the transcript it must bind (4.8).
// Every per-connection state a TEP needs lives behind the ctx pointer that
// the caller puts next to the table in its EnoLocalTep.
#ifndef TCPINC_CORE_ENO_TEP_H
#define TCPINC_CORE_ENO_TEP_H

#include "eno_option.h"
#include "eno_transcript.h"
#include "types.h"

namespace tcpinc {

// EnoRole - the roles of RFC 8547 4.3; the values are TCP_ENO_ROLE's.
enum class EnoRole : u8 { kA = 0, kB = 1 };

// EnoTepVerdict - what a TEP makes of a suboption the peer sent for it.
enum class EnoTepVerdict : u8 {
  kInvalid,   // the TEP is not valid for this connection (4.5 condition 2)
  kFresh,     // valid; behave as if it had been sent with v = 0
  kWithData,  // valid; the data means something to the TEP
};

// EnoTepOffer - the peer's suboption for one TEP, and ours if we sent one.
// The pointers are valid only during the callback.
struct EnoTepOffer {
  u8 peer_tep_byte;  // as received, v bit included
  const u8* peer_data;
  u8 peer_data_len;
  bool local_sent;    // false while a passive opener is still choosing
  u8 local_tep_byte;
  const u8* local_data;
  u8 local_data_len;
};

// EnoTepAnswer - the suboption a passive opener sends for the TEP it chose.
struct EnoTepAnswer {
  bool v;
  u8 data_len;  // must be 0 when v is false
  u8 data[kEnoMaxSuboptionData];
};

// EnoNegotiated - everything ENO hands to the negotiated TEP (RFC 8547 4:
// TEP, suboption data of each host, transcript, roles, the a bits).
struct EnoNegotiated {
  EnoRole role;       // ours
  u8 tep_id;          // 7-bit glt
  u8 tep_byte;        // as host B sent it, v bit included: session ID byte 0
  u8 local_global;    // global suboption we sent (explicit or implicit)
  u8 peer_global;     // first global suboption the peer sent, or 0x00
  EnoTepVerdict peer_verdict;  // kFresh when the peer sent v = 0
  u8 a_tep_byte;
  u8 a_data_len;
  u8 a_data[kEnoMaxSuboptionData];
  u8 b_tep_byte;
  u8 b_data_len;
  u8 b_data[kEnoMaxSuboptionData];
  EnoTranscript transcript;
};

// EnoTep - the table a TEP provides. Every function pointer may be null.
struct EnoTep {
  u8 id;  // TEP identifier, 0x20-0x7f
  // repetition_defined - the TEP's spec gives a meaning to several
  // suboptions with its id in one SYN (4.5 condition 3); if false such a
  // SYN makes the TEP invalid for the connection.
  bool repetition_defined;
  // defines_syn_data - the TEP defines data in SYN segments (4.7).
  bool defines_syn_data;
  // check_offer - judge a peer suboption sent with v = 1. Must not change
  // state: it can be called more than once per connection. Null accepts
  // any data as kWithData.
  EnoTepVerdict (*check_offer)(void* ctx, const EnoTepOffer* offer);
  // answer - passive opener only: fill *out_answer (zeroed, v = 0 on
  // entry) for the TEP it chose. Null answers with v = 0 and no data.
  void (*answer)(void* ctx, const EnoTepOffer* offer, EnoTepAnswer* out_answer);
  // on_enabled - called once, at the enable point (4.6).
  void (*on_enabled)(void* ctx, const EnoNegotiated* neg);
};

// EnoLocalTep - one TEP this end offers, with the suboption it sends.
struct EnoLocalTep {
  const EnoTep* tep;
  void* ctx;
  bool v;        // send the TEP byte with v = 1 (data follows, maybe none)
  u8 data_len;   // 0 unless v
  u8 data[kEnoMaxSuboptionData];
};

}  // namespace tcpinc

#endif  // TCPINC_CORE_ENO_TEP_H
