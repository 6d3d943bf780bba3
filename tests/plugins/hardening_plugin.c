/* hardening_plugin.c: "test_hardening_c", a plain-C plugin that misbehaves at
 * the ABI's edges, for tests/hardening: it grows values the host published,
 * returns a failure after a host call left a message behind, hands out an
 * incomplete component instance, counts its shutdowns, and crashes on
 * request (Segfault, Abort) so that the crash report can be checked. */
#include <brick/brick_abi.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef PLUGIN_NAME
#define PLUGIN_NAME "test_hardening_c"
#endif

static const brick_host_api* host;

/* ---- a block class with its declaration and call, and generic instances */

typedef struct entry {
  brick_block_class cls; /* first: the host hands it back to create */
  const brick_block_decl* decl;
  brick_status (*call)(brick_block* self, brick_ctx* ctx);
} entry;

typedef struct instance {
  brick_block base;
  const entry* from;
} instance;

static void instance_destroy(brick_block* self) { free(self); }
static brick_status make_instance(const entry* from, brick_block** out);
static brick_status instance_clone(const brick_block* self, brick_ctx* ctx, brick_block** out) {
  (void)ctx;
  return make_instance(((const instance*)self)->from, out);
}
static brick_status make_instance(const entry* from, brick_block** out) {
  instance* made = calloc(1, sizeof *made);
  if (!made) return BRICK_ERR_OUT_OF_MEMORY;
  made->base.struct_size = sizeof(brick_block);
  made->base.decl = from->decl;
  made->base.call = from->call;
  made->base.clone = instance_clone;
  made->base.destroy = instance_destroy;
  made->from = from;
  *out = &made->base;
  return BRICK_OK;
}
static brick_status entry_create(const brick_block_class* cls, brick_ctx* ctx, brick_value config, brick_block** out) {
  (void)ctx;
  (void)config;
  return make_instance((const entry*)cls, out);
}

static brick_value text(const char* s) { return host->value_new_string(s, strlen(s)); }

/* ---- MutatePublished: grows values it does not own ---------------------- */

static const brick_input_param payload_in = {sizeof(brick_input_param), 1, "payload", "dict", NULL, NULL, NULL, NULL};
static const brick_input_param* const mutate_inputs[] = {&payload_in};
#define OUT(n) \
  { sizeof(brick_output_param), n, NULL, NULL, NULL, NULL }
static const brick_output_param mutate_out[] = {OUT("nested_status"), OUT("nested_error"), OUT("config_status"),
                                                OUT("config_error"),  OUT("own_status"),   OUT("retained_status")};
static const brick_output_param* const mutate_outputs[] = {&mutate_out[0], &mutate_out[1], &mutate_out[2],
                                                           &mutate_out[3], &mutate_out[4], &mutate_out[5]};
static const brick_config_spec options_config = {sizeof(brick_config_spec), "options", "{\"mode\": \"fast\"}", NULL};
static const brick_config_spec* const mutate_configs[] = {&options_config};
static const brick_block_decl mutate_decl = {
    .struct_size = sizeof(brick_block_decl),
    .name = "MutatePublished",
    .inputs = mutate_inputs,
    .num_inputs = 1,
    .intermediate_outputs = mutate_outputs,
    .num_intermediate_outputs = 6,
    .expected_configs = mutate_configs,
    .num_expected_configs = 1,
};

static brick_status mutate_call(brick_block* self, brick_ctx* ctx) {
  (void)self;
  brick_block_state* bs = NULL;
  brick_status status = host->get_block_state(ctx, &bs);
  if (status != BRICK_OK) return status;
  /* A list inside a dict of the state: only the dict holds it. */
  brick_value items = host->value_dict_get(host->block_state_get_slot(bs, 0), "items");
  brick_status nested = host->value_list_append(items, host->value_new_int(3));
  brick_value nested_error = text(host->last_error(NULL));
  /* The pipeline's config dict. */
  brick_status config = host->value_dict_set(host->get_config(ctx, "options"), "mode", text("slow"));
  brick_value config_error = text(host->last_error(NULL));
  /* Its own new list grows; once retained (published) it does not. */
  brick_value own = host->value_new_list();
  brick_status own_status = host->value_list_append(own, host->value_new_int(1));
  brick_value kept = host->value_retain(own);
  brick_status retained = host->value_list_append(own, host->value_new_int(2));
  host->value_release(kept);
  host->value_release(own);

  host->block_state_set_slot(bs, 1, host->value_new_int(nested));
  host->block_state_set_slot(bs, 2, nested_error);
  host->block_state_set_slot(bs, 3, host->value_new_int(config));
  host->block_state_set_slot(bs, 4, config_error);
  host->block_state_set_slot(bs, 5, host->value_new_int(own_status));
  host->block_state_set_slot(bs, 6, host->value_new_int(retained));
  return host->set_block_state(ctx, bs);
}

