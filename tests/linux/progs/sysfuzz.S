/* System-call fuzzer: makes N (argv[1], default 100000) system calls with
 * pseudo-random numbers and arguments (seed argv[2]), then exits 0. Calls
 * that would end or block the program (exit, kill, rt_sigreturn, sleeps,
 * waits, futex, pipes) or destroy its own memory (munmap, mprotect, mremap, madvise) are
 * skipped; mmap never gets MAP_FIXED and at most 1 MiB; buffers point into
 * a 2 MiB scratch area or are random 64-bit values (outside the box).
 * It ends with exit status 77 (its fds 1 and 2 may be gone by then). */
    .text
    .globl _start
_start:
    movq %rsp, %rbp
    movl $100000, %r12d
    movabsq $0x9e3779b97f4a7c15, %rbx
    cmpq $2, (%rbp)
    jb 1f
    movq 16(%rbp), %rdi
    call lx_atoi
    movq %rax, %r12
    cmpq $3, (%rbp)
    jb 1f
    movq 24(%rbp), %rdi
    call lx_atoi
    xorq %rax, %rbx
1:
next:
    call rnd
    xorl %edx, %edx
    movl $450, %ecx
    divq %rcx                   /* rdx = number */
    leaq skip(%rip), %rax
4:  movzwl (%rax), %ecx
    cmpl $0xffff, %ecx
    je 5f
    addq $2, %rax
    cmpq %rcx, %rdx
    je next
    jmp 4b
5:
    movq %rdx, %r13
    leaq args(%rip), %r15
    xorl %ecx, %ecx
2:  pushq %rcx
    call genarg
    popq %rcx
    movq %rax, (%r15,%rcx,8)
    incl %ecx
    cmpl $6, %ecx
    jb 2b
    cmpq $9, %r13               /* mmap: no MAP_FIXED, at most 1 MiB */
    jne 3f
    andq $0xfffff, 8(%r15)
    andq $-17, 24(%r15)
3:  movq (%r15), %rdi
    movq 8(%r15), %rsi
    movq 16(%r15), %rdx
    movq 24(%r15), %r10
    movq 32(%r15), %r8
    movq 40(%r15), %r9
    movq %r13, %rax
    syscall
    decq %r12
    jnz next
    leaq done(%rip), %rdi
    call lx_puts
    movl $77, %edi
    call lx_exit

/* xorshift64* */
rnd:
    movq %rbx, %rax
    shrq $12, %rax
    xorq %rax, %rbx
    movq %rbx, %rax
    shlq $25, %rax
    xorq %rax, %rbx
    movq %rbx, %rax
    shrq $27, %rax
    xorq %rax, %rbx
    movabsq $0x2545f4914f6cdd1d, %rax
    imulq %rbx, %rax
    ret

/* one argument of a random kind */
genarg:
    call rnd
    movq %rax, %rsi
    shrq $61, %rsi              /* kind 0..7 */
    pushq %rsi
    call rnd
    popq %rsi
    cmpl $0, %esi
    je k_small
    cmpl $1, %esi
    je k_int
    cmpl $2, %esi
    je k_scratch
    cmpl $3, %esi
    je k_path
    cmpl $4, %esi
    je k_random
    cmpl $5, %esi
    je k_neg
    cmpl $6, %esi
    je k_size
    jmp k_zero
k_small:
    andl $15, %eax
    ret
k_int:
    andl $1023, %eax
    ret
k_scratch:
    andl $0xfff0, %eax
    leaq scratch(%rip), %rcx
    addq %rcx, %rax
    ret
k_path:
    andl $15, %eax
    leaq paths(%rip), %rcx
    movq (%rcx,%rax,8), %rax
    leaq pathbase(%rip), %rcx
    addq %rcx, %rax
    ret
k_random:
    ret
k_neg:
    testb $1, %al
    movq $-100, %rax
    jz 1f
    movq $-1, %rax
1:  ret
k_size:
    andl $0xff, %eax
    shll $12, %eax
    ret
k_zero:
    xorl %eax, %eax
    ret

    .section .rodata
    .p2align 3
paths:
    .quad p0 - pathbase, p1 - pathbase, p2 - pathbase, p3 - pathbase
    .quad p4 - pathbase, p5 - pathbase, p6 - pathbase, p7 - pathbase
    .quad p8 - pathbase, p9 - pathbase, p10 - pathbase, p11 - pathbase
    .quad p12 - pathbase, p13 - pathbase, p14 - pathbase, p15 - pathbase
pathbase:
p0:  .asciz "f"
p1:  .asciz "d"
p2:  .asciz "d/f"
p3:  .asciz "."
p4:  .asciz ".."
p5:  .asciz "../../etc/passwd"
p6:  .asciz "/"
p7:  .asciz "/etc/passwd"
p8:  .asciz "link"
p9:  .asciz ""
p10: .asciz "/w/g"
p11: .asciz "/w/d/../../../x"
p12: .asciz "d/link/f"
p13: .asciz "/proc/self/mem"
p14: .asciz "g"
p15: .asciz "/w"
done: .asciz "fuzz done\n"

/* never called: they end, block or unmap the program (see above) */
    .p2align 1
skip:
    .short 7, 23, 270, 271, 34, 35, 230, 130, 202, 56, 60, 231, 62, 200, 234
    .short 22, 293, 11, 10, 25, 28, 285, 15, 0xffff
    .section .data
    .p2align 3
args: .zero 48
    .bss
    .p2align 12
scratch: .zero 0x210000
#include "lib.S"
