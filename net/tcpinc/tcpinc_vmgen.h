/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpinc_vmgen.h - the VM generation (tcpinc_vmgen.c): whether the keys of
 * a session may also live in another copy of this VM.
 */
#ifndef TCPINC_VMGEN_H
#define TCPINC_VMGEN_H

#include <linux/atomic.h>
#include <linux/types.h>

/*
 * The VM generation: bumped by the vmfork notifier before anything else,
 * so that a session created under an older generation can tell its keys
 * may be live in another copy of this VM.
 */
extern atomic_t tcpinc_vm_generation;

/*
 * tcpinc_vm_copied - the hypervisor's VM generation ID no longer matches
 * the one the vmfork notifier last saw: this is a restored or cloned copy
 * whose notifier has not run yet. Any context; false without a vmgenid
 * device.
 */
bool tcpinc_vm_copied(void);
void tcpinc_vmgenid_attach(void *id);

/* Maps the ACPI vmgenid device's ID at load, if there is one; unmaps it. */
void tcpinc_vmgen_map(void);
void tcpinc_vmgen_unmap(void);

/*
 * tcpinc_vmgen_next - the vmfork notifier saw a new generation: bump
 * tcpinc_vm_generation and take the ID as it reads now as this one's.
 */
void tcpinc_vmgen_next(void);

/*
 * What the application of a tcpcrypt connection aborted by a VM generation
 * change sees (Documentation/socket-api.md): its keys were revoked.
 */
#define TCPINC_ERR_VMFORK	EKEYREVOKED

#endif /* TCPINC_VMGEN_H */
