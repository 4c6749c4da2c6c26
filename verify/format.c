/* Disassembly of rejected instructions, for error messages only: the
 * verifier's decisions never depend on it. */
#include <stdio.h>
#include <string.h>

#include "verify_internal.h"

#ifdef LFIV_HAVE_ZYDIS
#include <Zydis/Zydis.h>

size_t lfiv_disasm(enum lfiv_arch arch, const uint8_t *p, size_t n, uint64_t addr,
                   char *buf, size_t bufsz)
{
    ZydisDisassembledInstruction ins;
    if (arch == LFIV_ARCH_X64 &&
        ZYAN_SUCCESS(ZydisDisassembleATT(ZYDIS_MACHINE_MODE_LONG_64, addr, p, n, &ins))) {
        snprintf(buf, bufsz, "%s", ins.text);
        return ins.info.length;
    }
    snprintf(buf, bufsz, "(bad)");
    return 0;
}
#else
/* Without Zydis: the build found none, or the copy of liblfiv that the
 * static lfi-run links (Debian ships Zydis as a shared library only). */
size_t lfiv_disasm(enum lfiv_arch arch, const uint8_t *p, size_t n, uint64_t addr,
                   char *buf, size_t bufsz)
{
    (void)arch; (void)p; (void)n; (void)addr;
    snprintf(buf, bufsz, "(no disassembler linked)");
    return 0;
}
#endif
