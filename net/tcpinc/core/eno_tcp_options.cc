// SPDX-License-Identifier: GPL-2.0
// eno_tcp_options.cc - scan a TCP option area for ENO and Fast Open.
#include "eno_tcp_options.h"

#include "bytes.h"
#include "eno_option.h"

namespace tcpinc {

TcpOptStep eno_next_tcp_option(const u8* opts, usize len, usize* pos, TcpOption* out) {
  // No TCP header can hold more; offsets are bytes.
  if (len > kTcpMaxOptionsLen || *pos > len) return TcpOptStep::kMalformed;
  Reader r(opts, len);
  (void)r.skip(*pos);  // cannot fail: *pos <= len
  while (!r.empty()) {
    const u8 off = static_cast<u8>(len - r.remaining());
    u8 kind = 0;
    (void)r.read_u8(&kind);  // cannot fail: !empty
    if (kind == kTcpOptEol) break;
    if (kind == kTcpOptNop) continue;

    u8 olen = 0;
    Reader body;
    if (!r.read_u8(&olen) || olen < 2 || !r.read_view(olen - 2u, &body)) return TcpOptStep::kMalformed;
    out->kind = kind;
    out->len = olen;
    out->off = off;
    *pos = len - r.remaining();
    return TcpOptStep::kOption;
  }
  *pos = len;
  return TcpOptStep::kEnd;
}

void eno_scan_tcp_options(const u8* opts, usize len, EnoScan* out) {
  out->eno_count = 0;
  out->legacy_eno_count = 0;
  out->eno_off = 0;
  out->eno_len = 0;
  out->tfo_nonempty = false;
  out->malformed = false;

  usize pos = 0;
  TcpOption o;
  for (;;) {
    const TcpOptStep step = eno_next_tcp_option(opts, len, &pos, &o);
    if (step == TcpOptStep::kEnd) return;
    if (step == TcpOptStep::kMalformed) {
      out->malformed = true;
      return;
    }
    if (o.kind == kEnoKind) {
      if (out->eno_count == 0) {
        out->eno_off = o.off;
        out->eno_len = o.len;
      }
      if (out->eno_count < 0xff) out->eno_count++;
    } else if (o.kind == kTcpOptFastOpen) {
      // An empty Fast Open option is a cookie request and carries no data
      // semantics; only a cookie conflicts with ENO (RFC 8547 4.7).
      if (o.len > 2) out->tfo_nonempty = true;
    } else if (o.kind == kTcpOptExp1 || o.kind == kTcpOptExp2) {
      Reader body(opts + o.off + 2, o.len - 2u);
      u16 exid = 0;
      if (!body.read_u16(&exid)) continue;
      if (exid == kTcpExidEno && out->legacy_eno_count < 0xff) out->legacy_eno_count++;
      if (exid == kTcpExidFastOpen && o.len > 4) out->tfo_nonempty = true;
    }
  }
}

}  // namespace tcpinc
