/* registry_plugin.c: one small plain-C plugin, built many times with
 * different -D names for the registry's tests and its 200-plugin benchmark.
 *   PLUGIN_NAME, PLUGIN_VERSION, BLOCK_NAME: what it declares.
 *   CRASH_SEGV / CRASH_ABORT / CRASH_HANG: what its static initializer does
 *   to the process that opens it (the registry must survive each).
 * Every build records that its code ran: the static initializer sets the
 * environment variable BRICK_TEST_LOADED_<PLUGIN_NAME>, so a test can prove
 * that a process never opened the library. */
#include <brick/brick_abi.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#ifndef PLUGIN_NAME
#define PLUGIN_NAME reg_good
#endif
#ifndef PLUGIN_VERSION
#define PLUGIN_VERSION "1.0.0"
#endif
#ifndef BLOCK_NAME
#define BLOCK_NAME "Echo"
#endif
#define TEXT_(x) #x
#define TEXT(x) TEXT_(x)

static const brick_host_api* host;

__attribute__((constructor)) static void on_load(void) {
  setenv("BRICK_TEST_LOADED_" TEXT(PLUGIN_NAME), "1", 1);
#if defined(CRASH_SEGV)
  /* An unmapped address near 0 but not NULL: a sanitizer build's null check
   * would report a store to NULL and exit instead of letting it fault. */
  volatile uintptr_t nowhere = 16;
  *(volatile int*)nowhere = 1;
#elif defined(CRASH_ABORT)
  abort();
#elif defined(CRASH_HANG)
  for (;;) sleep(1);
#endif
}

/* Echo: y = x. */
static brick_status echo_call(brick_block* self, brick_ctx* ctx) {
  (void)self;
  brick_block_state* bs = NULL;
  brick_status status = host->get_block_state(ctx, &bs);
  if (status != BRICK_OK) return status;
  brick_value x = host->block_state_get(bs, "x");
  status = host->block_state_set(bs, "y", host->value_retain(x));
  return status == BRICK_OK ? host->set_block_state(ctx, bs) : status;
}
static void echo_destroy(brick_block* self) { free(self); }

static const brick_input_param input_x = {sizeof(brick_input_param), 1, "x", "int", NULL, "The value to echo.", NULL,
                                          NULL};
static const brick_input_param* const inputs[] = {&input_x};
static const brick_output_param output_y = {sizeof(brick_output_param), "y", "int", "The same value.", NULL, NULL};
static const brick_output_param* const outputs[] = {&output_y};
static const brick_block_decl echo_decl = {
    .struct_size = sizeof(brick_block_decl),
    .name = BLOCK_NAME,
    .description = "Copies x to y.",
    .inputs = inputs,
    .intermediate_outputs = outputs,
    .num_inputs = 1,
    .num_intermediate_outputs = 1,
};

static brick_status echo_clone(const brick_block* self, brick_ctx* ctx, brick_block** out);
static brick_block* new_echo(void) {
  brick_block* block = calloc(1, sizeof *block);
  if (!block) return NULL;
  block->struct_size = sizeof *block;
  block->decl = &echo_decl;
  block->call = echo_call;
  block->clone = echo_clone;
  block->destroy = echo_destroy;
  return block;
}
static brick_status echo_clone(const brick_block* self, brick_ctx* ctx, brick_block** out) {
  (void)self;
  (void)ctx;
  *out = new_echo();
  return *out ? BRICK_OK : BRICK_ERR_OUT_OF_MEMORY;
}
static brick_status echo_create(const brick_block_class* cls, brick_ctx* ctx, brick_value config, brick_block** out) {
  (void)cls;
  (void)config;
  return echo_clone(NULL, ctx, out);
}

static const brick_block_class echo_class = {sizeof(brick_block_class), BLOCK_NAME, "copies x to y", echo_create};
static const brick_block_class* const classes[] = {&echo_class};

static const brick_plugin descriptor = {
    .struct_size = sizeof(brick_plugin),
    .num_block_classes = 1,
    .name = TEXT(PLUGIN_NAME),
    .version = PLUGIN_VERSION,
    .description = "a registry test plugin",
    .torch_fingerprint = NULL,
    .block_classes = classes,
};

BRICK_EXPORT const brick_abi_tag brick_plugin_abi = {BRICK_ABI_MAGIC, BRICK_ABI_VERSION_MAJOR, BRICK_ABI_VERSION_MINOR};

BRICK_EXPORT const brick_plugin* brick_plugin_entry(const brick_host_api* api, brick_ctx* ctx) {
  (void)ctx;
  host = api;
  return &descriptor;
}
