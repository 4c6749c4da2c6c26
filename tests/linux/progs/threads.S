/* clone + futex: a second thread prints "child", sets a flag and exits;
 * CLONE_CHILD_CLEARTID clears the tid word and wakes the parent, which
 * waits on it with FUTEX_WAIT, then prints "joined" and exits 0. */
#define CLONE_FLAGS 0x3d0f00 /* VM|FS|FILES|SIGHAND|THREAD|SYSVSEM|PARENT_SETTID|CHILD_CLEARTID */
    .text
    .globl _start
_start:
    /* a stack for the child */
    xorl %edi, %edi
    movl $65536, %esi
    movl $3, %edx
    movl $0x22, %r10d
    movq $-1, %r8
    xorl %r9d, %r9d
    movl $9, %eax
    syscall
    cmpq $-4096, %rax
    ja fail
    leaq 65536(%rax), %rsi      /* stack top */
    movl $CLONE_FLAGS, %edi
    leaq ptid(%rip), %rdx
    leaq ctid(%rip), %r10
    xorl %r8d, %r8d
    movl $56, %eax
    syscall
    testq %rax, %rax
    js fail
    jz child
    movl %eax, %ebx             /* the child's tid */
    cmpl ptid(%rip), %ebx       /* PARENT_SETTID wrote it */
    jne fail
    /* wait until ctid is 0 */
1:  movl ctid(%rip), %edx
    testl %edx, %edx
    jz 2f
    leaq ctid(%rip), %rdi
    movl $0x80, %esi            /* FUTEX_WAIT_PRIVATE */
    xorl %r10d, %r10d
    movl $202, %eax
    syscall
    jmp 1b
2:  cmpl $1, flag(%rip)
    jne fail
    leaq s_joined(%rip), %rdi
    call lx_puts
    xorl %edi, %edi
    call lx_exit
child:
    movl $10, %ecx
3:  pushq %rcx                  /* uses the new stack */
    popq %rcx
    decl %ecx
    jnz 3b
    leaq s_child(%rip), %rdi
    call lx_puts
    movl $1, flag(%rip)
    xorl %edi, %edi
    movl $60, %eax              /* exit this thread only */
    syscall
    ud2
fail:
    movl $1, %edi
    call lx_exit
    .data
    .p2align 2
ptid: .long 0
ctid: .long -1
flag: .long 0
    .section .rodata
s_child: .asciz "child\n"
s_joined: .asciz "joined\n"
#include "lib.S"
