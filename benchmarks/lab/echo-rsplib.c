/* rsplib's own pool user on an echo pool: the reference side of benchmarks/lab/session-bench.sh.
 *
 *   echo-rsplib rate REGISTRAR POOL WARMUP_S SECONDS SIZE
 *       One session (rsp_socket + rsp_connect by pool handle), one request outstanding:
 *       rsp_sendmsg then rsp_recvmsg until the echo. Warms up, then counts answers for SECONDS s.
 *   echo-rsplib failover REGISTRAR POOL RUNS STATEDIR HOOK
 *       A continuous request loop; in each run the serving element is SIGKILLed (pid from
 *       STATEDIR/peXXXXXXXX.pid, pool.sh's state) by a parked helper thread woken just before a send,
 *       so a request is usually in flight. Measures the time from kill() to the first answer from
 *       another element and counts requests sent but never answered. Then runs "HOOK peXXXXXXXX"
 *       (restarts the element, waits until it is registered) and starts the next run. With
 *       BENCH_FAILOVER_WARMUP=N in the environment, N runs come first and are not counted
 *       (mode=failover-warmup), as in our driver.
 *
 * The session is used as rsplib's own rspterminal uses it (src/rspterminal.c): SOCK_SEQPACKET
 * (only then does rsplib queue RSERPOOL_FAILOVER notifications: rspenhancedmode.c sets the
 * notification mask to 0 for SOCK_STREAM), staleCacheValue 0, and on FAILOVER_NECESSARY
 * rsp_forcefailover(sd, FFF_NONE, 0). rsplib resends nothing itself (rsp_forcefailover only
 * reconnects and echoes a cookie), so the request in flight at the failure is lost; a request
 * whose rsp_sendmsg failed never left and is sent again after the failover, as an application
 * would. rsp_sendmsg wants the PPID in network order; we use PPID 0 throughout.
 */
#include <rserpool/rserpool.h>
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define MAX_MESSAGE     65536
#define ANSWER_TIMEOUT  5000     /* ms; a killed element is noticed through SCTP events long before */
#define PRE_KILL        40       /* answered requests in each failover run before the kill */
#define POST_FAILOVER   40       /* answered requests from the new element before the run ends */

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

static int sd = -1;
static char request[MAX_MESSAGE], answer[MAX_MESSAGE];
static size_t requestSize = 64;

static void initialize(const char* registrar) {
   struct rsp_info info;
   char arg[256];
   rsp_initinfo(&info);
   snprintf(arg, sizeof(arg), "-registrar=%s", registrar);
   rsp_initarg(&info, arg);
   rsp_initarg(&info, "-asapannounce=off");
   rsp_initarg(&info, "-loglevel=0");
   if (rsp_initialize(&info) < 0) { fputs("rsp_initialize failed\n", stderr); exit(1); }
}

static void connectPool(const char* pool) {
   sd = rsp_socket(0, SOCK_SEQPACKET, IPPROTO_SCTP);
   if (sd < 0) { perror("rsp_socket"); exit(1); }
   if (rsp_connect(sd, (const unsigned char*)pool, strlen(pool), 0) < 0) { perror("rsp_connect"); exit(1); }
}

/* What an answer to one request turned out to be. */
enum Outcome { ANSWERED, NOT_SENT, FAILED };

/* Sends request SEQ and waits for its echo. On a FAILOVER_NECESSARY notification, a receive error
 * or a timeout the session needs a failover (rspterminal's reaction). */
