/* User configuration of mbedtls for the crypto workload of bench/
 * (MBEDTLS_USER_CONFIG_FILE: read at the end of mbedtls/config.h).
 * The same configuration is used for every variant (glibc, musl, lfi,
 * WebAssembly), so every variant computes with the same code:
 *  - no AES-NI or VIA PadLock: WebAssembly has no such instructions, and
 *    the workload measures the sandbox, not which CPU extensions a build
 *    may use (the portable bignum assembly of bn_mul.h stays on where the
 *    target has it: x86-64 native and LFI; WebAssembly uses the C code);
 *  - no sockets, no timing module: the driver needs neither, and WASI
 *    has neither;
 *  - no platform entropy: the driver seeds its DRBG with fixed bytes, so
 *    every run computes exactly the same values. */
#undef MBEDTLS_AESNI_C
#undef MBEDTLS_PADLOCK_C
#undef MBEDTLS_NET_C
#undef MBEDTLS_TIMING_C
#define MBEDTLS_NO_PLATFORM_ENTROPY
