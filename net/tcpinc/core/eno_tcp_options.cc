// SPDX-License-Identifier: GPL-2.0
// eno_tcp_options.cc - scan a TCP option area for ENO and Fast Open.
#include "eno_tcp_options.h"

#include "bytes.h"
#include "eno_option.h"

namespace tcpinc {

void eno_scan_tcp_options(const u8* opts, usize len, EnoScan* out) {
  out->eno_count = 0;
  out->legacy_eno_count = 0;
  out->eno_off = 0;
  out->eno_len = 0;
  out->tfo_nonempty = false;
  out->malformed = false;

  if (len > kTcpMaxOptionsLen) {
    // No TCP header can hold this; the offsets below are bytes.
    out->malformed = true;
    return;
  }
  Reader r(opts, len);
  while (!r.empty()) {
    const u8 off = static_cast<u8>(len - r.remaining());
    u8 kind = 0;
    (void)r.read_u8(&kind);  // cannot fail: !empty
    if (kind == kTcpOptEol) return;
    if (kind == kTcpOptNop) continue;

    u8 olen = 0;
    Reader body;
    if (!r.read_u8(&olen) || olen < 2 || !r.read_view(olen - 2u, &body)) {
      out->malformed = true;
      return;
    }
    if (kind == kEnoKind) {
      if (out->eno_count == 0) {
        out->eno_off = off;
        out->eno_len = olen;
      }
      if (out->eno_count < 0xff) out->eno_count++;
    } else if (kind == kTcpOptFastOpen) {
      // An empty Fast Open option is a cookie request and carries no data
      // semantics; only a cookie conflicts with ENO (RFC 8547 4.7).
      if (olen > 2) out->tfo_nonempty = true;
    } else if (kind == kTcpOptExp1 || kind == kTcpOptExp2) {
      u16 exid = 0;
      if (!body.read_u16(&exid)) continue;
      if (exid == kTcpExidEno && out->legacy_eno_count < 0xff) out->legacy_eno_count++;
      if (exid == kTcpExidFastOpen && olen > 4) out->tfo_nonempty = true;
    }
  }
}

}  // namespace tcpinc