static enum Outcome exchange(uint64_t seq, uint32_t* peId) {
   memcpy(request, &seq, sizeof(seq));
   if (rsp_sendmsg(sd, request, requestSize, 0, 0, htonl(0), 0, 0, 0, ANSWER_TIMEOUT) < 0) return NOT_SENT;
   const double deadline = now() + ANSWER_TIMEOUT / 1000.0;
   while (now() < deadline) {
      struct rsp_sndrcvinfo rinfo;
      int flags = 0;
      const ssize_t n = rsp_recvmsg(sd, answer, sizeof(answer), &rinfo, &flags, ANSWER_TIMEOUT);
      if (n <= 0) return FAILED;
      if (flags & MSG_RSERPOOL_NOTIFICATION) {
         const union rserpool_notification* note = (const union rserpool_notification*)answer;
         if (note->rn_header.rn_type == RSERPOOL_FAILOVER && note->rn_failover.rf_state == RSERPOOL_FAILOVER_NECESSARY) return FAILED;
         continue;   /* FAILOVER_COMPLETE and others: nothing to do */
      }
      uint64_t echoed;
      memcpy(&echoed, answer, sizeof(echoed));
      if ((size_t)n == requestSize && echoed == seq) { *peId = rinfo.rinfo_pe_id; return ANSWERED; }
      /* An answer to an older request (cannot happen with one outstanding): keep waiting. */
   }
   return FAILED;
}

static int rate(double warmup, double seconds) {
   uint64_t seq = 0;
   uint32_t pe = 0;
   long n = 0;
   double start = now(), end = start + warmup, t = start, cpu = 0;
   for (int phase = 0; phase < 2; phase++) {   /* 0: warm-up, 1: measured */
      if (phase == 1) { start = now(); end = start + seconds; n = 0; cpu = cpuSeconds(); }
      do {
         if (exchange(++seq, &pe) != ANSWERED) { fprintf(stderr, "request %llu failed\n", (unsigned long long)seq); return 1; }
         n++;
         t = now();
      } while (t < end);
   }
   cpu = cpuSeconds() - cpu;
   printf("RESULT impl=rsplib n=%ld seconds=%.4f rate=%.1f cpu_us_per_req=%.0f pe=0x%08x\n", n, t - start, n / (t - start), cpu * 1e6 / n, pe);
   return 0;
}

/* The killer thread is started once and parked until each kill (as our driver's ParkedKiller), so a
 * kill costs a wake-up and kill(2), not a thread's start and exit beside the failover. */
static pid_t victim;
static double killTime;
static sem_t killGo, killDone;
static void* killer(void* unused) {
   (void)unused;
   for (;;) {
      while (sem_wait(&killGo) != 0) { }
      killTime = now();
      kill(victim, SIGKILL);
      sem_post(&killDone);
   }
   return NULL;
}

static pid_t readPid(const char* path) {
   FILE* f = fopen(path, "r");
   long pid = 0;
   if (f == NULL || fscanf(f, "%ld", &pid) != 1) { fprintf(stderr, "cannot read %s\n", path); exit(1); }
   fclose(f);
   return (pid_t)pid;
}

static int compareDouble(const void* a, const void* b) {
   const double x = *(const double*)a, y = *(const double*)b;
   return (x > y) - (x < y);
}

