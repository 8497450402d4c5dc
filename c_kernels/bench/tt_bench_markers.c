/* The bracket markers of the instruction-count benchmark (see tt_bench.h). They live alone in
 * this file so that no call to them can be inlined, and store to different variables so that
 * identical-code folding cannot merge them into one address. */
#include "tt_bench.h"

volatile uint32_t tt_bench_opened;
volatile uint32_t tt_bench_closed;

__attribute__((noinline)) void tt_bench_begin(uint32_t id) { tt_bench_opened = id; }

__attribute__((noinline)) void tt_bench_end(uint32_t id) { tt_bench_closed = id; }
