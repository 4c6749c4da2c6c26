/* Not a valid LFI program: it stores through an unchecked 64-bit pointer,
 * which could write anywhere in the host process. lfi-verify rejects it. */
    .text
    .globl _start
    .p2align 5
_start:
    movq %rdi, (%rax)
    ud2