/* ---- StaleError: a host call fails, a later one succeeds, the block fails
 * without a message of its own ------------------------------------------- */

static const brick_block_decl stale_decl = {.struct_size = sizeof(brick_block_decl), .name = "StaleError"};

static brick_status stale_call(brick_block* self, brick_ctx* ctx) {
  (void)self;
  brick_value not_a_component = host->value_new_int(1);
  brick_value out = NULL;
  brick_status status = host->component_call(ctx, not_a_component, "go", NULL, &out);
  host->value_release(not_a_component);
  if (status == BRICK_OK) return BRICK_ERR_INTERNAL; /* the test expects the call to fail */
  brick_block_state* bs = NULL;
  if (host->get_block_state(ctx, &bs) != BRICK_OK) return BRICK_ERR_INTERNAL;
  return BRICK_ERR_BLOCK_FAILED;
}

/* ---- CallThing: calls its component "thing" and reports what came back --- */

static const brick_component_spec thing_spec = {
    sizeof(brick_component_spec), BRICK_CREATE_FROM_PRETRAINED, "thing", NULL, NULL, NULL, NULL, NULL, NULL, NULL};
static const brick_component_spec* const thing_components[] = {&thing_spec};
static const brick_output_param call_out[] = {OUT("status"), OUT("message")};
static const brick_output_param* const call_outputs[] = {&call_out[0], &call_out[1]};
static const brick_block_decl call_decl = {
    .struct_size = sizeof(brick_block_decl),
    .name = "CallThing",
    .intermediate_outputs = call_outputs,
    .num_intermediate_outputs = 2,
    .expected_components = thing_components,
    .num_expected_components = 1,
};

static brick_status call_thing(brick_block* self, brick_ctx* ctx) {
  (void)self;
  brick_block_state* bs = NULL;
  brick_status status = host->get_block_state(ctx, &bs);
  if (status != BRICK_OK) return status;
  brick_value out = NULL;
  brick_status called = host->component_call(ctx, host->get_component(ctx, "thing"), "go", NULL, &out);
  brick_value message = text(host->last_error(ctx));
  if (out) host->value_release(out);
  host->block_state_set_slot(bs, 0, host->value_new_int(called));
  host->block_state_set_slot(bs, 1, message);
  return host->set_block_state(ctx, bs);
}

/* ---- components: one whose instances lack `call`, one that answers no method */

static int destroyed_incomplete = 0;

static void incomplete_destroy(brick_component* self) {
  ++destroyed_incomplete;
  free(self);
}
static brick_status incomplete_create(const brick_component_class* cls, brick_ctx* ctx, brick_value config,
                                      brick_component** out) {
  (void)cls;
  (void)ctx;
  (void)config;
  brick_component* made = calloc(1, sizeof *made);
  if (!made) return BRICK_ERR_OUT_OF_MEMORY;
  made->struct_size = sizeof(brick_component);
  made->destroy = incomplete_destroy; /* but no call */
  *out = made;
  return BRICK_OK;
}
static const brick_component_class incomplete_class = {sizeof(brick_component_class), "Incomplete", NULL,
                                                       incomplete_create};

static brick_status quiet_call(brick_component* self, brick_ctx* ctx, const char* method, brick_value args,
                               brick_value* out) {
  (void)self;
  (void)args;
  (void)out;
  char message[160];
#if defined(ABI_1_1)
  /* What the 1.1 SDK said for an unknown method. */
  snprintf(message, sizeof message, "component has no method '%s'", method ? method : "");
  host->set_error(ctx, message);
  return BRICK_ERR_NOT_FOUND;
#else
  snprintf(message, sizeof message, "Quiet answers no method, not even '%s'", method ? method : "");
  host->set_error(ctx, message);
  return BRICK_ERR_UNKNOWN_METHOD;
#endif
}
static void quiet_destroy(brick_component* self) { free(self); }
static brick_status quiet_create(const brick_component_class* cls, brick_ctx* ctx, brick_value config,
                                 brick_component** out) {
  (void)cls;
  (void)ctx;
  (void)config;
  brick_component* made = calloc(1, sizeof *made);
  if (!made) return BRICK_ERR_OUT_OF_MEMORY;
  made->struct_size = sizeof(brick_component);
  made->call = quiet_call;
  made->destroy = quiet_destroy;
  *out = made;
  return BRICK_OK;
}
static const brick_component_class quiet_class = {sizeof(brick_component_class), "Quiet", NULL, quiet_create};

