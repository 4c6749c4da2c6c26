/* Hand-written assembly in the style of libc sources: numeric labels,
 * string instructions of every width, stack tricks, thread-pointer reads,
 * system calls, jump tables, ret $N, loop, xlat. Rewritten, assembled and
 * verified by run_corpus.py (it is not run). */
#define FUNC(name) .globl name; .type name,@function; name:
#define END(name) .size name, .-name

	.text
FUNC(my_memcpy)
	mov %rdi, %rax
	cmp $8, %rdx
	jc 1f
	test $7, %edi
	jz 1f
2:	movsb
	dec %rdx
	test $7, %edi
	jnz 2b
1:	mov %rdx, %rcx
	shr $3, %rcx
	rep
	movsq
	and $7, %edx
	jz 1f
2:	movsb
	dec %edx
	jnz 2b
1:	ret
END(my_memcpy)

FUNC(my_memset)
	movzbq %sil, %rax
	mov $0x101010101010101, %r8
	imul %r8, %rax
	mov %rdi, %r9
	mov %rdx, %rcx
	shr $3, %rcx
	rep; stosq
	mov %edx, %ecx
	and $7, %ecx
	rep stosb
	mov %r9, %rax
	ret
END(my_memset)

FUNC(strings_all_widths)
	stosw
	stosl
	movsw
	movsl
	lodsb
	lodsw
	lodsl
	lodsq
	scasb
	scasq
	repe cmpsb
	repne scasb
	cmpsw
	cmpsl
	cmpsq
	movsb (%rsi), %es:(%rdi)
	stos %al, %es:(%rdi)
	ret
END(strings_all_widths)

FUNC(my_strlen)
	mov %rdi, %rax
1:	cmpb $0, (%rax)
	je 2f
	inc %rax
	jmp 1b
2:	sub %rdi, %rax
	ret
END(my_strlen)

FUNC(syscall3)
	mov %rdi, %rax
	mov %rsi, %rdi
	mov %rdx, %rsi
	mov %rcx, %rdx
	syscall
	ret
END(syscall3)

FUNC(get_tp)
	mov %fs:0, %rax
	ret
END(get_tp)

FUNC(get_tp_rdx)
	movq %fs:0, %rdx
	movq %fs:8, %rcx
	movl %fs:16, %esi
	mov %fs:(%rdi), %r8
	movq %fs:8(%rdi,%rsi,8), %r9
	addq %fs:40, %rax
	movq %rax, %fs:24
	cmpq %fs:40, %rdx
	rdfsbase %r10
	ret
END(get_tp_rdx)

FUNC(tlsdesc_static)
	mov 8(%rax), %rax
	ret
END(tlsdesc_static)

FUNC(stack_games)
	push %rbp
	mov %rsp, %rbp
	sub $4096, %rsp
	and $-64, %rsp
	lea -128(%rsp), %rsp
	mov (%rdi), %rax
	sub %rax, %rsp
	add %rax, %rsp
	movq %rbp, %rsp
	pop %rbp
	enter $32, $0
	leave
	pushq 8(%rdi)
	popq 16(%rdi)
	push %rsp
	pop %rsp
	xchg %rax, %rsp
	xchg %rax, %rsp
	cmovne %rbx, %rsp
	ret $16
END(stack_games)

FUNC(dispatch)
	cmp $3, %rdi
	ja 9f
	lea table(%rip), %rax
	movslq (%rax,%rdi,4), %rdx
	add %rdx, %rax
	jmp *%rax
.Lcase0:
	mov $10, %eax
	ret
.Lcase1:
	mov $11, %eax
	ret
.Lcase2:
	call *%rsi
	call *(%rsi)
	call *8(%rsp)
	jmp *16(%rdi)
.Lcase3:
	lea .Lcase0(%rip), %rcx
	jmp *%rcx
9:	xor %eax, %eax
	ret
END(dispatch)

FUNC(misc)
	mov $100, %ecx
1:	dec %rax
	loop 1b
	jrcxz 2f
	lea tabx(%rip), %rbx
	xlat
	int $3
	int3
	ud2
2:	lock cmpxchg %rcx, (%rdi)
	lock xaddq %rax, 8(%rdi,%rsi,2)
	cmpxchg16b (%rsi)
	bt $5, (%rdi)
	bts $7, 4(%rdi)
	xchg (%rdi), %rax
	imul $24, -88(%rdi), %rax
	incq 16(%r12)
	fldt 8(%rsp)
	fstpt 16(%rdi)
	fnstcw (%rdi)
	fldcw 2(%rdi)
	stmxcsr (%rdi)
	ldmxcsr 4(%rdi)
	shufps $0x1b, (%rax), %xmm0
	pinsrd $1, (%rdi), %xmm1
	pextrd $2, %xmm1, 8(%rdi)
	movaps %xmm0, x@TPOFF(%rax)
	mov (,%rax,8), %rdx
	movl (%rdx,%rsi,4), %edx
	mov (%rax,%rdx), %dh
	prefetcht0 64(%rsi)
	cmpl $44, 352(%rsp,%rax,4)
	orl $1, 12+counter(%rip)
	movq %rdi, 0x10
	nopw 0x0(%rax,%rax,1)
	cpuid
	pause
	endbr64
	call my_memcpy
	call my_memset@PLT
	jmp my_strlen
END(misc)

	.section .rodata
	.p2align 2
table:
	.long .Lcase0-table
	.long .Lcase1-table
	.long .Lcase2-table
	.long .Lcase3-table
tabx:
	.byte 1, 2, 3
	.data
counter:
	.long 0
	.section .tbss,"awT",@nobits
x:	.zero 16
	.section .note.GNU-stack,"",@progbits
