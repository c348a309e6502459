// SPDX-License-Identifier: GPL-2.0
// eno_select.h - choosing the negotiated TEP, RFC 8547 4.5.
//
// A TEP identifier is valid when (1) both hosts sent a suboption for it (the
// v bit is ignored for matching), (2) the data in those suboptions is valid
// for the TEP, and (3) any repetition of it inside one option is defined by
// the TEP. The negotiated TEP is the last valid one in host B's option.
#ifndef TCPINC_CORE_ENO_SELECT_H
#define TCPINC_CORE_ENO_SELECT_H

#include "eno_option.h"
#include "eno_tep.h"
#include "types.h"

namespace tcpinc {

// EnoSide - one host's SYN-form option: its raw bytes and its parse.
struct EnoSide {
  const u8* opt;
  const EnoSynOption* parsed;
};

// EnoSelection - the outcome of a selection.
struct EnoSelection {
  u8 local_index;  // into the local TEP list
  u8 local_sub;    // into the local option's sub[] (last with this glt)
  u8 peer_sub;     // into the peer option's sub[] (last with this glt)
  EnoTepVerdict peer_verdict;
};

// eno_judge_tep - condition 1 to 3 for one local TEP against the peer's
// option. local may have parsed == nullptr: a passive opener judging A's
// offer before its own option exists. Returns kInvalid, or the verdict on
// the peer's (last) suboption for the TEP; *out_peer_sub is then set.
EnoTepVerdict eno_judge_tep(const EnoLocalTep* lt, EnoSide local, EnoSide peer, u8* out_peer_sub);

// eno_select_tep - the negotiated TEP: the last TEP suboption in B's option
// that is valid. teps[0..tep_count) are the local TEPs. Returns false when
// no TEP is valid.
[[nodiscard]] bool eno_select_tep(const EnoLocalTep* teps, u8 tep_count, EnoRole local_role, EnoSide local,
                                  EnoSide peer, EnoSelection* out);

// eno_choose_answer - passive opener (always B): the TEP to put alone in the
// SYN-ACK, the most preferred (latest in teps[]) valid one. Returns false
// when there is none.
[[nodiscard]] bool eno_choose_answer(const EnoLocalTep* teps, u8 tep_count, EnoSide peer, EnoSelection* out);

}  // namespace tcpinc

#endif  // TCPINC_CORE_ENO_SELECT_H