static int failover(int runs, const char* stateDir, const char* hook) {
   uint64_t seq = 0;
   uint32_t pe = 0;
   double times[64];
   long lostTotal = 0;
   if (runs > 64) runs = 64;
   pthread_t thread;
   sem_init(&killGo, 0, 0);
   sem_init(&killDone, 0, 0);
   pthread_create(&thread, NULL, killer, NULL);
   pthread_detach(thread);
   for (int i = 0; i < PRE_KILL; i++) {   /* warm-up: also learns the serving element */
      if (exchange(++seq, &pe) != ANSWERED) { fputs("warm-up request failed\n", stderr); return 1; }
   }
   /* BENCH_FAILOVER_WARMUP runs first, not counted (mode=failover-warmup), as in our driver. */
   const char* warmupText = getenv("BENCH_FAILOVER_WARMUP");
   const int warmups = warmupText != NULL && atoi(warmupText) > 0 ? atoi(warmupText) : 0;
   for (int step = 1; step <= warmups + runs; step++) {
      const int warmup = step <= warmups;
      const int run = warmup ? step : step - warmups;
      const char* label = warmup ? "w" : "";
      char path[512], name[32];
      long answered = 0, lost = 0, resent = 0;
      for (int i = 0; i < PRE_KILL; i++) {
         if (exchange(++seq, &pe) != ANSWERED) { fputs("request before the kill failed\n", stderr); return 1; }
      }
      const uint32_t killed = pe;
      snprintf(name, sizeof(name), "pe%08x", killed);
      snprintf(path, sizeof(path), "%s/%s.pid", stateDir, name);
      victim = readPid(path);
      sem_post(&killGo);   /* races with the next send, as a crash would */
      double firstAnswer = 0;
      char steps[1024] = "";
      int timeline = 0;
      const double giveUp = now() + 60;
      uint64_t pending = ++seq;
      while (answered < POST_FAILOVER && now() < giveUp) {
         const enum Outcome outcome = exchange(pending, &pe);
         if (outcome == ANSWERED) {
            if (pe != killed && firstAnswer == 0) firstAnswer = now();
            if (pe != killed) answered++;
            pending = ++seq;
            continue;
         }
         if (outcome == FAILED) { lost++; pending = ++seq; }   /* sent, answer never came */
         else resent++;                                           /* never left: send it again */
         timeline += snprintf(steps + timeline, sizeof(steps) - timeline, " %s=+%.0f",
                              outcome == FAILED ? "detected" : "send-failed", (now() - killTime) * 1000.0);
         /* rspterminal: on FAILOVER_NECESSARY call rsp_forcefailover and go on. It fails (-1) when the
          * registrar still hands out the dead element or the pool is empty; the next send then fails
          * with EIO and we come back here. */
         const int ok = rsp_forcefailover(sd, FFF_NONE, 0) == 0;
         timeline += snprintf(steps + timeline, sizeof(steps) - timeline, " %s=+%.0f",
                              ok ? "connected" : "failover-failed", (now() - killTime) * 1000.0);
         if (timeline >= (int)sizeof(steps) - 64) timeline = sizeof(steps) - 64;
      }
      while (sem_wait(&killDone) != 0) { }
      if (firstAnswer == 0) { fprintf(stderr, "run %s%d: no answer from another element within 60 s\n", label, run); return 1; }
      const double ms = (firstAnswer - killTime) * 1000.0;
      if (!warmup) {
         times[run - 1] = ms;
         lostTotal += lost;
      }
      printf("TIMELINE impl=rsplib run=%s%d kill=0%s answered=+%.0f\n", label, run, steps, ms);
      printf("RESULT impl=rsplib mode=%s run=%s%d killed=0x%08x new=0x%08x failover_ms=%.1f lost=%ld resent=%ld\n",
             warmup ? "failover-warmup" : "failover", label, run, killed, pe, ms, lost, resent);
      fflush(stdout);
      if (step < warmups + runs) {
         char command[1024];
         snprintf(command, sizeof(command), "%s %s", hook, name);
         if (system(command) != 0) { fprintf(stderr, "hook failed: %s\n", command); return 1; }
      }
   }
   qsort(times, runs, sizeof(double), compareDouble);
   printf("RESULT impl=rsplib mode=failover-median runs=%d failover_ms=%.1f lost_total=%ld\n", runs, times[runs / 2], lostTotal);
   return 0;
}

int main(int argc, char** argv) {
   setvbuf(stdout, NULL, _IOLBF, 0);
   if (argc == 7 && strcmp(argv[1], "rate") == 0) {
      requestSize = (size_t)atol(argv[6]);
      if (requestSize < 8 || requestSize > MAX_MESSAGE) { fputs("SIZE must be 8..65536\n", stderr); return 2; }
      initialize(argv[2]);
      connectPool(argv[3]);
      const int rc = rate(atof(argv[4]), atof(argv[5]));
      rsp_close(sd);
      rsp_cleanup();
      return rc;
   }
   if (argc == 7 && strcmp(argv[1], "failover") == 0) {
      initialize(argv[2]);
      connectPool(argv[3]);
      const int rc = failover(atoi(argv[4]), argv[5], argv[6]);
      rsp_close(sd);
      rsp_cleanup();
      return rc;
   }
   fprintf(stderr, "usage: %s rate REGISTRAR POOL WARMUP_S SECONDS SIZE | failover REGISTRAR POOL RUNS STATEDIR HOOK\n", argv[0]);
   return 2;
}
