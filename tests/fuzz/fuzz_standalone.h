/* Shared by the fuzz targets' deterministic drivers (LFI_FUZZ_STANDALONE):
 * a splitmix64 generator, so runs without libFuzzer are reproducible. */
#ifndef LFI_FUZZ_STANDALONE_H
#define LFI_FUZZ_STANDALONE_H

#include <stdint.h>

static uint64_t rng;

static uint64_t next(void)
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

#endif