/* DestroyCount: how many Incomplete instances the host destroyed. */
static const brick_output_param count_out = OUT("destroyed");
static const brick_output_param* const count_outputs[] = {&count_out};
static const brick_block_decl count_decl = {
    .struct_size = sizeof(brick_block_decl),
    .name = "DestroyCount",
    .intermediate_outputs = count_outputs,
    .num_intermediate_outputs = 1,
};
static brick_status count_call(brick_block* self, brick_ctx* ctx) {
  (void)self;
  brick_block_state* bs = NULL;
  brick_status status = host->get_block_state(ctx, &bs);
  if (status != BRICK_OK) return status;
  host->block_state_set_slot(bs, 0, host->value_new_int(destroyed_incomplete));
  return host->set_block_state(ctx, bs);
}

/* ---- crashes --------------------------------------------------------------- */

static const brick_block_decl segfault_decl = {.struct_size = sizeof(brick_block_decl), .name = "Segfault"};
/* A real invalid access; UBSan must not catch it first (its null check would
 * report and abort before the signal that the test is about). */
__attribute__((no_sanitize("undefined"))) static brick_status segfault_call(brick_block* self, brick_ctx* ctx) {
  (void)self;
  (void)ctx;
  volatile int* volatile nowhere = NULL;
  *nowhere = 42;
  return BRICK_OK;
}
static const brick_block_decl abort_decl = {.struct_size = sizeof(brick_block_decl), .name = "Abort"};
static brick_status abort_call(brick_block* self, brick_ctx* ctx) {
  (void)self;
  (void)ctx;
  abort();
}

/* ---- the plugin ------------------------------------------------------------ */

#define ENTRY(var, name, decl, call) \
  static const entry var = {{sizeof(brick_block_class), name, NULL, entry_create}, &decl, call}
ENTRY(mutate_entry, "MutatePublished", mutate_decl, mutate_call);
ENTRY(stale_entry, "StaleError", stale_decl, stale_call);
ENTRY(call_entry, "CallThing", call_decl, call_thing);
ENTRY(count_entry, "DestroyCount", count_decl, count_call);
ENTRY(segfault_entry, "Segfault", segfault_decl, segfault_call);
ENTRY(abort_entry, "Abort", abort_decl, abort_call);
static const brick_block_class* const classes[] = {&mutate_entry.cls, &stale_entry.cls,    &call_entry.cls,
                                                   &count_entry.cls,  &segfault_entry.cls, &abort_entry.cls};
static const brick_component_class* const component_classes[] = {&incomplete_class, &quiet_class};

/* Appends a line to $BRICK_TEST_SHUTDOWN_LOG: the test counts them. */
static void on_shutdown(brick_ctx* ctx) {
  (void)ctx;
  const char* path = getenv("BRICK_TEST_SHUTDOWN_LOG");
  if (!path) return;
  FILE* log = fopen(path, "a");
  if (!log) return;
  fputs("shutdown\n", log);
  fclose(log);
}

static const brick_plugin descriptor = {
    .struct_size = sizeof(brick_plugin),
    .num_block_classes = sizeof classes / sizeof classes[0],
    .name = PLUGIN_NAME,
    .version = "0.0.1",
    .description = "misbehaves at the ABI's edges (tests/hardening)",
    .block_classes = classes,
    .shutdown = on_shutdown,
    .num_component_classes = sizeof component_classes / sizeof component_classes[0],
    .component_classes = component_classes,
};

#if defined(ABI_1_1)
/* Tagged as a plugin of ABI 1.1 (compiled from the 1.2 header, which only
 * appended: the 1.2 fields it hands over are zero). */
BRICK_EXPORT const brick_abi_tag brick_plugin_abi = {BRICK_ABI_MAGIC, 1, 1};
#else
BRICK_EXPORT const brick_abi_tag brick_plugin_abi = {BRICK_ABI_MAGIC, BRICK_ABI_VERSION_MAJOR, BRICK_ABI_VERSION_MINOR};
#endif

BRICK_EXPORT const brick_plugin* brick_plugin_entry(const brick_host_api* api, brick_ctx* ctx) {
  (void)ctx;
  host = api;
  return &descriptor;
}
