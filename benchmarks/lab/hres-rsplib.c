/* rsplib's own pool user doing N uncached handle resolutions (rsp_getaddrinfo with staleCacheValue 0),
 * the reference side of benchmarks/lab/resolution-bench.sh. Prints one RESULT line. */
#include <rserpool/rserpool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
   struct timespec ts;
   clock_gettime(CLOCK_MONOTONIC, &ts);
   return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char** argv) {
   if (argc != 4) {
      fprintf(stderr, "usage: %s REGISTRAR(addr:port) POOLHANDLE N\n", argv[0]);
      return 2;
   }
   struct rsp_info info;
   char registrar[256];
   rsp_initinfo(&info);
   snprintf(registrar, sizeof(registrar), "-registrar=%s", argv[1]);
   rsp_initarg(&info, registrar);
   rsp_initarg(&info, "-asapannounce=off");
   rsp_initarg(&info, "-loglevel=0");
   if (rsp_initialize(&info) < 0) {
      fprintf(stderr, "rsp_initialize failed\n");
      return 1;
   }
   const unsigned char* handle = (const unsigned char*)argv[2];
   const size_t handleLength = strlen(argv[2]);
   const long n = atol(argv[3]);
   long ok = 0, failed = 0;
   for (long i = 0; i < n / 10 + 1; i++) {   /* warm-up: connect to the registrar, fill caches */
      struct rsp_addrinfo* ai = NULL;
      if (rsp_getaddrinfo(handle, handleLength, &ai, 0, 0) > 0) rsp_freeaddrinfo(ai);
   }
   const double start = now();
   for (long i = 0; i < n; i++) {
      struct rsp_addrinfo* ai = NULL;
      const int r = rsp_getaddrinfo(handle, handleLength, &ai, 0, 0);
      if (r > 0) { ok++; rsp_freeaddrinfo(ai); } else failed++;
   }
   const double seconds = now() - start;
   printf("RESULT impl=rsplib n=%ld ok=%ld failed=%ld seconds=%.4f rate=%.1f\n", n, ok, failed, seconds, ok / seconds);
   rsp_cleanup();
   rsp_freeinfo(&info);
   return failed == 0 ? 0 : 1;
}
