// SPDX-License-Identifier: GPL-2.0
/*
 * tcpinc_tcg_count.c - a QEMU TCG plugin for `make bench-vm BENCHES=conn-tcg`.
 *
 * Why: under TCG the wall clock does not follow the guest's instruction
 * count (a resumed connection is 2.5x plain TCP in instructions but 2.0-2.1x
 * on the wall clock, a full one 8.9x and 3.4-3.6x). TCG pays per translated
 * block (TB) entered as well as per instruction, and more for a control
 * transfer it cannot chain: returns, indirect jumps and direct jumps that
 * leave the block's guest page all go through a lookup. This plugin counts
 * those, per guest address region, so that a benchmark can say where a
 * connection's blocks run.
 *
 * Counters (per region: user, kernel text, module area): blocks executed,
 * instructions, memory accesses, returns, indirect calls/jumps, direct calls,
 * direct calls/jumps (rel32 forms only; short and conditional jumps seldom
 * leave a page) whose target is on another page than the block's start,
 * and steps of rep-prefixed string instructions (rep stos/movs: TCG runs
 * each step as one block of its own, a cheap one: about 2 ns against the
 * 10-15 ns of an average block here, so they are counted apart), and blocks
 * translated (after boot a connection should translate nothing: code that
 * TCG had to translate again would show here). A block's instructions count
 * when the block is entered, so a block left early by an exception or
 * interrupt counts in full: these are counts for comparing modes, not exact
 * ones (ICOUNT=1 gives exact instruction totals).
 *
 * Arguments: mark=PATH dump=PATH. A thread polls PATH mark every 10 ms;
 * when its content changes, it appends "mark CONTENT" and the counters to
 * dump. The guest writes the mark through the 9p share and waits for the
 * line (tools/tcpinc_bench.py --tcg-mark), so the counts between two marks
 * are those of what the guest ran between them. Blocks entered per start
 * address in the kernel half go to DUMP.blocks at each mark (below), for a
 * per-function breakdown. Single vCPU only.
 *
 * Built on the host by tests/vm/run.py when a scenario says
 * "# needs: tcg-count"; API declarations in qemu_plugin_api.h.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "qemu_plugin_api.h"

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

enum region { R_USER, R_KERNEL, R_MODULE, R_OTHER, NR_REGIONS };
static const char *const region_name[NR_REGIONS] = { "user", "kernel", "module", "other" };

enum counter { C_TBS, C_INSNS, C_MEM, C_RET, C_INDIRECT, C_DCALL, C_XPAGE, C_REP, C_TRANSLATED,
	       NR_COUNTERS };
static const char *const counter_name[NR_COUNTERS] = {
	"tbs", "insns", "mem", "ret", "indirect", "dcall", "xpage", "rep", "translated",
};

/* Written by the vCPU thread's generated code, read by the watcher. */
static uint64_t counts[NR_REGIONS][NR_COUNTERS];
static char mark_path[512], dump_path[512];

/*
 * Blocks entered per guest start address in the kernel half (kernel text
 * and module area), for a per-function breakdown: an open-addressing table
 * filled at translation time (a re-translated block finds its slot again),
 * each slot counted by the block's inline op. Dumped at every mark to
 * DUMP.blocks as "mark NAME" then "ADDR COUNT" lines (counts are totals).
 */
#define NR_SLOTS (1u << 20)
static struct slot {
	uint64_t va;
	uint64_t count;
} slots[NR_SLOTS];
static unsigned int used_slots;

static uint64_t *slot_counter(uint64_t va)
{
	unsigned int i = (unsigned int)((va * 0x9e3779b97f4a7c15ULL) >> 44) & (NR_SLOTS - 1);

	for (unsigned int n = 0; n < NR_SLOTS; n++, i = (i + 1) & (NR_SLOTS - 1)) {
		if (slots[i].va == va)
			return &slots[i].count;
		if (!slots[i].va) {
			if (used_slots >= NR_SLOTS / 2)
				return NULL;	/* full enough: stop breaking down */
			used_slots++;
			slots[i].va = va;
			return &slots[i].count;
		}
	}
	return NULL;
}

/* x86-64 with 4-level paging: user half, kernel text map, module area. */
static enum region region_of(uint64_t va)
{
	if (va < 0x0000800000000000ULL)
		return R_USER;
	if (va >= 0xffffffff80000000ULL && va < 0xffffffffc0000000ULL)
		return R_KERNEL;
	if (va >= 0xffffffffc0000000ULL && va < 0xffffffffff000000ULL)
		return R_MODULE;
	return R_OTHER;
}

static void count_on_exec(struct qemu_plugin_insn *insn, uint64_t *counter)
{
	qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, counter, 1);
}

