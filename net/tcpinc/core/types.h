// SPDX-License-Identifier: GPL-2.0
// types.h - fixed-width integer names for the freestanding core.
//
// The core includes no kernel header and no C++ standard library header, so
// it cannot use <linux/types.h> or <cstdint>. The compiler's predefined
// __UINTn_TYPE__ macros give the same types in the kernel build (gcc-12 with
// -nostdinc) and in the userspace test build.
#ifndef TCPINC_CORE_TYPES_H
#define TCPINC_CORE_TYPES_H

namespace tcpinc {

using u8 = __UINT8_TYPE__;
using u16 = __UINT16_TYPE__;
using u32 = __UINT32_TYPE__;
using u64 = __UINT64_TYPE__;
using i32 = __INT32_TYPE__;
using i64 = __INT64_TYPE__;
using usize = __SIZE_TYPE__;

}  // namespace tcpinc

#endif  // TCPINC_CORE_TYPES_H
