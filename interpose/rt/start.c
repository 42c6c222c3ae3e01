/* start.c: the freestanding interposer's entry point: applies its own
 * relocations (static-pie), makes RELRO read-only, sets the stack protector's
 * guard, and runs main(). */
#undef _FORTIFY_SOURCE	/* this is the C library the checks call (rt.h) */
#include <elf.h>
#include <stdint.h>
#include <sys/mman.h>

#include "rt.h"
#include "sys.h"

int main(int argc, char **argv, char **envp);

char **environ;

/* Provided by the linker: the ELF header as mapped, and the dynamic section. */
extern const Elf64_Ehdr __ehdr_start __attribute__((visibility("hidden")));
extern Elf64_Dyn _DYNAMIC[] __attribute__((visibility("hidden")));

#if defined(__x86_64__)
/* The x86_64 ABI keeps the guard at %fs:0x28, in the thread control block
 * (word 0 and word 2 point to the block itself, as glibc's TCB does). */
static uintptr_t tcb[8] __attribute__((aligned(64)));
#define ARCH_SET_FS 0x1002
__asm__(".text\n"
	".global _start\n"
	".type _start,@function\n"
	"_start:\n"
	"	xor %ebp, %ebp\n"
	"	mov %rsp, %rdi\n"
	"	and $-16, %rsp\n"
	"	call svrt_start\n"
	"	hlt\n");
#elif defined(__aarch64__)
/* aarch64 reads a global guard. */
uintptr_t __stack_chk_guard;
__asm__(".text\n"
	".global _start\n"
	".type _start,%function\n"
	"_start:\n"
	"	mov x29, #0\n"
	"	mov x30, #0\n"
	"	mov x0, sp\n"
	"	and sp, x0, #-16\n"
	"	bl svrt_start\n"
	"	brk #0\n");
#endif

_Noreturn void svrt_start(uintptr_t *sp) __attribute__((visibility("hidden")));

/* Before this runs, no pointer in the program's data is right: only code
 * and addresses taken relative to the program counter may be used. */
__attribute__((no_stack_protector)) static int relocate(uintptr_t base)
{
	const Elf64_Rela *rela = 0;
	size_t relasz = 0, relaent = sizeof(Elf64_Rela);

	for (const Elf64_Dyn *d = _DYNAMIC; d->d_tag != DT_NULL; d++) {
		switch (d->d_tag) {
		case DT_RELA:
			rela = (const Elf64_Rela *)(base + d->d_un.d_ptr);
			break;
		case DT_RELASZ:
			relasz = d->d_un.d_val;
			break;
		case DT_RELAENT:
			relaent = d->d_un.d_val;
			break;
		case DT_REL:
		case DT_RELR:
		case DT_TEXTREL:
		case DT_JMPREL:
		case DT_NEEDED:
			return -1;	/* a kind this loader does not apply */
		}
	}
	if (relaent != sizeof(Elf64_Rela))
		return -1;
	for (size_t i = 0; i < relasz / sizeof(Elf64_Rela); i++) {
#if defined(__x86_64__)
		if (ELF64_R_TYPE(rela[i].r_info) != R_X86_64_RELATIVE)
			return -1;
#else
		if (ELF64_R_TYPE(rela[i].r_info) != R_AARCH64_RELATIVE)
			return -1;
#endif
		*(uintptr_t *)(base + rela[i].r_offset) =
			base + (uintptr_t)rela[i].r_addend;
	}
	return 0;
}

/* As the dynamic loader would: the relocated read-only data becomes
 * read-only (-z relro); a failure is fatal, as it is to glibc. */
__attribute__((no_stack_protector)) static int protect_relro(uintptr_t base,
							     uintptr_t pagesz)
{
	const Elf64_Phdr *ph =
		(const Elf64_Phdr *)(base + __ehdr_start.e_phoff);

	for (unsigned i = 0; i < __ehdr_start.e_phnum; i++) {
		uintptr_t start, end;

		if (ph[i].p_type != PT_GNU_RELRO)
			continue;
		start = (base + ph[i].p_vaddr) & ~(pagesz - 1);
		end = (base + ph[i].p_vaddr + ph[i].p_memsz) & ~(pagesz - 1);
		if (end > start &&
		    svrt_sys(SYS_mprotect, start, end - start, PROT_READ) < 0)
			return -1;
	}
	return 0;
}

__attribute__((no_stack_protector, noinline)) static int
run_main(int argc, char **argv, char **envp)
{
	environ = envp;
	return main(argc, argv, envp);
}

__attribute__((no_stack_protector)) _Noreturn void svrt_start(uintptr_t *sp)
{
	uintptr_t base = (uintptr_t)&__ehdr_start, pagesz = 4096, guard = 0;
	int argc = (int)sp[0];
	char **argv = (char **)(sp + 1), **envp = argv + argc + 1;
	uintptr_t *auxv = (uintptr_t *)envp;

	while (*auxv)
		auxv++;
	for (auxv++; auxv[0] != AT_NULL; auxv += 2) {
		if (auxv[0] == AT_PAGESZ)
			pagesz = auxv[1];
		else if (auxv[0] == AT_RANDOM)
			/* 16 random bytes from the kernel; may be unaligned. */
			__builtin_memcpy(&guard, (const void *)auxv[1],
					 sizeof(guard));
	}
	if (relocate(base) < 0)
		svrt_die("unsupported relocation in the program");
	if (protect_relro(base, pagesz) < 0)
		svrt_die("cannot make RELRO read-only");
	/* The low byte zero, as glibc has it: a string copy cannot
	 * reproduce the guard. */
	guard &= ~(uintptr_t)0xff;
#if defined(__x86_64__)
	tcb[0] = tcb[2] = (uintptr_t)tcb;
	tcb[5] = guard;
	if (svrt_sys(SYS_arch_prctl, ARCH_SET_FS, tcb, 0) < 0)
		svrt_die("cannot set the thread pointer");
#else
	__stack_chk_guard = guard;
#endif
	svrt_exit(run_main(argc, argv, envp));
}
