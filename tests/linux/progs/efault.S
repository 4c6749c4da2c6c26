/* Pointer arguments outside the box get EFAULT. Exits 0 if every call
 * returned -EFAULT (-14), else the number of the failing check. */
    .text
    .globl _start
_start:
    /* 1: write from an address outside the box */
    movl $1, %edi
    movabsq $0x1000, %rsi
    movl $5, %edx
    movl $1, %eax
    syscall
    movl $1, %r12d
    cmpq $-14, %rax
    jne bad
    /* 2: read into a high host address */
    xorl %edi, %edi
    movabsq $0x7ffff0000000, %rsi
    movl $5, %edx
    xorl %eax, %eax
    syscall
    movl $2, %r12d
    cmpq $-14, %rax
    jne bad
    /* 3: open with a path pointer outside the box */
    movl $-100, %edi
    movabsq $0x10, %rsi
    xorl %edx, %edx
    movl $257, %eax
    syscall
    movl $3, %r12d
    cmpq $-14, %rax
    jne bad
    /* 4: clock_gettime into the runtime-call table page below the box */
    xorl %edi, %edi
    leaq _start(%rip), %rsi     /* the box base: 4 GiB-aligned */
    shrq $32, %rsi
    shlq $32, %rsi
    subq $4096, %rsi
    movl $228, %eax
    syscall
    movl $4, %r12d
    cmpq $-14, %rax
    jne bad
    /* 5: write from unmapped memory inside the box (3 GiB up) */
    movl $1, %edi
    leaq _start(%rip), %rsi
    shrq $32, %rsi
    shlq $32, %rsi
    movl $0xc0000000, %eax
    addq %rax, %rsi
    movl $16, %edx
    movl $1, %eax
    syscall
    movl $5, %r12d
    cmpq $-14, %rax
    jne bad
    /* 6: uname into read-only memory (the program's own code) */
    leaq _start(%rip), %rdi
    movl $63, %eax
    syscall
    movl $6, %r12d
    cmpq $-14, %rax
    jne bad
    /* 7: pipe2 result into a host address */
    movabsq $0x7fff00000000, %rdi
    xorl %esi, %esi
    movl $293, %eax
    syscall
    movl $7, %r12d
    cmpq $-14, %rax
    jne bad
    xorl %edi, %edi
    call lx_exit
bad:
    movl %r12d, %edi
    call lx_exit
    .bss
buf: .zero 64
#include "lib.S"
