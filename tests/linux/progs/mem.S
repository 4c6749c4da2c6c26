/* mmap/munmap/mprotect/brk: exits 0 if all behave, else the check number.
 * Prints "mem ok" at the end. */
    .text
    .globl _start
_start:
    /* 1: mmap 64 KiB RW anonymous, write and read back */
    xorl %edi, %edi
    movl $65536, %esi
    movl $3, %edx
    movl $0x22, %r10d           /* MAP_PRIVATE|MAP_ANONYMOUS */
    movq $-1, %r8
    xorl %r9d, %r9d
    movl $9, %eax
    syscall
    movl $1, %r12d
    cmpq $-4096, %rax
    ja bad
    movq %rax, %rbx
    movq $0x1234567, 65528(%rbx)
    cmpq $0x1234567, 65528(%rbx)
    jne bad
    cmpq $0, (%rbx)             /* fresh memory is zero */
    jne bad
    /* 2: mprotect read-only, then munmap */
    movq %rbx, %rdi
    movl $65536, %esi
    movl $1, %edx
    movl $10, %eax
    syscall
    movl $2, %r12d
    testq %rax, %rax
    jnz bad
    cmpq $0x1234567, 65528(%rbx)
    jne bad
    movq %rbx, %rdi
    movl $65536, %esi
    movl $11, %eax
    syscall
    testq %rax, %rax
    jnz bad
    /* 3: writable + executable is refused */
    xorl %edi, %edi
    movl $4096, %esi
    movl $7, %edx
    movl $0x22, %r10d
    movq $-1, %r8
    xorl %r9d, %r9d
    movl $9, %eax
    syscall
    movl $3, %r12d
    cmpq $-13, %rax             /* EACCES */
    jne bad
    /* 4: executable zero pages fail verification */
    xorl %edi, %edi
    movl $4096, %esi
    movl $5, %edx
    movl $0x22, %r10d
    movq $-1, %r8
    xorl %r9d, %r9d
    movl $9, %eax
    syscall
    movl $4, %r12d
    cmpq $-13, %rax
    jne bad
    /* 5: brk grows by 100000 bytes, memory usable, shrinks back */
    xorl %edi, %edi
    movl $12, %eax
    syscall
    movq %rax, %r13             /* the current break */
    leaq 100000(%r13), %rdi
    movl $12, %eax
    syscall
    movl $5, %r12d
    leaq 100000(%r13), %rcx
    cmpq %rcx, %rax
    jne bad
    movq $77, 99992(%r13)
    cmpq $77, 99992(%r13)
    jne bad
    movq %r13, %rdi
    movl $12, %eax
    syscall
    cmpq %r13, %rax
    jne bad
    /* 6: munmap of a misaligned address is EINVAL */
    leaq 1(%r13), %rdi
    movl $4096, %esi
    movl $11, %eax
    syscall
    movl $6, %r12d
    cmpq $-22, %rax
    jne bad
    /* 7: mprotect of a range outside the box is ENOMEM */
    movabsq $0x1000, %rdi
    movl $4096, %esi
    movl $1, %edx
    movl $10, %eax
    syscall
    movl $7, %r12d
    cmpq $-12, %rax
    jne bad
    leaq ok(%rip), %rdi
    call lx_puts
    xorl %edi, %edi
    call lx_exit
bad:
    movl %r12d, %edi
    call lx_exit
    .section .rodata
ok: .asciz "mem ok\n"
#include "lib.S"
