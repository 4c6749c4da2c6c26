/* crypto_bench: the crypto workload of bench/ (mbedtls from Debian's
 * source package; scripts/build-program.sh mbedtls).
 *
 *   crypto_bench rsa N     RSA-2048: one key generation, then N PKCS#1 v1.5
 *                          SHA-256 signatures, each verified
 *   crypto_bench ecc N     N ECDSA P-256 signatures (RFC 6979), each
 *                          verified, and N X25519 key agreements
 *   crypto_bench sym MIB   SHA-256 and SHA-512 of MIB MiB, AES-256-GCM and
 *                          ChaCha20-Poly1305 encryption + authenticated
 *                          decryption of MIB MiB
 *
 * Deterministic: every random byte comes from a CTR-DRBG seeded with fixed
 * bytes, so a run prints the same digests on every machine and in every
 * variant (native, sandboxed, WebAssembly); the benchmark harness compares
 * them. Prints one line per result; exits 1 with a message on any error
 * (a failed verification or decryption included). Only stdio: no files,
 * no clock. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mbedtls/chachapoly.h"
#include "mbedtls/ctr_drbg.h"
#include "mbedtls/ecdh.h"
#include "mbedtls/ecdsa.h"
#include "mbedtls/gcm.h"
#include "mbedtls/rsa.h"
#include "mbedtls/sha256.h"
#include "mbedtls/sha512.h"

static void fail(const char *what, int ret)
{
    fprintf(stderr, "crypto_bench: %s failed (mbedtls error -0x%04x)\n", what,
            (unsigned)(ret < 0 ? -ret : ret));
    exit(1);
}

#define CHECK(what, call)                                                      \
    do {                                                                       \
        int ret_ = (call);                                                     \
        if (ret_ != 0)                                                         \
            fail(what, ret_);                                                  \
    } while (0)

/* Fixed "entropy": the DRBG's seed, so every run is the same. */
static int fixed_entropy(void *state, unsigned char *out, size_t len)
{
    unsigned *counter = state;
    for (size_t i = 0; i < len; i++)
        out[i] = (unsigned char)(0x5a ^ (*counter)++ * 131u);
    return 0;
}

static mbedtls_ctr_drbg_context drbg;
static unsigned entropy_counter;

static void drbg_setup(const char *personalization)
{
    mbedtls_ctr_drbg_init(&drbg);
    CHECK("ctr_drbg_seed",
          mbedtls_ctr_drbg_seed(&drbg, fixed_entropy, &entropy_counter,
                                (const unsigned char *)personalization,
                                strlen(personalization)));
}

/* A running SHA-256 over everything a workload produces. */
static mbedtls_sha256_context transcript;

static void transcript_add(const void *p, size_t n)
{
    CHECK("sha256_update", mbedtls_sha256_update_ret(&transcript, p, n));
}

static void print_hex(const char *label, const unsigned char *p, size_t n)
{
    printf("%s ", label);
    for (size_t i = 0; i < n; i++)
        printf("%02x", p[i]);
    putchar('\n');
}

static void transcript_print(const char *label)
{
    unsigned char d[32];
    CHECK("sha256_finish", mbedtls_sha256_finish_ret(&transcript, d));
    print_hex(label, d, sizeof d);
}

static void message_hash(unsigned i, unsigned char hash[32])
{
    char msg[64];
    int n = snprintf(msg, sizeof msg, "message number %u", i);
    CHECK("sha256", mbedtls_sha256_ret((const unsigned char *)msg, (size_t)n, hash, 0));
}

static void run_rsa(unsigned n)
{
    mbedtls_rsa_context rsa;
    unsigned char hash[32], sig[256];

    mbedtls_rsa_init(&rsa, MBEDTLS_RSA_PKCS_V15, 0);
    CHECK("rsa_gen_key", mbedtls_rsa_gen_key(&rsa, mbedtls_ctr_drbg_random, &drbg, 2048, 65537));
    for (unsigned i = 0; i < n; i++) {
        message_hash(i, hash);
        CHECK("rsa_pkcs1_sign",
              mbedtls_rsa_pkcs1_sign(&rsa, mbedtls_ctr_drbg_random, &drbg, MBEDTLS_RSA_PRIVATE,
                                     MBEDTLS_MD_SHA256, 32, hash, sig));
        CHECK("rsa_pkcs1_verify",
              mbedtls_rsa_pkcs1_verify(&rsa, NULL, NULL, MBEDTLS_RSA_PUBLIC, MBEDTLS_MD_SHA256,
                                       32, hash, sig));
        transcript_add(sig, sizeof sig);
    }
    mbedtls_rsa_free(&rsa);
    printf("rsa-2048: %u signatures made and verified\n", n);
    transcript_print("rsa-2048 signatures sha256");
}