/* Classifies one instruction by its opcode bytes (legacy prefixes and REX skipped). */
static void instrument_insn(struct qemu_plugin_insn *insn, uint64_t tb_page, uint64_t *c)
{
	const uint8_t *b = qemu_plugin_insn_data(insn);
	size_t size = qemu_plugin_insn_size(insn), k = 0;
	uint64_t va = qemu_plugin_insn_vaddr(insn);
	int rep = 0;

	qemu_plugin_register_vcpu_mem_inline(insn, QEMU_PLUGIN_MEM_RW, QEMU_PLUGIN_INLINE_ADD_U64,
					     &c[C_MEM], 1);
	while (k < size && (b[k] == 0x66 || b[k] == 0x67 || b[k] == 0xf0 || b[k] == 0xf2 ||
			    b[k] == 0xf3 || b[k] == 0x2e || b[k] == 0x3e || b[k] == 0x64 ||
			    b[k] == 0x65)) {
		rep |= b[k] == 0xf3 || b[k] == 0xf2;
		k++;
	}
	if (k < size && (b[k] & 0xf0) == 0x40)
		k++;
	if (k >= size)
		return;
	/* movs, cmps, stos, lods, scas: one execution per step */
	if (rep && ((b[k] >= 0xa4 && b[k] <= 0xa7) || (b[k] >= 0xaa && b[k] <= 0xaf)))
		count_on_exec(insn, &c[C_REP]);
	if (b[k] == 0xc3 || b[k] == 0xc2) {
		count_on_exec(insn, &c[C_RET]);
	} else if (b[k] == 0xff && k + 1 < size) {
		int reg = (b[k + 1] >> 3) & 7;

		if (reg == 2 || reg == 4)	/* call/jmp r/m */
			count_on_exec(insn, &c[C_INDIRECT]);
	} else if ((b[k] == 0xe8 || b[k] == 0xe9) && k + 5 <= size) {
		int32_t rel;

		memcpy(&rel, b + k + 1, sizeof(rel));
		if (((va + size + (int64_t)rel) >> 12) != tb_page)
			count_on_exec(insn, &c[C_XPAGE]);
		if (b[k] == 0xe8)
			count_on_exec(insn, &c[C_DCALL]);
	}
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	uint64_t va = qemu_plugin_tb_vaddr(tb);
	uint64_t *c = counts[region_of(va)];
	size_t n = qemu_plugin_tb_n_insns(tb);

	c[C_TRANSLATED]++;	/* translation runs on the vCPU thread too */
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &c[C_TBS], 1);
	if (region_of(va) == R_KERNEL || region_of(va) == R_MODULE) {
		uint64_t *per_va = slot_counter(va);

		if (per_va)
			qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, per_va, 1);
	}
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &c[C_INSNS], n);
	for (size_t i = 0; i < n; i++)
		instrument_insn(qemu_plugin_tb_get_insn(tb, i), va >> 12, c);
}

static void write_counts(FILE *f)
{
	for (int r = 0; r < NR_REGIONS; r++) {
		fprintf(f, "%s", region_name[r]);
		for (int c = 0; c < NR_COUNTERS; c++)
			fprintf(f, " %s=%llu", counter_name[c], (unsigned long long)counts[r][c]);
		fputc('\n', f);
	}
}

static void write_blocks(const char *mark)
{
	char path[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s.blocks", dump_path);
	f = fopen(path, "a");
	if (!f)
		return;
	fprintf(f, "mark %s\n", mark);
	for (unsigned int i = 0; i < NR_SLOTS; i++)
		if (slots[i].va && slots[i].count)
			fprintf(f, "%llx %llu\n", (unsigned long long)slots[i].va,
				(unsigned long long)slots[i].count);
	fclose(f);
}

static void *watch_marks(void *unused)
{
	char last[128] = "";

	for (;;) {
		char mark[128] = "";
		FILE *f;

		usleep(10000);
		f = fopen(mark_path, "r");
		if (!f)
			continue;
		if (!fgets(mark, sizeof(mark), f))
			mark[0] = '\0';
		fclose(f);
		mark[strcspn(mark, "\n")] = '\0';
		if (!mark[0] || !strcmp(mark, last))
			continue;
		strcpy(last, mark);
		f = fopen(dump_path, "a");
		if (!f)
			continue;
		/* The blocks first: the guest goes on once the dump shows the mark. */
		write_blocks(mark);
		fprintf(f, "mark %s\n", mark);
		write_counts(f);
		fclose(f);
	}
	return unused;
}

static void at_exit(qemu_plugin_id_t id, void *unused)
{
	FILE *f = fopen(dump_path, "a");

	if (f) {
		fprintf(f, "mark exit\n");
		write_counts(f);
		fclose(f);
	}
}

__attribute__((visibility("default")))
int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv)
{
	pthread_t t;

	for (int i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "mark=", 5))
			snprintf(mark_path, sizeof(mark_path), "%s", argv[i] + 5);
		else if (!strncmp(argv[i], "dump=", 5))
			snprintf(dump_path, sizeof(dump_path), "%s", argv[i] + 5);
	}
	if (!mark_path[0] || !dump_path[0] || !info->system_emulation || info->system.smp_vcpus != 1) {
		fprintf(stderr, "tcpinc_tcg_count: needs mark= and dump=, system emulation, one vCPU\n");
		return -1;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	if (pthread_create(&t, NULL, watch_marks, NULL))
		return -1;
	pthread_detach(t);
	return 0;
}
