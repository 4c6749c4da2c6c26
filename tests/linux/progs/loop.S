/* Runs forever without a system call. */
    .text
    .globl _start
_start:
1:  incq %rax
    jmp 1b