static void run_ecc(unsigned n)
{
    mbedtls_ecdsa_context ecdsa;
    unsigned char hash[32], sig[MBEDTLS_ECDSA_MAX_LEN];
    size_t slen;

    mbedtls_ecdsa_init(&ecdsa);
    CHECK("ecdsa_genkey",
          mbedtls_ecdsa_genkey(&ecdsa, MBEDTLS_ECP_DP_SECP256R1, mbedtls_ctr_drbg_random, &drbg));
    for (unsigned i = 0; i < n; i++) {
        message_hash(i, hash);
        CHECK("ecdsa_write_signature",
              mbedtls_ecdsa_write_signature(&ecdsa, MBEDTLS_MD_SHA256, hash, 32, sig, &slen,
                                            mbedtls_ctr_drbg_random, &drbg));
        CHECK("ecdsa_read_signature", mbedtls_ecdsa_read_signature(&ecdsa, hash, 32, sig, slen));
        transcript_add(sig, slen);
    }
    mbedtls_ecdsa_free(&ecdsa);
    printf("ecdsa-p256: %u signatures made and verified\n", n);
    transcript_print("ecdsa-p256 signatures sha256");

    /* X25519: two parties agree on a key, n times. */
    CHECK("sha256_starts", mbedtls_sha256_starts_ret(&transcript, 0));
    mbedtls_ecp_group grp;
    mbedtls_mpi da, db, za, zb;
    mbedtls_ecp_point qa, qb;
    mbedtls_ecp_group_init(&grp);
    mbedtls_mpi_init(&da), mbedtls_mpi_init(&db), mbedtls_mpi_init(&za), mbedtls_mpi_init(&zb);
    mbedtls_ecp_point_init(&qa), mbedtls_ecp_point_init(&qb);
    CHECK("ecp_group_load", mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_CURVE25519));
    for (unsigned i = 0; i < n; i++) {
        unsigned char secret[32];
        CHECK("ecdh_gen_public a",
              mbedtls_ecdh_gen_public(&grp, &da, &qa, mbedtls_ctr_drbg_random, &drbg));
        CHECK("ecdh_gen_public b",
              mbedtls_ecdh_gen_public(&grp, &db, &qb, mbedtls_ctr_drbg_random, &drbg));
        CHECK("ecdh_compute_shared a",
              mbedtls_ecdh_compute_shared(&grp, &za, &qb, &da, mbedtls_ctr_drbg_random, &drbg));
        CHECK("ecdh_compute_shared b",
              mbedtls_ecdh_compute_shared(&grp, &zb, &qa, &db, mbedtls_ctr_drbg_random, &drbg));
        if (mbedtls_mpi_cmp_mpi(&za, &zb) != 0) {
            fprintf(stderr, "crypto_bench: x25519: the two parties disagree\n");
            exit(1);
        }
        CHECK("mpi_write_binary", mbedtls_mpi_write_binary(&za, secret, sizeof secret));
        transcript_add(secret, sizeof secret);
    }
    mbedtls_ecp_point_free(&qa), mbedtls_ecp_point_free(&qb);
    mbedtls_mpi_free(&da), mbedtls_mpi_free(&db), mbedtls_mpi_free(&za), mbedtls_mpi_free(&zb);
    mbedtls_ecp_group_free(&grp);
    printf("x25519: %u key agreements\n", n);
    transcript_print("x25519 shared secrets sha256");
}

enum { CHUNK = 1 << 20 };

