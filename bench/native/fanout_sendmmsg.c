/*
 * The kernel's ceiling for Sluice's fan-out load (bench/run load): the same packets (size, rate per
 * destination) sent from one thread to N UDP ports on 127.0.0.1, with receivers counting them, but
 * with no SFU in between: no SRTP, no RTP rewriting, sendmmsg(2) in batches, or one sendto(2) per
 * packet from one socket, as the worker does ("sendto"), or send(2) on one connect()ed socket per
 * destination ("connected", what a worker with connected per-consumer sockets would do). Steps N up until more than 0.1% is lost; reports
 * loss, latency (send time inside the payload to receive time, sampled), and the sender's and the
 * receivers' CPU time per packet (CLOCK_THREAD_CPUTIME_ID). A step passes when loss is at most
 * 0.1% and the sender kept its pace (the step lasted at most 2% longer than nominal). Loopback only.
 *
 *   cc -O2 -pthread -o fanout_sendmmsg fanout_sendmmsg.c
 *   ./fanout_sendmmsg [mmsg|sendto|connected] [steps=50,100,...] [seconds=10] [pps=100] [bytes=1182]
 *                     [rcvbuf=1048576] [receiver_threads=2]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 256
#define MAX_RECEIVERS 16
#define LATENCY_CAPACITY 200000
#define SAMPLE_EVERY 16

static int64_t now_ns(clockid_t clock) {
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (int64_t) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

struct receiver {
    pthread_t thread;
    int epoll;
    volatile int running;
    int64_t cpu_ns;
    int64_t *latencies;
    int latency_count;
};

static int *sockets;
static struct sockaddr_in *addresses;
static int64_t *received;

static void *receive_loop(void *arg) {
    struct receiver *r = arg;
    int64_t cpu_start = now_ns(CLOCK_THREAD_CPUTIME_ID);
    static __thread char buffers[64][2048];
    struct mmsghdr messages[64];
    struct iovec iov[64];
    struct epoll_event events[256];
    for (int i = 0; i < 64; i++) {
        iov[i].iov_base = buffers[i];
        iov[i].iov_len = sizeof buffers[i];
        memset(&messages[i].msg_hdr, 0, sizeof messages[i].msg_hdr);
        messages[i].msg_hdr.msg_iov = &iov[i];
        messages[i].msg_hdr.msg_iovlen = 1;
    }
    while (r->running) {
        int ready = epoll_wait(r->epoll, events, 256, 100);
        for (int e = 0; e < ready; e++) {
            int index = events[e].data.u32;
            for (;;) {
                int got = recvmmsg(sockets[index], messages, 64, MSG_DONTWAIT, NULL);
                if (got <= 0) {
                    break;
                }
                int64_t arrived = now_ns(CLOCK_MONOTONIC);
                for (int m = 0; m < got; m++) {
                    if (++received[index] % SAMPLE_EVERY == 1 && r->latency_count < LATENCY_CAPACITY) {
                        int64_t sent;
                        memcpy(&sent, buffers[m] + 12, sizeof sent);
                        r->latencies[r->latency_count++] = arrived - sent;
                    }
                }
            }
        }
    }
    r->cpu_ns = now_ns(CLOCK_THREAD_CPUTIME_ID) - cpu_start;
    return NULL;
}

static int compare(const void *a, const void *b) {
    int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    int use_sendto = argc > 1 && strcmp(argv[1], "sendto") == 0;
    int use_connected = argc > 1 && strcmp(argv[1], "connected") == 0;
    char *steps = strdup(argc > 2 ? argv[2] : "50,100,200,400,800,1200,1600,2000,2500,3000,4000");
    int seconds = argc > 3 ? atoi(argv[3]) : 10;
    int pps = argc > 4 ? atoi(argv[4]) : 100;
    int bytes = argc > 5 ? atoi(argv[5]) : 1182;
    int rcvbuf = argc > 6 ? atoi(argv[6]) : 1048576;
    int receiver_threads = argc > 7 ? atoi(argv[7]) : 2;
    if (receiver_threads < 1 || receiver_threads > MAX_RECEIVERS || bytes < 20 || bytes > 2048 || pps < 1) {
        fprintf(stderr, "bad arguments\n");
        return 2;
    }
    printf("mode %s, %d bytes, %d/s per destination, %d s per step, SO_RCVBUF %d, %d receiver threads\n",
           use_sendto ? "sendto" : use_connected ? "connected send" : "sendmmsg", bytes, pps, seconds, rcvbuf, receiver_threads);
    printf("| N | packets/s | loss | worst | latency p50 / p99 (us) | sender CPU | sender CPU/pkt (us) |"
           " receivers CPU/pkt (us) |\n|---|---|---|---|---|---|---|---|\n");
    int largest = 0;
    for (char *step = strtok(steps, ","); step; step = strtok(NULL, ",")) {
        int n = atoi(step);
        sockets = calloc(n, sizeof *sockets);
        addresses = calloc(n, sizeof *addresses);
        received = calloc(n, sizeof *received);
        struct receiver receivers[MAX_RECEIVERS];
        for (int t = 0; t < receiver_threads; t++) {
            receivers[t].epoll = epoll_create1(0);
            receivers[t].running = 1;
            receivers[t].latencies = malloc(LATENCY_CAPACITY * sizeof(int64_t));
            receivers[t].latency_count = 0;
        }
        for (int i = 0; i < n; i++) {
            sockets[i] = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
            setsockopt(sockets[i], SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
            addresses[i].sin_family = AF_INET;
            addresses[i].sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            socklen_t length = sizeof addresses[i];
            if (sockets[i] < 0 || bind(sockets[i], (struct sockaddr *) &addresses[i], length) != 0
                || getsockname(sockets[i], (struct sockaddr *) &addresses[i], &length) != 0) {
                perror("receiver socket");
                return 1;
            }
            struct epoll_event event = {.events = EPOLLIN, .data.u32 = (uint32_t) i};
            epoll_ctl(receivers[i % receiver_threads].epoll, EPOLL_CTL_ADD, sockets[i], &event);
        }
        for (int t = 0; t < receiver_threads; t++) {
            pthread_create(&receivers[t].thread, NULL, receive_loop, &receivers[t]);
        }
        int sender = socket(AF_INET, SOCK_DGRAM, 0);
        int *connected = calloc(n, sizeof *connected);
        for (int i = 0; use_connected && i < n; i++) {
            connected[i] = socket(AF_INET, SOCK_DGRAM, 0);
            if (connected[i] < 0 || connect(connected[i], (struct sockaddr *) &addresses[i], sizeof addresses[i]) != 0) {
                perror("connected sender");
                return 1;
            }
        }
        static char packet[2048];
        memset(packet, 0, sizeof packet);
        packet[0] = (char) 0x80; /* RFC 3550 §5.1: version 2 */
        packet[1] = (char) (0x80 | 101);
        struct mmsghdr messages[BATCH];
        struct iovec iov = {.iov_base = packet, .iov_len = (size_t) bytes};
        int64_t period = 1000000000LL / pps;
        int64_t count = (int64_t) seconds * pps;
        int64_t sent = 0, refused = 0;
        int64_t cpu_start = now_ns(CLOCK_THREAD_CPUTIME_ID);
        int64_t start = now_ns(CLOCK_MONOTONIC);
        for (int64_t k = 0; k < count; k++) {
            int64_t due = start + k * period;
            struct timespec until = {.tv_sec = due / 1000000000LL, .tv_nsec = due % 1000000000LL};
            clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL);
            /* One payload for every destination of this tick: the same bytes a consumer forwards. */
            uint16_t seq = htons((uint16_t) k);
            memcpy(packet + 2, &seq, 2);
            int64_t stamp = now_ns(CLOCK_MONOTONIC);
            memcpy(packet + 12, &stamp, sizeof stamp);
            for (int first = 0; first < n; first += BATCH) {
                int batch = n - first < BATCH ? n - first : BATCH;
                if (use_connected) {
                    for (int i = 0; i < batch; i++) {
                        if (send(connected[first + i], packet, (size_t) bytes, 0) == bytes) {
                            sent++;
                        } else {
                            refused++;
                        }
                    }
                    continue;
                }
                if (use_sendto) {
                    for (int i = 0; i < batch; i++) {
                        if (sendto(sender, packet, (size_t) bytes, 0, (struct sockaddr *) &addresses[first + i],
                                   sizeof addresses[first + i]) == bytes) {
                            sent++;
                        } else {
                            refused++;
                        }
                    }
                    continue;
                }
                for (int i = 0; i < batch; i++) {
                    memset(&messages[i].msg_hdr, 0, sizeof messages[i].msg_hdr);
                    messages[i].msg_hdr.msg_name = &addresses[first + i];
                    messages[i].msg_hdr.msg_namelen = sizeof addresses[first + i];
                    messages[i].msg_hdr.msg_iov = &iov;
                    messages[i].msg_hdr.msg_iovlen = 1;
                }
                int done = 0;
                while (done < batch) {
                    int out = sendmmsg(sender, messages + done, (unsigned) (batch - done), 0);
                    if (out <= 0) {
                        refused += batch - done;
                        break;
                    }
                    done += out;
                }
                sent += done;
            }
        }
        int64_t wall = now_ns(CLOCK_MONOTONIC) - start;
        int64_t sender_cpu = now_ns(CLOCK_THREAD_CPUTIME_ID) - cpu_start;
        usleep(500000);
        int64_t receiver_cpu = 0, total = 0, worst = count;
        int samples = 0;
        for (int t = 0; t < receiver_threads; t++) {
            receivers[t].running = 0;
            pthread_join(receivers[t].thread, NULL);
            receiver_cpu += receivers[t].cpu_ns;
            samples += receivers[t].latency_count;
        }
        int64_t *latencies = malloc((size_t) (samples > 0 ? samples : 1) * sizeof(int64_t));
        int filled = 0;
        for (int t = 0; t < receiver_threads; t++) {
            memcpy(latencies + filled, receivers[t].latencies, receivers[t].latency_count * sizeof(int64_t));
            filled += receivers[t].latency_count;
            free(receivers[t].latencies);
            close(receivers[t].epoll);
        }
        qsort(latencies, (size_t) samples, sizeof(int64_t), compare);
        for (int i = 0; i < n; i++) {
            total += received[i];
            worst = received[i] < worst ? received[i] : worst;
            close(sockets[i]);
        }
        double loss = 1.0 - (double) total / ((double) count * n);
        double p50 = samples ? latencies[(samples - 1) / 2] / 1e3 : 0;
        double p99 = samples ? latencies[(int) ((samples - 1) * 0.99)] / 1e3 : 0;
        /* The sender keeps pace when the step lasts its nominal time; otherwise the rate was not met. */
        int kept_pace = wall <= (int64_t) seconds * 1020000000LL;
        printf("| %d | %.0f%s | %.3f%% | %.3f%% | %.0f / %.0f | %.0f%% | %.2f | %.2f |%s\n", n,
               (double) total / (wall / 1e9), kept_pace ? "" : " (behind pace)", loss * 100, (1.0 - (double) worst / count) * 100, p50, p99,
               100.0 * sender_cpu / wall, sender_cpu / 1e3 / (sent ? sent : 1), receiver_cpu / 1e3 / (total ? total : 1),
               refused ? " (send errors)" : "");
        fflush(stdout);
        free(latencies);
        free(sockets);
        free(addresses);
        free(received);
        close(sender);
        for (int i = 0; use_connected && i < n; i++) {
            close(connected[i]);
        }
        free(connected);
        if (loss > 0.001 || !kept_pace) {
            break;
        }
        largest = n;
    }
    printf("largest N with loss <= 0.10%% at the nominal rate: %d\n", largest);
    return 0;
}
