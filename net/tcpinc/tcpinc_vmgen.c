// SPDX-License-Identifier: GPL-2.0
/*
 * tcpinc_vmgen.c - the VM generation: a counter the vmfork notifier
 * (tcpinc_notify.c) bumps, and the hypervisor's VM generation ID (ACPI
 * vmgenid), read before sealing so that a restored or cloned copy of this
 * VM stops using its keys even before that notifier has run.
 * Documentation/resumption.md has the threat model.
 */
#include <linux/acpi.h>
#include <linux/io.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "tcpinc_vmgen.h"

atomic_t tcpinc_vm_generation = ATOMIC_INIT(0);

/*
 * The VM generation ID itself, 16 bytes of guest memory that the
 * hypervisor rewrites before a restored or cloned copy runs (the vmgenid
 * ACPI device's ADDR). The vmfork notifier only runs once the guest has
 * handled the device's ACPI notification, a few milliseconds later under
 * QEMU; a session sealing a frame in between would use the keys and
 * nonces the other copy uses (vmgenid-live caught one such frame and its
 * echo). Reading the ID before sealing closes that window.
 * tcpinc_vmgenid: mapped at load, or NULL; tcpinc_vmgenid_known: written
 * by tcpinc_vmgenid_attach() and tcpinc_vmgen_next() (a torn read there
 * can only say "copied" during a real change).
 */
#define TCPINC_VMGENID_LEN	16
static void *tcpinc_vmgenid;
static u8 tcpinc_vmgenid_known[TCPINC_VMGENID_LEN];

bool tcpinc_vm_copied(void)
{
	const void *id = READ_ONCE(tcpinc_vmgenid);
	u8 now[TCPINC_VMGENID_LEN];

	if (!id)
		return false;
	memcpy(now, id, sizeof(now));
	return memcmp(now, tcpinc_vmgenid_known, sizeof(now)) != 0;
}

/*
 * tcpinc_vmgenid_attach - watch the 16 bytes at id (NULL: none) as the VM
 * generation ID, taking their value now as this generation's. At load,
 * with the ACPI mapping; KUnit passes a buffer of its own and rewrites it
 * the way a restore does. Not concurrent with sessions sealing: the
 * pointer is set once before use and cleared at unload.
 */
/* The ID at id (NULL: none) as it reads now becomes this generation's. */
static void tcpinc_vmgenid_known_from(const void *id)
{
	if (id)
		memcpy(tcpinc_vmgenid_known, id, TCPINC_VMGENID_LEN);
	else
		memset(tcpinc_vmgenid_known, 0, TCPINC_VMGENID_LEN);
}

void tcpinc_vmgenid_attach(void *id)
{
	tcpinc_vmgenid_known_from(id);
	WRITE_ONCE(tcpinc_vmgenid, id);
}

#ifdef CONFIG_ACPI
/* The QEMU device's _HID and the ids Linux's vmgenid driver binds to. */
static const char *const tcpinc_vmgenid_hids[] = { "VMGENCTR", "VM_GEN_COUNTER", "QEMUVGID" };

void tcpinc_vmgen_map(void)
{
	struct acpi_buffer buf = { ACPI_ALLOCATE_BUFFER, NULL };
	struct acpi_device *adev = NULL;
	union acpi_object *pkg;
	unsigned int i;
	void *id;
	u64 phys;

	for (i = 0; i < ARRAY_SIZE(tcpinc_vmgenid_hids) && !adev; i++)
		adev = acpi_dev_get_first_match_dev(tcpinc_vmgenid_hids[i], NULL, -1);
	if (!adev)
		return;
	if (ACPI_FAILURE(acpi_evaluate_object(adev->handle, "ADDR", NULL, &buf)))
		goto out;
	pkg = buf.pointer;
	/* ADDR: a package of two integers, the low and high 32 bits. */
	if (!pkg || pkg->type != ACPI_TYPE_PACKAGE || pkg->package.count != 2 ||
	    pkg->package.elements[0].type != ACPI_TYPE_INTEGER ||
	    pkg->package.elements[1].type != ACPI_TYPE_INTEGER)
		goto out;
	phys = (pkg->package.elements[0].integer.value & 0xffffffffULL) |
	       (pkg->package.elements[1].integer.value << 32);
	id = memremap(phys, TCPINC_VMGENID_LEN, MEMREMAP_WB);
	if (id) {
		tcpinc_vmgenid_attach(id);
		pr_info("tcpinc: VM generation ID found (ACPI vmgenid): sessions check it before they seal or open\n");
	}
out:
	kfree(buf.pointer);
	acpi_dev_put(adev);
}
#else
void tcpinc_vmgen_map(void)
{
}
#endif

void tcpinc_vmgen_unmap(void)
{
	void *id = tcpinc_vmgenid;

	tcpinc_vmgenid_attach(NULL);
	if (id)
		memunmap(id);
}

void tcpinc_vmgen_next(void)
{
	/* First, so that no session seals another frame under old keys. */
	atomic_inc(&tcpinc_vm_generation);
	/* This generation's ID: sessions created from now on may seal. */
	tcpinc_vmgenid_known_from(tcpinc_vmgenid);
}
