/* Imports a function from a module other than wasi_snapshot_preview1:
 * build.sh must refuse it. */
__attribute__((import_module("env"), import_name("host_thing"))) int host_thing(int);
int main(void) { return host_thing(1); }
