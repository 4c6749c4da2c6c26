/* fsops OP PATH [PATH2]: one file-system operation, exit errno or 0.
 * OP: m mkdir, u unlink, r rmdir, n rename PATH PATH2, s stat, l readlink
 * (prints the link), a access W_OK, c chdir + getcwd (prints the cwd),
 * t truncate to 3, y symlink: PATH2 becomes a link to PATH */
    .text
    .globl _start
_start:
    movq %rsp, %rbp
    movq 16(%rbp), %rax
    movzbl (%rax), %eax
    movq 24(%rbp), %rdi
    movq 32(%rbp), %rsi
    cmpl $'m', %eax
    je op_mkdir
    cmpl $'u', %eax
    je op_unlink
    cmpl $'r', %eax
    je op_rmdir
    cmpl $'n', %eax
    je op_rename
    cmpl $'s', %eax
    je op_stat
    cmpl $'l', %eax
    je op_readlink
    cmpl $'a', %eax
    je op_access
    cmpl $'c', %eax
    je op_chdir
    cmpl $'t', %eax
    je op_truncate
    cmpl $'y', %eax
    je op_symlink
    movl $100, %edi
    call lx_exit
op_mkdir:
    movl $0755, %esi
    movl $83, %eax
    jmp done
op_unlink:
    movl $87, %eax
    jmp done
op_rmdir:
    movl $84, %eax
    jmp done
op_rename:
    movl $82, %eax
    jmp done
op_stat:
    leaq buf(%rip), %rsi
    movl $4, %eax
    jmp done
op_access:
    movl $2, %esi
    movl $21, %eax
    jmp done
op_truncate:
    movl $3, %esi
    movl $76, %eax
    jmp done
op_symlink:
    movl $88, %eax
    jmp done
op_readlink:
    leaq buf(%rip), %rsi
    movl $4000, %edx
    movl $89, %eax
    syscall
    testq %rax, %rax
    js fail
    leaq buf(%rip), %rdi
    movb $0, (%rdi,%rax)
    call lx_puts
    xorl %edi, %edi
    call lx_exit
op_chdir:
    movl $80, %eax
    syscall
    testq %rax, %rax
    js fail
    leaq buf(%rip), %rdi
    movl $4096, %esi
    movl $79, %eax
    syscall
    testq %rax, %rax
    js fail
    leaq buf(%rip), %rdi
    call lx_puts
    xorl %edi, %edi
    call lx_exit
done:
    syscall
    testq %rax, %rax
    js fail
    xorl %edi, %edi
    call lx_exit
fail:
    negq %rax
    movl %eax, %edi
    call lx_exit
    .bss
buf: .zero 4096
#include "lib.S"
