// SPDX-License-Identifier: GPL-2.0
// eno_option.cc - parse and build TCP-ENO options (RFC 8547 4.1-4.4).
#include "eno_option.h"

#include "bytes.h"

namespace tcpinc {

EnoParseStatus eno_check_option_header(const u8* opt, usize opt_len) {
  Reader r(opt, opt_len);
  u8 kind = 0;
  u8 len = 0;
  if (!r.read_u8(&kind)) return EnoParseStatus::kBadOptionLength;
  if (kind != kEnoKind) return EnoParseStatus::kNotEno;
  if (!r.read_u8(&len)) return EnoParseStatus::kBadOptionLength;
  if (len < 2 || len > kEnoMaxOptionLen || len != opt_len) return EnoParseStatus::kBadOptionLength;
  return EnoParseStatus::kOk;
}

namespace {

// parse_tep - the TEP suboption whose byte was just read. A TEP byte with
// v = 1 and no length byte owns everything up to the option's end.
void parse_tep(Reader* r, u8 byte, u8 offset_after_byte, EnoSuboption* out) {
  out->kind = EnoSuboptionKind::kTep;
  out->byte = byte;
  out->has_length_byte = false;
  out->data_off = offset_after_byte;
  out->data_len = 0;
  if ((byte & kEnoVBit) != 0) {
    out->data_len = static_cast<u8>(r->remaining());
    // Cannot fail: it skips exactly what remains.
    (void)r->skip(r->remaining());
  }
}

}  // namespace

EnoParseStatus eno_parse_syn_option(const u8* opt, usize opt_len, EnoSynOption* out) {
  EnoParseStatus st = eno_check_option_header(opt, opt_len);
  if (st != EnoParseStatus::kOk) return st;

  out->count = 0;
  out->global = 0;  // the implicit global suboption (4.2)
  out->global_explicit = false;
  out->tep_count = 0;

  Reader r(opt + 2, opt_len - 2);
  while (!r.empty()) {
    const u8 offset = static_cast<u8>(opt_len - r.remaining());
    u8 byte = 0;
    if (!r.read_u8(&byte)) return EnoParseStatus::kBadOptionLength;  // unreachable: !empty
    EnoSuboption* sub = &out->sub[out->count];

    if ((byte & kEnoVBit) == 0 && !eno_is_tep_byte(byte)) {
      // Global suboption: only the first one counts (4.2), so that a later
      // revision can give meaning to bits in subsequent ones.
      sub->kind = EnoSuboptionKind::kGlobal;
      sub->byte = byte;
      sub->has_length_byte = false;
      sub->data_off = 0;
      sub->data_len = 0;
      if (!out->global_explicit) {
        out->global = byte;
        out->global_explicit = true;
      }
    } else if ((byte & kEnoVBit) != 0 && !eno_is_tep_byte(byte)) {
      // Length byte 100nnnnn: the next byte must be a TEP byte with v = 1
      // (0xa0-0xff), followed by nnnnn + 1 data bytes (4.4, Figure 7).
      const u8 data_len = static_cast<u8>((byte & 0x1f) + 1);
      u8 tep = 0;
      if (!r.read_u8(&tep)) return EnoParseStatus::kLengthNotFollowedByTep;
      if (tep < 0xa0) return EnoParseStatus::kLengthNotFollowedByTep;
      const u8 data_off = static_cast<u8>(opt_len - r.remaining());
      if (!r.skip(data_len)) return EnoParseStatus::kLengthOverrun;
      sub->kind = EnoSuboptionKind::kTep;
      sub->byte = tep;
      sub->has_length_byte = true;
      sub->data_off = data_off;
      sub->data_len = data_len;
      out->tep_count++;
    } else {
      parse_tep(&r, byte, static_cast<u8>(offset + 1), sub);
      out->tep_count++;
    }
    out->count++;
  }
  return EnoParseStatus::kOk;
}

i32 eno_last_tep(const EnoSynOption* opt) {
  for (i32 i = static_cast<i32>(opt->count) - 1; i >= 0; i--) {
    if (opt->sub[i].kind == EnoSuboptionKind::kTep) return i;
  }
  return -1;
}

u8 eno_count_glt(const EnoSynOption* opt, u8 glt) {
  u8 n = 0;
  for (u8 i = 0; i < opt->count; i++) {
    if (opt->sub[i].kind == EnoSuboptionKind::kTep && eno_glt(opt->sub[i].byte) == glt) n++;
  }
  return n;
}

namespace {

bool put_suboption(Writer* w, const EnoSuboptionSpec* s, bool last) {
  if (s->kind == EnoSuboptionKind::kGlobal) {
    if (s->byte > kEnoGlobalMax || s->data_len != 0 || s->force_length_byte) return false;
    w->put_u8(s->byte);
    return true;
  }
  if (!eno_is_tep_byte(s->byte)) return false;
  const bool v = (s->byte & kEnoVBit) != 0;
  if (!v) {
    if (s->data_len != 0 || s->force_length_byte) return false;
    w->put_u8(s->byte);
    return true;
  }
  if (!last || s->force_length_byte) {
    // Only a length byte tells the receiver where the next suboption starts.
    if (s->data_len == 0 || s->data_len > kEnoMaxLengthByteData) return false;
    w->put_u8(static_cast<u8>(kEnoLengthByteBase | (s->data_len - 1)));
  }
  w->put_u8(s->byte);
  w->put_bytes(s->data, s->data_len);
  return true;
}

}  // namespace

EnoBuildStatus eno_build_syn_option(const EnoSuboptionSpec* subs, usize count, u8* out, usize cap,
                                    usize* out_len) {
  Writer w(out, cap < kEnoMaxOptionLen ? cap : kEnoMaxOptionLen);
  w.put_u8(kEnoKind);
  w.put_u8(0);  // patched below
  for (usize i = 0; i < count; i++) {
    if (!put_suboption(&w, &subs[i], i + 1 == count)) return EnoBuildStatus::kBadSuboption;
  }
  if (!w.ok()) return EnoBuildStatus::kTooLong;
  if (!w.put_at_u8(1, static_cast<u8>(w.len()))) return EnoBuildStatus::kTooLong;
  *out_len = w.len();
  return EnoBuildStatus::kOk;
}

EnoBuildStatus eno_build_non_syn_option(u8* out, usize cap, usize* out_len) {
  Writer w(out, cap);
  w.put_u8(kEnoKind);
  w.put_u8(2);
  if (!w.ok()) return EnoBuildStatus::kTooLong;
  *out_len = w.len();
  return EnoBuildStatus::kOk;
}

EnoBuildStatus eno_reencode_syn_option(const u8* opt, const EnoSynOption* parsed, u8* out, usize cap,
                                       usize* out_len) {
  EnoSuboptionSpec specs[kEnoMaxSuboptions];
  for (u8 i = 0; i < parsed->count; i++) {
    const EnoSuboption& s = parsed->sub[i];
    specs[i].kind = s.kind;
    specs[i].byte = s.byte;
    specs[i].force_length_byte = s.has_length_byte;
    specs[i].data = opt + s.data_off;
    specs[i].data_len = s.data_len;
  }
  return eno_build_syn_option(specs, parsed->count, out, cap, out_len);
}

}  // namespace tcpinc
