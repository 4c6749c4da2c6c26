/* Imports a preview1 function the glue does not implement (proc_raise):
 * build.sh must generate an ENOSYS (52) stub instead of failing to link. */
#include <stdint.h>
#include <stdio.h>
__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise"))) int32_t
raw_proc_raise(int32_t sig);
int main(void) {
  printf("proc_raise -> %d\n", (int)raw_proc_raise(15));
  return 0;
}
