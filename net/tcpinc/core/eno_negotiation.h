// SPDX-License-Identifier: GPL-2.0
// eno_negotiation.h - the TCP-ENO handshake (RFC 8547 4.6, 4.7) as a
// sans-I/O state machine.
//
// The caller (the kernel glue, or a test) owns the storage and feeds events:
// init() with the local configuration, then on_send() for every segment it
// is about to send (the machine answers with the ENO option bytes to put in
// it, possibly none) and on_receive() for every segment that arrives (the
// TCP option area as on the wire). Each call returns what the caller must do
// now: nothing, enable the TEP (negotiated() holds TEP, role, data,
// transcript), fall back to plain TCP, or abort the connection (mandatory
// encryption mode). The machine never allocates, sleeps, locks or calls the
// OS; its only outgoing calls are the TEP's function pointers.
//
// States (one handler per state in eno_negotiation.cc):
//   kIdle         configured, no SYN-form option sent or accepted yet
//   kSynSent      active opener: our SYN with ENO is out
//   kSynReceived  the peer's SYN-form option is accepted, roles and TEP are
//                 known; waiting until an ACK with ENO was sent and received
//   kEnabled      the enable point was reached (terminal)
//   kDisabled     plain TCP (terminal)
//   kAborted      mandatory encryption mode failed (terminal)
#ifndef TCPINC_CORE_ENO_NEGOTIATION_H
#define TCPINC_CORE_ENO_NEGOTIATION_H

#include "eno_option.h"
#include "eno_select.h"
#include "eno_tcp_options.h"
#include "eno_tep.h"
#include "eno_transcript.h"
#include "types.h"

namespace tcpinc {

inline constexpr usize kEnoMaxTeps = 8;

// TCP header flag bits, as in the 14th byte of the header.
inline constexpr u8 kTcpFlagFin = 0x01;
inline constexpr u8 kTcpFlagSyn = 0x02;
inline constexpr u8 kTcpFlagRst = 0x04;
inline constexpr u8 kTcpFlagAck = 0x10;

// EnoConfig - per-connection settings, fixed before the first SYN
// (draft-ietf-tcpinc-api-06 rejects later changes with EISCONN).
struct EnoConfig {
  bool enabled;        // TCP_ENO_ENABLED; false = never send ENO
  bool passive;        // listening socket: b is forced to 1 (4.2)
  bool b;              // active opener wants role B (simultaneous open)
  bool a;              // application-aware bit we send
  bool aa_mandatory;   // mandatory application-aware mode (sends a = 1)
  bool tep_mandatory;  // mandatory encryption mode: abort instead of falling back
  bool syn_data;       // allow SYN data when the SYN TEP defines it (off by default, 4.7)
  u8 tep_count;        // 0 with enabled = a vacuous option (4.6)
  EnoLocalTep teps[kEnoMaxTeps];  // in increasing order of preference
};

enum class EnoConfigStatus : u8 {
  kOk,
  kBadTep,        // null table, id outside 0x20-0x7f, or the same id twice
  kBadData,       // data with v = 0, or more than fits
  kTooLong,       // our SYN-form option would not fit 40 bytes
  kBadMode,       // tep_mandatory without any TEP to negotiate
};

enum class EnoState : u8 { kIdle, kSynSent, kSynReceived, kEnabled, kDisabled, kAborted };

// EnoReason - why the machine left the negotiation without enabling.
enum class EnoReason : u8 {
  kNone,
  kConfigDisabled,        // ENO off by configuration
  kLocalVacuous,          // we offer no TEP
  kLocalDisable,          // the caller called disable()
  kConflictingSyn,        // our SYN would carry a Fast Open cookie or data the SYN TEP does not define
  kMissingEno,            // a segment up to the first received ACK lacked ENO (4.6 rule 1)
  kMultipleEno,           // a SYN with more than one ENO option (4.1)
  kMalformedEno,          // an ill-formed SYN-form option (4.4)
  kRoleConflict,          // both hosts sent the same b (4.3)
  kPeerNotAppAware,       // mandatory application-aware mode and peer a = 0 (4.2)
  kPeerVacuous,           // the peer's option has no TEP (4.6)
  kNoValidTep,            // no TEP is valid (4.5)
  kSynOptionChanged,      // the peer's SYN-form option differs between its SYNs (4.6)
  kUnexpectedSegment,     // a segment the handshake cannot have (e.g. SYN-ACK to a listener)
  kAnswerTooLong,         // the TEP's answer does not fit the SYN-ACK option
  kSynDataAtRisk,         // our SYN data may be misread (4.7): abort
};

enum class EnoAction : u8 {
  kNone,      // nothing for the caller to do
  kEnable,    // encryption is on from now: start the TEP
  kFallback,  // ENO is off from now: plain TCP
  kAbort,     // abort the connection (mandatory mode, or SYN data at risk)
};

// EnoSegment - a received segment. options points at the TCP option area
// (everything after the 20-byte header), exactly as received.
struct EnoSegment {
  u8 tcp_flags;
  const u8* options;
  usize options_len;
  usize payload_len;
  bool acks_syn_data;  // the segment acknowledges data we sent in our SYN
};

// EnoSendSegment - a segment about to be sent.
struct EnoSendSegment {
  u8 tcp_flags;
  bool tfo_nonempty;  // the segment will carry a Fast Open cookie
  usize payload_len;  // data the segment will carry (SYN data matters)
};

// EnoOptionOut - the option to put into a segment; len == 0 means none.
struct EnoOptionOut {
  u8 len;
  u8 bytes[kEnoMaxOptionLen];
};

// EnoNegotiation - one connection's negotiation. Zero-initialised storage
// followed by init() is a valid object; it is trivially copyable and owns no
// resources, so it needs no teardown.
class EnoNegotiation {
 public:
  // init - take the configuration (copied). On failure the machine stays
  // disabled and never emits ENO.
  [[nodiscard]] EnoConfigStatus init(const EnoConfig* cfg);

