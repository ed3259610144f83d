/*
 * The per-packet work of SRTP in C with OpenSSL's libcrypto, as the yardstick for Sluice's Java
 * SRTP (bench/src/main/java/io/sluice/bench/srtp). Same packet as the JMH benchmark: a 12-byte RTP
 * header and a 1200-byte payload. For each profile it times
 *   protect:    IV formation, encrypt the payload in place, append the tag;
 *   round trip: protect, then verify the tag and decrypt in place (what a receiver does).
 * Contexts are created once and re-initialised per packet with only a new IV (EVP_EncryptInit_ex
 * with NULL cipher and key keeps the key schedule; EVP_MAC_init with a NULL key keeps the HMAC
 * pads), as libsrtp does. Prints one line per profile: ns per packet, wall and thread CPU time.
 *
 * Build: gcc -O2 -o srtp_openssl srtp_openssl.c -lcrypto
 */
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HEADER 12
#define PAYLOAD 1200
#define WARM_UP 20000
#define PACKETS 200000
#define ROUNDS 5

static void die(const char *what) {
    fprintf(stderr, "srtp_openssl: %s failed\n", what);
    exit(1);
}

static double clock_ns(clockid_t clock) {
    struct timespec ts;
    clock_gettime(clock, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Best round of each clock: wall time compares with JMH; thread CPU time is steadier when the
   machine is shared, since time spent waiting for a core is not counted. */
typedef struct {
    double wall;
    double cpu;
} timing;

/* ---- AES_CM_128_HMAC_SHA1_80 / _32 (RFC 3711 §4.1.1, §4.2) ---- */

typedef struct {
    EVP_CIPHER_CTX *ctr;
    EVP_MAC_CTX *hmac;
    uint8_t salt[14];
    size_t tag_length;
} cm_context;

static void cm_init(cm_context *c, size_t tag_length) {
    static const uint8_t key[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    static uint8_t auth_key[20] = {7};
    memset(c->salt, 0xa5, sizeof c->salt);
    c->tag_length = tag_length;
    c->ctr = EVP_CIPHER_CTX_new();
    if (!c->ctr || !EVP_EncryptInit_ex(c->ctr, EVP_aes_128_ctr(), NULL, key, NULL)) die("AES-CTR init");
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    c->hmac = mac ? EVP_MAC_CTX_new(mac) : NULL;
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, "SHA1", 0), OSSL_PARAM_construct_end()};
    if (!c->hmac || !EVP_MAC_init(c->hmac, auth_key, sizeof auth_key, params)) die("HMAC init");
}

static void cm_keystream(cm_context *c, uint8_t *packet, uint32_t ssrc, uint64_t index, size_t length) {
    uint8_t iv[16] = {0};
    memcpy(iv, c->salt, 14);
    for (int i = 0; i < 4; i++) iv[4 + i] ^= (uint8_t)(ssrc >> (24 - 8 * i));
    for (int i = 0; i < 6; i++) iv[8 + i] ^= (uint8_t)(index >> (40 - 8 * i));
    int out;
    if (!EVP_EncryptInit_ex(c->ctr, NULL, NULL, NULL, iv)) die("AES-CTR iv");
    if (!EVP_EncryptUpdate(c->ctr, packet + HEADER, &out, packet + HEADER, (int)length)) die("AES-CTR");
}

static void cm_tag(cm_context *c, const uint8_t *packet, size_t length, uint32_t roc, uint8_t *tag) {
    uint8_t roc_bytes[4] = {roc >> 24, roc >> 16, roc >> 8, roc};
    size_t out;
    if (!EVP_MAC_init(c->hmac, NULL, 0, NULL)) die("HMAC re-init");
    EVP_MAC_update(c->hmac, packet, length);
    EVP_MAC_update(c->hmac, roc_bytes, 4);
    if (!EVP_MAC_final(c->hmac, tag, &out, 20)) die("HMAC final");
}

static void cm_protect(cm_context *c, uint8_t *packet, uint32_t ssrc, uint64_t index) {
    uint8_t tag[20];
    cm_keystream(c, packet, ssrc, index, PAYLOAD);
    cm_tag(c, packet, HEADER + PAYLOAD, (uint32_t)(index >> 16), tag);
    memcpy(packet + HEADER + PAYLOAD, tag, c->tag_length);
}

static int cm_unprotect(cm_context *c, uint8_t *packet, uint32_t ssrc, uint64_t index) {
    uint8_t tag[20];
    cm_tag(c, packet, HEADER + PAYLOAD, (uint32_t)(index >> 16), tag);
    if (CRYPTO_memcmp(tag, packet + HEADER + PAYLOAD, c->tag_length) != 0) return 0;
    cm_keystream(c, packet, ssrc, index, PAYLOAD);
    return 1;
}

/* ---- AEAD_AES_128_GCM / AEAD_AES_256_GCM (RFC 7714 §8) ---- */

typedef struct {
    EVP_CIPHER_CTX *seal;
    EVP_CIPHER_CTX *open;
    uint8_t salt[12];
} gcm_context;

static void gcm_init(gcm_context *c, const EVP_CIPHER *cipher) {
    static const uint8_t key[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                                    17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
    memset(c->salt, 0x5a, sizeof c->salt);
    c->seal = EVP_CIPHER_CTX_new();
    c->open = EVP_CIPHER_CTX_new();
    if (!EVP_EncryptInit_ex(c->seal, cipher, NULL, key, NULL)) die("GCM seal init");
    if (!EVP_DecryptInit_ex(c->open, cipher, NULL, key, NULL)) die("GCM open init");
}

static void gcm_iv(const gcm_context *c, uint32_t ssrc, uint64_t index, uint8_t iv[12]) {
    uint32_t roc = (uint32_t)(index >> 16);
    uint8_t fields[12] = {0, 0, ssrc >> 24, ssrc >> 16, ssrc >> 8, ssrc, roc >> 24, roc >> 16, roc >> 8, roc,
                          (uint8_t)(index >> 8), (uint8_t)index};
    for (int i = 0; i < 12; i++) iv[i] = c->salt[i] ^ fields[i];
}

static void gcm_protect(gcm_context *c, uint8_t *packet, uint32_t ssrc, uint64_t index) {
    uint8_t iv[12];
    int out;
    gcm_iv(c, ssrc, index, iv);
    if (!EVP_EncryptInit_ex(c->seal, NULL, NULL, NULL, iv)) die("GCM iv");
    if (!EVP_EncryptUpdate(c->seal, NULL, &out, packet, HEADER)) die("GCM aad");
    if (!EVP_EncryptUpdate(c->seal, packet + HEADER, &out, packet + HEADER, PAYLOAD)) die("GCM seal");
    if (!EVP_EncryptFinal_ex(c->seal, packet + HEADER + PAYLOAD, &out)) die("GCM final");
    if (!EVP_CIPHER_CTX_ctrl(c->seal, EVP_CTRL_GCM_GET_TAG, 16, packet + HEADER + PAYLOAD)) die("GCM tag");
}

static int gcm_unprotect(gcm_context *c, uint8_t *packet, uint32_t ssrc, uint64_t index) {
    uint8_t iv[12];
    int out;
    gcm_iv(c, ssrc, index, iv);
    if (!EVP_DecryptInit_ex(c->open, NULL, NULL, NULL, iv)) die("GCM iv");
    if (!EVP_CIPHER_CTX_ctrl(c->open, EVP_CTRL_GCM_SET_TAG, 16, packet + HEADER + PAYLOAD)) die("GCM set tag");
    if (!EVP_DecryptUpdate(c->open, NULL, &out, packet, HEADER)) die("GCM aad");
    /* libcrypto decrypts before it can check the tag; a receiver that must leave a forged packet
       untouched would decrypt into a scratch buffer. In place here, the cheaper choice. */
    if (!EVP_DecryptUpdate(c->open, packet + HEADER, &out, packet + HEADER, PAYLOAD)) die("GCM open");
    return EVP_DecryptFinal_ex(c->open, packet + HEADER + PAYLOAD, &out) > 0;
}

/* ---- timing ---- */

typedef enum { CM_80, CM_32, GCM_128, GCM_256 } profile;
static const char *names[] = {"AES128_CM_HMAC_SHA1_80", "AES128_CM_HMAC_SHA1_32", "AEAD_AES_128_GCM", "AEAD_AES_256_GCM"};

static timing run(profile p, int round_trip, cm_context *cm, gcm_context *gcm, uint8_t *packet) {
    timing best = {1e30, 1e30};
    uint64_t index = 0;
    for (int round = 0; round <= ROUNDS; round++) {
        int count = round == 0 ? WARM_UP : PACKETS;
        double wall_start = clock_ns(CLOCK_MONOTONIC);
        double cpu_start = clock_ns(CLOCK_THREAD_CPUTIME_ID);
        for (int i = 0; i < count; i++, index++) {
            packet[2] = (uint8_t)(index >> 8);
            packet[3] = (uint8_t)index;
            int ok = 1;
            if (p == CM_80 || p == CM_32) {
                cm_protect(cm, packet, 0x12345678, index);
                if (round_trip) ok = cm_unprotect(cm, packet, 0x12345678, index);
            } else {
                gcm_protect(gcm, packet, 0x12345678, index);
                if (round_trip) ok = gcm_unprotect(gcm, packet, 0x12345678, index);
            }
            if (!ok) die("round trip");
        }
        double wall = (clock_ns(CLOCK_MONOTONIC) - wall_start) / count;
        double cpu = (clock_ns(CLOCK_THREAD_CPUTIME_ID) - cpu_start) / count;
        if (round > 0 && wall < best.wall) best.wall = wall;
        if (round > 0 && cpu < best.cpu) best.cpu = cpu;
    }
    return best;
}

int main(void) {
    uint8_t *packet = calloc(1, HEADER + PAYLOAD + 16);
    packet[0] = 0x80;
    packet[1] = 96;
    for (int i = HEADER; i < HEADER + PAYLOAD; i++) packet[i] = (uint8_t)i;
    printf("# OpenSSL %s, %d-byte payload, best of %d rounds of %d packets, ns per packet\n", OpenSSL_version(OPENSSL_VERSION), PAYLOAD, ROUNDS, PACKETS);
    printf("%-24s %12s %12s %16s %16s\n", "profile", "protect_wall", "protect_cpu", "round_trip_wall", "round_trip_cpu");
    for (profile p = CM_80; p <= GCM_256; p++) {
        cm_context cm;
        gcm_context gcm;
        if (p == CM_80 || p == CM_32) cm_init(&cm, p == CM_80 ? 10 : 4);
        else gcm_init(&gcm, p == GCM_128 ? EVP_aes_128_gcm() : EVP_aes_256_gcm());
        timing protect = run(p, 0, &cm, &gcm, packet);
        timing round_trip = run(p, 1, &cm, &gcm, packet);
        printf("%-24s %12.1f %12.1f %16.1f %16.1f\n", names[p], protect.wall, protect.cpu, round_trip.wall, round_trip.cpu);
    }
    free(packet);
    return 0;
}
