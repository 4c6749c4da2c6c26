/* Helpers shared by the test programs (hand-written x86-64 assembly, raw
 * system calls; put through lfi-rewrite). Included at the end of each.
 *   lx_strlen(rdi) -> rax          lx_puts(rdi)   write string to fd 1
 *   lx_putnum(rdi) decimal to fd 1 lx_putc(dil)   one byte to fd 1
 *   lx_exit(edi)   exit_group      lx_streq(rdi, rsi) -> rax 1 if equal
 *   lx_atoi(rdi) -> rax            lx_fail(rdi msg, esi code): print, exit */
    .text
lx_strlen:
    xorl %eax, %eax
1:  cmpb $0, (%rdi,%rax)
    je 2f
    incq %rax
    jmp 1b
2:  ret

lx_puts:
    pushq %rdi
    call lx_strlen
    popq %rsi
    movq %rax, %rdx
    movl $1, %edi
    movl $1, %eax
    syscall
    ret

lx_putc:
    subq $16, %rsp
    movb %dil, (%rsp)
    movq %rsp, %rsi
    movl $1, %edx
    movl $1, %edi
    movl $1, %eax
    syscall
    addq $16, %rsp
    ret

lx_putnum:
    subq $40, %rsp
    leaq 32(%rsp), %rsi
    movb $0, (%rsi)
    movq %rdi, %rax
    movl $10, %ecx
1:  xorl %edx, %edx
    divq %rcx
    addb $'0', %dl
    decq %rsi
    movb %dl, (%rsi)
    testq %rax, %rax
    jnz 1b
    movq %rsi, %rdi
    call lx_puts
    addq $40, %rsp
    ret

lx_streq:
1:  movb (%rdi), %al
    cmpb (%rsi), %al
    jne 2f
    testb %al, %al
    je 3f
    incq %rdi
    incq %rsi
    jmp 1b
2:  xorl %eax, %eax
    ret
3:  movl $1, %eax
    ret

lx_atoi:
    xorl %eax, %eax
1:  movzbl (%rdi), %ecx
    subl $'0', %ecx
    cmpl $9, %ecx
    ja 2f
    imulq $10, %rax
    addq %rcx, %rax
    incq %rdi
    jmp 1b
2:  ret

lx_exit:
    movl $231, %eax
    syscall
    ud2

lx_fail:
    pushq %rsi
    call lx_puts
    popq %rdi
    jmp lx_exit
