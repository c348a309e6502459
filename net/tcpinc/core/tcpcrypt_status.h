// SPDX-License-Identifier: GPL-2.0
// tcpcrypt_status.h - the status codes every fallible tcpcrypt call returns.
//
// The values are those of enum tcpinc_core_tc_status in the boundary header,
// so the C glue sees the same numbers without a translation table. Each
// abort reason has its own code: RFC 8548 wants aborts told apart from EOF,
// and the tests want each abort told apart from the others.
#ifndef TCPINC_CORE_TCPCRYPT_STATUS_H
#define TCPINC_CORE_TCPCRYPT_STATUS_H

#include "tcpinc/core_api.h"

namespace tcpinc::tcpcrypt {

enum class [[nodiscard]] Status : int {
  kOk = TCPINC_CORE_TC_OK,
  kNeedMore = TCPINC_CORE_TC_NEED_MORE,
  kBufferTooSmall = TCPINC_CORE_TC_BUFFER_TOO_SMALL,
  kNotReady = TCPINC_CORE_TC_NOT_READY,
  kBadArgument = TCPINC_CORE_TC_BAD_ARGUMENT,
  kFrameTooLarge = TCPINC_CORE_TC_FRAME_TOO_LARGE,
  kSendAfterFin = TCPINC_CORE_TC_SEND_AFTER_FIN,
  kRekeyPending = TCPINC_CORE_TC_REKEY_PENDING,
  kNoSessionId = TCPINC_CORE_TC_NO_SESSION_ID,
  kNotResumption = TCPINC_CORE_TC_NOT_RESUMPTION,
  kResumeMismatch = TCPINC_CORE_TC_RESUME_MISMATCH,
  kNotCacheable = TCPINC_CORE_TC_NOT_CACHEABLE,
  kNoMemory = TCPINC_CORE_TC_NO_MEMORY,
  kCryptoFailure = TCPINC_CORE_TC_CRYPTO_FAILURE,
  kMalformedInit = TCPINC_CORE_TC_MALFORMED_INIT,
  kOversizedInit = TCPINC_CORE_TC_OVERSIZED_INIT,
  kUnofferedAead = TCPINC_CORE_TC_UNOFFERED_AEAD,
  kNoCommonAead = TCPINC_CORE_TC_NO_COMMON_AEAD,
  kInvalidPublicKey = TCPINC_CORE_TC_INVALID_PUBKEY,
  kZeroSecret = TCPINC_CORE_TC_ZERO_SECRET,
  kAuthFailure = TCPINC_CORE_TC_AUTH_FAILURE,
  kBadFrame = TCPINC_CORE_TC_BAD_FRAME,
  kFinWithoutFinp = TCPINC_CORE_TC_FIN_WITHOUT_FINP,
  kDataAfterFinp = TCPINC_CORE_TC_DATA_AFTER_FINP,
  kAborted = TCPINC_CORE_TC_ABORTED,
};

// is_abort - true for the codes after which the connection must be reset.
constexpr bool is_abort(Status s) { return static_cast<int>(s) >= TCPINC_CORE_TC_FIRST_ABORT; }

}  // namespace tcpinc::tcpcrypt

#endif  // TCPINC_CORE_TCPCRYPT_STATUS_H
