/* Structured generator of LFI x86-64 code for fuzzing: turns a stream of
 * choice bytes (the fuzzer's input) into bundles built from valid LFI
 * fragments (segue accesses, guarded accesses, masked branches, %rsp
 * macros, string macros, runtime calls, ALU/SSE/x87/BMI instructions, direct
 * branches, nops), with hazards mixed in (reserved-register writes, stray
 * prefixes, flipped bits, random bytes, bundle-crossing instructions,
 * forbidden instructions), so that the verifier accepts a good share of the
 * inputs and the oracle has something to check. Internal to the tests. */
#ifndef LFI_TESTS_X64_GEN_H
#define LFI_TESTS_X64_GEN_H

#include <stddef.h>
#include <stdint.h>

#define X64_GEN_MAX 2048

/* Generate code from choices[0..n) into out (X64_GEN_MAX bytes); returns its
 * length. When the choices run out, the generator pads the current bundle
 * and stops. Deterministic. */
size_t x64_gen(const uint8_t *choices, size_t n, uint8_t *out);

#endif
