/* Bare kernel SCTP echo client and server: the ceilings of benchmarks/lab/session-bench.sh.
 *
 *   echo-raw server ADDR:PORT
 *       One-to-one style echo server (RFC 6458 §4): accepts one client after the other and sends
 *       every message back with the PPID and stream it came with. The counterpart of our
 *       SctpChannel in the transport benchmark: no ASAP, no rsplib, nothing between the two.
 *   echo-raw client ADDR:PORT WARMUP_S SECONDS SIZE [LABEL]
 *       One association, one request outstanding: sendmsg() of SIZE bytes with an SCTP_SNDINFO
 *       cmsg (PPID 0), recvmsg() of the whole answer. Warms up for WARMUP_S seconds, then counts
 *       answers for SECONDS seconds (CLOCK_MONOTONIC) and prints one RESULT line. Talks to the
 *       raw server above or straight to an rspserver element (rsplib's PE takes any user message
 *       on a new association as a new session and echoes it: src/standardservices.cc EchoServer).
 *
 * Plain sendmsg/recvmsg with the RFC 6458 cmsgs from <linux/sctp.h>, so that neither libsctp-dev
 * nor rsplib is needed: this is what the kernel can do, the "physical limit".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <linux/sctp.h>

#define MAX_MESSAGE 65536

/* CPU seconds (user + system, all threads) used by this process so far. */
static double cpuSeconds(void) {
   struct rusage ru;
   getrusage(RUSAGE_SELF, &ru);
   return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static double now(void) {
   struct timespec ts;
   clock_gettime(CLOCK_MONOTONIC, &ts);
   return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void parseAddress(const char* text, struct sockaddr_in* sin) {
   char host[64];
   const char* colon = strrchr(text, ':');
   if (colon == NULL || (size_t)(colon - text) >= sizeof(host)) { fprintf(stderr, "bad ADDR:PORT %s\n", text); exit(2); }
   memcpy(host, text, colon - text);
   host[colon - text] = 0;
   memset(sin, 0, sizeof(*sin));
   sin->sin_family = AF_INET;
   sin->sin_port = htons(atoi(colon + 1));
   if (inet_pton(AF_INET, host, &sin->sin_addr) != 1) { fprintf(stderr, "bad address %s\n", host); exit(2); }
}

static void setInt(int sd, int option, int value) {
   if (setsockopt(sd, IPPROTO_SCTP, option, &value, sizeof(value)) < 0) { perror("setsockopt"); exit(1); }
}

/* Sends one whole message; the kernel copies snd_ppid into the DATA chunk as given (network order). */
static int sendMessage(int sd, const void* data, size_t length, uint32_t ppidNetworkOrder, uint16_t stream) {
   char control[CMSG_SPACE(sizeof(struct sctp_sndinfo))];
   struct iovec iov = { (void*)data, length };
   struct msghdr msg = { 0 };
   msg.msg_iov = &iov;
   msg.msg_iovlen = 1;
   msg.msg_control = control;
   msg.msg_controllen = sizeof(control);
   struct cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
   cmsg->cmsg_level = IPPROTO_SCTP;
   cmsg->cmsg_type = SCTP_SNDINFO;
   cmsg->cmsg_len = CMSG_LEN(sizeof(struct sctp_sndinfo));
   struct sctp_sndinfo* info = (struct sctp_sndinfo*)CMSG_DATA(cmsg);
   memset(info, 0, sizeof(*info));
   info->snd_sid = stream;
   info->snd_ppid = ppidNetworkOrder;
   return sendmsg(sd, &msg, MSG_NOSIGNAL) == (ssize_t)length ? 0 : -1;
}

/* Receives one whole user message (until MSG_EOR); skips notifications. Returns its length, 0 on
 * shutdown, -1 on error. PPID (network order) and stream come from the SCTP_RCVINFO cmsg. */
static ssize_t receiveMessage(int sd, char* buffer, size_t size, uint32_t* ppid, uint16_t* stream) {
   size_t got = 0;
   for (;;) {
      char control[CMSG_SPACE(sizeof(struct sctp_rcvinfo))];
      struct iovec iov = { buffer + got, size - got };
      struct msghdr msg = { 0 };
      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      msg.msg_control = control;
      msg.msg_controllen = sizeof(control);
      const ssize_t n = recvmsg(sd, &msg, 0);
      if (n <= 0) return n;
      if (msg.msg_flags & MSG_NOTIFICATION) { got = 0; continue; }
      for (struct cmsghdr* c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
         if (c->cmsg_level == IPPROTO_SCTP && c->cmsg_type == SCTP_RCVINFO) {
            const struct sctp_rcvinfo* info = (const struct sctp_rcvinfo*)CMSG_DATA(c);
            *ppid = info->rcv_ppid;
            *stream = info->rcv_sid;
         }
      }
      got += n;
      if (msg.msg_flags & MSG_EOR) return got;
      if (got == size) { errno = EMSGSIZE; return -1; }
   }
}

static int openSocket(void) {
   const int sd = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
   if (sd < 0) { perror("socket(IPPROTO_SCTP)"); exit(1); }
   setInt(sd, SCTP_NODELAY, 1);       /* as our SctpSocket does: no Nagle-like bundling delay */
   setInt(sd, SCTP_RECVRCVINFO, 1);   /* PPID and stream of every message, as ours reads them */
   return sd;
}

static int server(const char* address) {
   struct sockaddr_in sin;
   parseAddress(address, &sin);
   const int listener = openSocket();
   setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &(int){ 1 }, sizeof(int));
   if (bind(listener, (struct sockaddr*)&sin, sizeof(sin)) < 0 || listen(listener, 8) < 0) { perror("bind/listen"); return 1; }
   static char buffer[MAX_MESSAGE];
   for (;;) {
      const int sd = accept(listener, NULL, NULL);
      if (sd < 0) { if (errno == EINTR) continue; perror("accept"); return 1; }
      uint32_t ppid = 0;
      uint16_t stream = 0;
      ssize_t n;
      while ((n = receiveMessage(sd, buffer, sizeof(buffer), &ppid, &stream)) > 0) {
         if (sendMessage(sd, buffer, n, ppid, stream) < 0) break;
      }
      close(sd);
   }
}

static int client(const char* address, double warmup, double seconds, size_t size, const char* label) {
   struct sockaddr_in sin;
   parseAddress(address, &sin);
   const int sd = openSocket();
   if (connect(sd, (struct sockaddr*)&sin, sizeof(sin)) < 0) { perror("connect"); return 1; }
   static char request[MAX_MESSAGE], answer[MAX_MESSAGE];
   memset(request, 'x', size);
   uint64_t seq = 0;
   long n = 0, bad = 0;
   double start = now(), end = start + warmup, measured = 0, cpu = 0;
   for (int phase = 0; phase < 2; phase++) {   /* 0: warm-up (not counted), 1: measured */
      if (phase == 1) { start = now(); end = start + seconds; n = 0; cpu = cpuSeconds(); }
      double t;
      do {
         seq++;
         memcpy(request, &seq, sizeof(seq) <= size ? sizeof(seq) : size);
         uint32_t ppid;
         uint16_t stream;
         if (sendMessage(sd, request, size, 0, 0) < 0) { perror("sendmsg"); return 1; }
         const ssize_t r = receiveMessage(sd, answer, sizeof(answer), &ppid, &stream);
         if (r <= 0) { perror("recvmsg"); return 1; }
         if ((size_t)r != size || memcmp(answer, request, size) != 0) bad++;
         n++;
         t = now();
      } while (t < end);
      measured = t - start;
   }
   cpu = cpuSeconds() - cpu;
   printf("RESULT impl=%s n=%ld bad=%ld seconds=%.4f rate=%.1f cpu_us_per_req=%.0f\n", label, n, bad, measured, n / measured, cpu * 1e6 / n);
   close(sd);
   return bad == 0 ? 0 : 1;
}

int main(int argc, char** argv) {
   if (argc == 3 && strcmp(argv[1], "server") == 0) return server(argv[2]);
   if ((argc == 6 || argc == 7) && strcmp(argv[1], "client") == 0) {
      const size_t size = (size_t)atol(argv[5]);
      if (size < 1 || size > MAX_MESSAGE) { fprintf(stderr, "SIZE must be 1..%d\n", MAX_MESSAGE); return 2; }
      return client(argv[2], atof(argv[3]), atof(argv[4]), size, argc == 7 ? argv[6] : "raw-c");
   }
   fprintf(stderr, "usage: %s server ADDR:PORT | client ADDR:PORT WARMUP_S SECONDS SIZE [LABEL]\n", argv[0]);
   return 2;
}
