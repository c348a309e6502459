// SPDX-License-Identifier: GPL-2.0
#include <linux/module.h>
#include "tcpinc/core_api.h"
static int __init tcpinc_init(void) { return tcpinc_core_abi_version() == TCPINC_CORE_ABI_VERSION ? 0 : -EINVAL; }
static void __exit tcpinc_exit(void) { }
module_init(tcpinc_init);
module_exit(tcpinc_exit);
MODULE_LICENSE("GPL");