  // on_send - a segment with seg->tcp_flags is about to be sent; *out_opt
  // receives the ENO option to add to it (len 0: none).
  [[nodiscard]] EnoAction on_send(const EnoSendSegment* seg, EnoOptionOut* out_opt);

  // on_receive - a segment arrived. *out_discard_syn_data tells the caller
  // to drop the payload of a SYN and acknowledge only the ISN (4.7).
  [[nodiscard]] EnoAction on_receive(const EnoSegment* seg, bool* out_discard_syn_data);

  // disable - the caller drops ENO (e.g. between SYN retransmissions, 4.6).
  // Has no effect once encryption is enabled.
  [[nodiscard]] EnoAction disable();

  // syn_data_allowed - whether the next SYN-only segment may carry data.
  bool syn_data_allowed() const;

  EnoState state() const { return state_; }
  EnoReason reason() const { return reason_; }
  // negotiated - the result, only once state() == kEnabled; else null.
  const EnoNegotiated* negotiated() const { return state_ == EnoState::kEnabled ? &neg_ : nullptr; }
  // local_global - the global suboption byte we send (0x00 when implicit).
  u8 local_global() const { return local_global_; }
  // peer_global - the peer's global suboption, once its SYN-form option
  // was parsed (TCP_ENO_PEER_GOPT); false before.
  [[nodiscard]] bool peer_global(u8* out) const;
  // set_tep_ctx - point every TEP's ctx at ctx. The object is moved with
  // memcpy (a listener's half-open negotiation into the child), so an owner
  // that keeps the TEP context next to it re-points it after each move.
  void set_tep_ctx(void* ctx) {
    for (u8 i = 0; i < cfg_.tep_count; i++) cfg_.teps[i].ctx = ctx;
  }

 private:
  EnoAction send_idle(const EnoSendSegment* seg, EnoOptionOut* out);
  EnoAction send_syn_sent(const EnoSendSegment* seg, EnoOptionOut* out);
  EnoAction send_syn_received(const EnoSendSegment* seg, EnoOptionOut* out);
  EnoAction send_enabled(const EnoSendSegment* seg, EnoOptionOut* out);
  EnoAction send_disabled(const EnoSendSegment* seg, EnoOptionOut* out);

  EnoAction receive_idle(const EnoSegment* seg, const EnoScan* scan);
  EnoAction receive_syn_sent(const EnoSegment* seg, const EnoScan* scan);
  EnoAction receive_syn_received(const EnoSegment* seg, const EnoScan* scan);

  EnoAction accept_peer_syn(const EnoSegment* seg, const EnoScan* scan);
  EnoAction answer_as_passive(const EnoSynOption* peer);
  EnoAction fall_back(EnoReason why);
  EnoAction maybe_enable();
  void emit_local(EnoOptionOut* out);
  void emit_non_syn(EnoOptionOut* out) const;
  bool check_syn_conflicts(const EnoSendSegment* seg) const;
  bool must_discard_syn_data(const EnoSegment* seg, const EnoScan* scan) const;
  bool local_b() const { return cfg_.passive || cfg_.b; }

  EnoConfig cfg_;
  EnoState state_;
  EnoReason reason_;
  u8 local_global_;
  u8 peer_global_;
  bool have_peer_opt_;
  bool vacuous_;            // we send a vacuous option on our SYNs
  bool sent_ack_eno_;       // we sent an ACK segment carrying ENO
  bool recv_ack_eno_;       // we received an ACK segment carrying ENO
  bool first_ack_seen_;     // the first ACK segment has been received
  bool recv_non_syn_;       // a non-SYN segment was received: stop sending ENO
  bool sent_syn_data_;
  bool sent_syn_form_;      // our SYN-form option went out at least once
  EnoRole role_;
  EnoSelection sel_;
  u8 local_opt_len_;
  u8 local_opt_[kEnoMaxOptionLen];
  u8 peer_opt_len_;
  u8 peer_opt_[kEnoMaxOptionLen];
  EnoNegotiated neg_;
};

// eno_build_local_option - our SYN-form option for cfg: the global
// suboption (explicit when non-zero) then every TEP in cfg order.
[[nodiscard]] EnoBuildStatus eno_build_local_option(const EnoConfig* cfg, u8* out, usize cap, usize* out_len);

}  // namespace tcpinc

#endif  // TCPINC_CORE_ENO_NEGOTIATION_H