static void run_sym(unsigned mib)
{
    unsigned char *data = malloc(CHUNK), *enc = malloc(CHUNK), *dec = malloc(CHUNK);
    unsigned char key[32], iv[12], tag[16], d256[32], d512[64];
    mbedtls_sha256_context s256;
    mbedtls_sha512_context s512;
    mbedtls_gcm_context gcm;
    mbedtls_chachapoly_context ccp;

    if (!data || !enc || !dec) {
        fprintf(stderr, "crypto_bench: out of memory\n");
        exit(1);
    }
    for (size_t off = 0; off < CHUNK; off += MBEDTLS_CTR_DRBG_MAX_REQUEST)
        CHECK("ctr_drbg_random",
              mbedtls_ctr_drbg_random(&drbg, data + off, MBEDTLS_CTR_DRBG_MAX_REQUEST));
    CHECK("ctr_drbg_random", mbedtls_ctr_drbg_random(&drbg, key, sizeof key));

    mbedtls_sha256_init(&s256);
    mbedtls_sha512_init(&s512);
    CHECK("sha256_starts", mbedtls_sha256_starts_ret(&s256, 0));
    CHECK("sha512_starts", mbedtls_sha512_starts_ret(&s512, 0));
    mbedtls_gcm_init(&gcm);
    CHECK("gcm_setkey", mbedtls_gcm_setkey(&gcm, MBEDTLS_CIPHER_ID_AES, key, 256));
    mbedtls_chachapoly_init(&ccp);
    CHECK("chachapoly_setkey", mbedtls_chachapoly_setkey(&ccp, key));

    for (unsigned i = 0; i < mib; i++) {
        data[i % CHUNK] ^= (unsigned char)i; /* every MiB differs */
        CHECK("sha256_update", mbedtls_sha256_update_ret(&s256, data, CHUNK));
        CHECK("sha512_update", mbedtls_sha512_update_ret(&s512, data, CHUNK));

        memset(iv, 0, sizeof iv);
        memcpy(iv, &i, sizeof i);
        CHECK("gcm_crypt_and_tag",
              mbedtls_gcm_crypt_and_tag(&gcm, MBEDTLS_GCM_ENCRYPT, CHUNK, iv, sizeof iv, NULL, 0,
                                        data, enc, sizeof tag, tag));
        transcript_add(tag, sizeof tag);
        CHECK("gcm_auth_decrypt",
              mbedtls_gcm_auth_decrypt(&gcm, CHUNK, iv, sizeof iv, NULL, 0, tag, sizeof tag, enc,
                                       dec));
        if (memcmp(dec, data, CHUNK) != 0) {
            fprintf(stderr, "crypto_bench: aes-256-gcm: decryption differs\n");
            exit(1);
        }

        CHECK("chachapoly_encrypt_and_tag",
              mbedtls_chachapoly_encrypt_and_tag(&ccp, CHUNK, iv, NULL, 0, data, enc, tag));
        transcript_add(tag, sizeof tag);
        CHECK("chachapoly_auth_decrypt",
              mbedtls_chachapoly_auth_decrypt(&ccp, CHUNK, iv, NULL, 0, tag, enc, dec));
        if (memcmp(dec, data, CHUNK) != 0) {
            fprintf(stderr, "crypto_bench: chacha20-poly1305: decryption differs\n");
            exit(1);
        }
    }
    CHECK("sha256_finish", mbedtls_sha256_finish_ret(&s256, d256));
    CHECK("sha512_finish", mbedtls_sha512_finish_ret(&s512, d512));
    printf("hashed, encrypted and decrypted %u MiB\n", mib);
    print_hex("sha256", d256, sizeof d256);
    print_hex("sha512", d512, sizeof d512);
    transcript_print("aes-256-gcm and chacha20-poly1305 tags sha256");

    mbedtls_chachapoly_free(&ccp);
    mbedtls_gcm_free(&gcm);
    mbedtls_sha512_free(&s512);
    mbedtls_sha256_free(&s256);
    free(dec), free(enc), free(data);
}

static unsigned parse_count(const char *s)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v == 0 || v > 1000000) {
        fprintf(stderr, "crypto_bench: bad count '%s' (1..1000000)\n", s);
        exit(2);
    }
    return (unsigned)v;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: crypto_bench rsa|ecc|sym COUNT\n");
        return 2;
    }
    unsigned n = parse_count(argv[2]);
    drbg_setup(argv[1]);
    mbedtls_sha256_init(&transcript);
    CHECK("sha256_starts", mbedtls_sha256_starts_ret(&transcript, 0));
    if (strcmp(argv[1], "rsa") == 0)
        run_rsa(n);
    else if (strcmp(argv[1], "ecc") == 0)
        run_ecc(n);
    else if (strcmp(argv[1], "sym") == 0)
        run_sym(n);
    else {
        fprintf(stderr, "crypto_bench: unknown workload '%s' (rsa, ecc or sym)\n", argv[1]);
        return 2;
    }
    mbedtls_sha256_free(&transcript);
    mbedtls_ctr_drbg_free(&drbg);
    return fflush(stdout) == 0 ? 0 : 1;
}
