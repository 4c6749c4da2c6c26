/* Configure-time probe: can clang build a libFuzzer target that uses Zydis? */
#include <stddef.h>
#include <stdint.h>

#include <Zydis/Zydis.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ZydisDecoder d;
    ZydisDecodedInstruction in;
    ZydisDecoderInit(&d, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
    return ZYAN_SUCCESS(ZydisDecoderDecodeInstruction(&d, NULL, data, size, &in)) ? 0 : 0;
}
