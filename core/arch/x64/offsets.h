/* Offsets shared by the x86-64 assembly (entry.S) and the C code, which
 * checks them with static assertions (core/ctx.c). */
#ifndef LFI_X64_OFFSETS_H
#define LFI_X64_OFFSETS_H

/* struct LFIRegs (include/lfi_arch.h) */
#define REGS_HOST_SP 0
#define REGS_TP 16
#define REGS_RETADDR 24
#define REGS_RSP 40
#define REGS_RAX 48
#define REGS_RCX 56
#define REGS_RDX 64
#define REGS_RBX 72
#define REGS_RBP 80
#define REGS_RSI 88
#define REGS_RDI 96
#define REGS_R8 104
#define REGS_R9 112
#define REGS_R10 120
#define REGS_R11 128
#define REGS_R12 136
#define REGS_R13 144
#define REGS_R14 152
#define REGS_R15 160
#define REGS_FCW 168
#define REGS_MXCSR 172
#define REGS_XMM 192

/* struct LFIContext (core/internal.h): the registers come first. */
#define CTX_ABORT 448       /* host_sp of the frame a callback asked to abort, 0 = none */
#define CTX_BASE 464        /* box base B */
#define CTX_BOX 472         /* struct LFIBox * */
#define CTX_INVOKE_STUB 480 /* address of the box's invoke stub, 0 if none */
#define CTX_RET_POINT 488   /* return point of the invoke-return runtime call */
#define CTX_STATUS 496      /* int: how the last run/invoke ended */
#define CTX_INTERRUPT 500   /* int: a stop was requested (INT_*) */
#define CTX_TIMED 504       /* int: runs have a time bound */
#define CTX_TID 508         /* int: kernel thread id of the last entry */
#define CTX_ARMED 512       /* int: the context's timer is armed */
#define CTX_KEEP_GS 516     /* int: exits leave the %gs base at B (host_gs_unused) */
#define CTX_HOST_MXCSR 520  /* u32: copy of the host MXCSR last loaded (HOST_FPCTL) */
#define CTX_HOST_FCW 524    /* u32: same, x87 control word (zero-extended) */
#define CTX_SBX_MXCSR 528   /* u32: copy of the sandbox MXCSR last loaded (SANDBOX_FPCTL) */
#define CTX_SBX_FCW 532     /* u32: same, x87 control word (zero-extended) */

/* struct LFIBox (core/internal.h): the fields the assembly reads. */
#define BOX_CB_LO 0         /* first callback entry */
#define BOX_CB_SIZE 8       /* bytes of callback entries */
#define BOX_CB_FNS 16       /* void *fns[]: host function per entry */
#define BOX_CB_RET 24       /* callback return stub */
#define BOX_CB_KINDS 32     /* uint8_t kinds[]: CB_PLAIN or CB_STRUCT per entry */
#define BOX_RET_USER 40     /* return point of a stub given to lfi_box_register_ret, 0 if none */

#define CB_PLAIN 0
#define CB_STRUCT 1

/* struct lfi__tls (core/internal.h), an initial-exec thread-local. */
#define TLS_CTX 0           /* active context on this thread */
#define TLS_SCRATCH 8       /* sandbox %rax, saved by the gateway */
#define TLS_TID 16          /* int: this thread's kernel thread id */
#define TLS_READY 24        /* this thread is set up (signal stack) */
#define TLS_GS 40           /* the thread's %gs base (no FSGSBASE), if TLS_GS_KNOWN */
#define TLS_GS_KNOWN 48     /* nonzero: TLS_GS holds the %gs base */

/* The host frame that lfi__ctx_entry and lfi_trampoline push; a context's
 * regs.host_sp points at it while the context is active. */
#define FR_PREV_HOST_SP 0   /* host_sp before this entry (nesting) */
#define FR_PREV_CTX 8       /* active context before this entry */
#define FR_PREV_SBXSP 16    /* regs.rsp before this entry (invoke) */
#define FR_MXCSR 24         /* host MXCSR (4 bytes) */
#define FR_FCW 28           /* host x87 control word (2 bytes) */
#define FR_GS 32            /* host %gs base */
#define FR_KIND 40          /* FRAME_RUN or FRAME_INVOKE */
#define FR_CTX 48           /* the context */
#define FR_SAVED 56         /* 1 if FR_REGS holds the registers to put back */
#define FR_REGS 64          /* entry on an active context: its struct LFIRegs */
#define FR_SIZE 520         /* then r15, r14, r13, r12, rbp, rbx, return address */
#define REGS_SIZE 448

#define FRAME_RUN 1
#define FRAME_INVOKE 2

#endif
