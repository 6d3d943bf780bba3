/* reload_plugin.c: the hot-reload test plugin (tests/reload), one plain-C
 * source built several times with -D:
 *   ANSWER=n          what its blocks and component answer (1: v1, 2: v2), and
 *                     its version "n.0.0"
 *   NOT_UNLOADABLE    does not declare BRICK_PLUGIN_UNLOADABLE (stays resident)
 *   NO_WEIGHTS        exports no Weights component type (it vanished)
 *   BROKEN_CRASH      its static constructor segfaults whoever opens it
 *   BROKEN_HANG       its static constructor never returns
 *   BROKEN_ABI        built for ABI 2.x
 *   BROKEN_NO_ENTRY   exports no entry point
 *   BROKEN_UNRESOLVED calls a function defined nowhere (RTLD_NOW refuses it)
 * Blocks: First and Second write ANSWER to "first" and "second" (a run that
 * mixed generations would show two answers; First adds its constructor
 * argument "offset", so a rebuilt block shows whether it kept it); Repeat is a loop wrapper that
 * runs Accumulate (total += ANSWER) num_steps times; Probe reads the
 * "weights" component (a Weights: a list of floats with state_dict /
 * load_state_dict, as a model's weights) and writes its sum and answer. */
#include <brick/brick_abi.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef ANSWER
#define ANSWER 1
#endif
#define TEXT_(x) #x
#define TEXT(x) TEXT_(x)

static const brick_host_api* host;

#if defined(BROKEN_CRASH) || defined(BROKEN_HANG)
__attribute__((constructor)) static void on_load(void) {
#if defined(BROKEN_CRASH)
  volatile uintptr_t nowhere = 16; /* not NULL: a sanitizer reports NULL stores instead of faulting */
  *(volatile int*)nowhere = 1;
#else
  for (;;) sleep(1);
#endif
}
#endif

/* ---- First, Second: leaves writing ANSWER --------------------------------- */

/* Every instance: the ABI block and its constructor argument. */
typedef struct instance {
  brick_block base; /* first: the host holds a brick_block* */
  int64_t offset;
} instance;

static brick_status write_answer(brick_ctx* ctx, const char* name, int64_t offset) {
  brick_block_state* bs = NULL;
  brick_status status = host->get_block_state(ctx, &bs);
  if (status != BRICK_OK) return status;
  status = host->block_state_set(bs, name, host->value_new_int(ANSWER + offset));
  return status == BRICK_OK ? host->set_block_state(ctx, bs) : status;
}
static brick_status first_call(brick_block* self, brick_ctx* ctx) {
  return write_answer(ctx, "first", ((instance*)self)->offset);
}
static brick_status second_call(brick_block* self, brick_ctx* ctx) {
  (void)self;
  return write_answer(ctx, "second", 0);
}

static const brick_output_param first_out = {sizeof(brick_output_param), "first", "int", "ANSWER", NULL, NULL};
static const brick_output_param* const first_outs[] = {&first_out};
static const brick_block_decl first_decl = {.struct_size = sizeof(brick_block_decl),
                                            .name = "First",
                                            .description = "Writes the build's answer to first.",
                                            .intermediate_outputs = first_outs,
                                            .num_intermediate_outputs = 1};
static const brick_output_param second_out = {sizeof(brick_output_param), "second", "int", "ANSWER", NULL, NULL};
static const brick_output_param* const second_outs[] = {&second_out};
static const brick_block_decl second_decl = {.struct_size = sizeof(brick_block_decl),
                                             .name = "Second",
                                             .description = "Writes the build's answer to second.",
                                             .intermediate_outputs = second_outs,
                                             .num_intermediate_outputs = 1};

/* ---- Accumulate: total += ANSWER, inside Repeat's loop --------------------- */

static brick_status accumulate_loop_call(brick_block* self, brick_ctx* ctx) {
  (void)self;
  brick_block_state* bs = NULL;
  brick_status status = host->get_block_state(ctx, &bs);
  if (status != BRICK_OK) return status;
  int64_t total = 0;
  brick_value current = host->block_state_get(bs, "total");
  if (current && host->value_kind(current) == BRICK_VALUE_INT) host->value_to_int(current, &total);
  return host->block_state_set(bs, "total", host->value_new_int(total + ANSWER));
}
static brick_status accumulate_call(brick_block* self, brick_ctx* ctx) {
  (void)self;
  host->set_error(ctx, "Accumulate runs inside Repeat's loop");
  return BRICK_ERR_UNSUPPORTED;
}
static const brick_input_param total_in = {sizeof(brick_input_param), 0, "total", "int", "0", "running total", NULL,
                                           NULL};
static const brick_input_param* const accumulate_ins[] = {&total_in};
static const brick_output_param total_out = {sizeof(brick_output_param), "total", "int", "the sum", NULL, NULL};
static const brick_output_param* const accumulate_outs[] = {&total_out};
static const brick_block_decl accumulate_decl = {.struct_size = sizeof(brick_block_decl),
                                                 .name = "Accumulate",
                                                 .description = "Adds the build's answer to total.",
                                                 .inputs = accumulate_ins,
                                                 .intermediate_outputs = accumulate_outs,
                                                 .num_inputs = 1,
                                                 .num_intermediate_outputs = 1};

/* ---- Repeat: a loop wrapper running Accumulate num_steps times ------------- */

static brick_status repeat_call(brick_block* self, brick_ctx* ctx) {
  (void)self;
  brick_block_state* bs = NULL;
  brick_status status = host->get_block_state(ctx, &bs);
  if (status != BRICK_OK) return status;
  int64_t steps = 0;
  host->value_to_int(host->block_state_get(bs, "num_steps"), &steps);
  for (int64_t i = 0; i < steps; ++i) {
    brick_value args = host->value_new_dict();
    host->value_dict_set(args, "i", host->value_new_int(i));
    status = host->loop_step(ctx, bs, args);
    host->value_release(args);
    if (status != BRICK_OK) return status;
  }
  return host->set_block_state(ctx, bs);
}
static const brick_input_param steps_in = {sizeof(brick_input_param), 0, "num_steps", "int", "3", "iterations", NULL,
                                           NULL};
static const brick_input_param* const repeat_ins[] = {&steps_in};
static const brick_sub_block accumulate_sub = {sizeof(brick_sub_block), "accumulate", "Accumulate", NULL};
static const brick_sub_block* const repeat_subs[] = {&accumulate_sub};
static const brick_block_decl repeat_decl = {.struct_size = sizeof(brick_block_decl),
                                             .name = "Repeat",
                                             .description = "Runs its sub-blocks num_steps times.",
                                             .inputs = repeat_ins,
                                             .num_inputs = 1,
                                             .kind = BRICK_BLOCK_LOOP,
                                             .num_sub_blocks = 1,
                                             .sub_blocks = repeat_subs};

/* ---- Weights: a component holding a list of floats ------------------------- */

#if !defined(NO_WEIGHTS)
typedef struct weights {
  brick_component base; /* first: the host holds a brick_component* */
  int64_t size;
  double* w;
} weights;

static brick_value weights_list(const weights* self) {
  brick_value list = host->value_new_list();
  for (int64_t i = 0; i < self->size; ++i) host->value_list_append(list, host->value_new_float(self->w[i]));
  return list;
}

static brick_status weights_call(brick_component* base, brick_ctx* ctx, const char* method, brick_value args,
                                 brick_value* out) {
  weights* self = (weights*)base;
  if (strcmp(method, "answer") == 0) {
    *out = host->value_new_int(ANSWER);
    return BRICK_OK;
  }
  if (strcmp(method, "fill") == 0) { /* fill(value=x) */
    double value = 0;
    brick_value given = args ? host->value_dict_get(args, "value") : NULL;
    if (!given || host->value_to_float(given, &value) != BRICK_OK) {
      host->set_error(ctx, "fill takes value=<float>");
      return BRICK_ERR_INVALID_ARGUMENT;
    }
    for (int64_t i = 0; i < self->size; ++i) self->w[i] = value + (double)i;
    *out = NULL;
    return BRICK_OK;
  }
  if (strcmp(method, "state_dict") == 0) {
    brick_value dict = host->value_new_dict();
    host->value_dict_set(dict, "w", weights_list(self));
    *out = dict;
    return BRICK_OK;
  }
  if (strcmp(method, "load_state_dict") == 0) { /* load_state_dict(state_dict={"w": [...]}) */
    brick_value state = args ? host->value_dict_get(args, "state_dict") : NULL;
    brick_value list = state ? host->value_dict_get(state, "w") : NULL;
    if (!list || (int64_t)host->value_size(list) != self->size) {
      host->set_error(ctx, "load_state_dict: state_dict['w'] must hold size floats");
      return BRICK_ERR_INVALID_ARGUMENT;
    }
    for (int64_t i = 0; i < self->size; ++i) host->value_to_float(host->value_list_at(list, (size_t)i), &self->w[i]);
    *out = NULL;
    return BRICK_OK;
  }
  char message[160];
  snprintf(message, sizeof message, "Weights has no method '%s'", method);
  host->set_error(ctx, message);
  return BRICK_ERR_UNKNOWN_METHOD;
}
static void* weights_native(brick_component* self, const char* type_id) {
  (void)self;
  (void)type_id;
  return NULL;
}
static brick_value weights_config(brick_component* base) {
  weights* self = (weights*)base;
  brick_value dict = host->value_new_dict();
  host->value_dict_set(dict, "size", host->value_new_int(self->size));
  return dict;
}
static void weights_destroy(brick_component* base) {
  weights* self = (weights*)base;
  free(self->w);
  free(self);
}
static brick_status weights_create(const brick_component_class* cls, brick_ctx* ctx, brick_value config,
                                   brick_component** out) {
  (void)cls;
  int64_t size = 3;
  brick_value given = config ? host->value_dict_get(config, "size") : NULL;
  if (given) host->value_to_int(given, &size);
  if (size < 1 || size > 1024) {
    host->set_error(ctx, "Weights: size must be 1..1024");
    return BRICK_ERR_INVALID_ARGUMENT;
  }
  weights* self = calloc(1, sizeof *self);
  if (!self) return BRICK_ERR_OUT_OF_MEMORY;
  self->w = calloc((size_t)size, sizeof(double));
  if (!self->w) {
    free(self);
    return BRICK_ERR_OUT_OF_MEMORY;
  }
  self->size = size;
  self->base.struct_size = sizeof(brick_component);
  self->base.call = weights_call;
  self->base.native = weights_native;
  self->base.config = weights_config;
  self->base.destroy = weights_destroy;
  *out = &self->base;
  return BRICK_OK;
}
static const brick_component_class weights_class = {sizeof(brick_component_class), "Weights",
                                                    "a list of floats with a state_dict", weights_create};
static const brick_component_class* const component_classes[] = {&weights_class};
#define NUM_COMPONENT_CLASSES 1
#else
static const brick_component_class* const* const component_classes = NULL;
#define NUM_COMPONENT_CLASSES 0
#endif

/* ---- Probe: reads the weights component ------------------------------------ */

static brick_status probe_call(brick_block* self, brick_ctx* ctx) {
  (void)self;
  brick_block_state* bs = NULL;
  brick_status status = host->get_block_state(ctx, &bs);
  if (status != BRICK_OK) return status;
  brick_value component = host->get_component(ctx, "weights");
  if (!component || host->value_kind(component) != BRICK_VALUE_OBJECT) {
    host->set_error(ctx, "Probe needs the weights component");
    return BRICK_ERR_NOT_FOUND;
  }
  brick_value state = NULL;
  status = host->component_call(ctx, component, "state_dict", NULL, &state);
  if (status != BRICK_OK) return status;
  brick_value list = host->value_dict_get(state, "w");
  double sum = 0;
  for (size_t i = 0; list && i < host->value_size(list); ++i) {
    double x = 0;
    host->value_to_float(host->value_list_at(list, i), &x);
    sum += x;
  }
  host->value_release(state);
  brick_value answer = NULL;
  status = host->component_call(ctx, component, "answer", NULL, &answer);
  if (status != BRICK_OK) return status;
  status = host->block_state_set(bs, "weights_answer", answer);
  if (status == BRICK_OK) status = host->block_state_set(bs, "weight_sum", host->value_new_float(sum));
  return status == BRICK_OK ? host->set_block_state(ctx, bs) : status;
}
static const brick_component_spec weights_spec = {.struct_size = sizeof(brick_component_spec),
                                                  .default_creation_method = BRICK_CREATE_FROM_CONFIG,
                                                  .name = "weights",
                                                  .type_hint = "reload_demo.Weights",
                                                  .config_json = "{\"size\": 3}"};
static const brick_component_spec* const probe_components[] = {&weights_spec};
static const brick_output_param sum_out = {sizeof(brick_output_param), "weight_sum", "float", "sum of w", NULL, NULL};
static const brick_output_param answer_out = {sizeof(brick_output_param), "weights_answer", "int",
                                              "the component's answer", NULL, NULL};
static const brick_output_param* const probe_outs[] = {&sum_out, &answer_out};
static const brick_block_decl probe_decl = {.struct_size = sizeof(brick_block_decl),
                                            .name = "Probe",
                                            .description = "Reads the weights component.",
                                            .intermediate_outputs = probe_outs,
                                            .expected_components = probe_components,
                                            .num_intermediate_outputs = 2,
                                            .num_expected_components = 1};

/* ---- block instances: one allocation, the decl and call chosen per class --- */

static void block_destroy(brick_block* self) { free(self); }
static brick_status block_clone(const brick_block* self, brick_ctx* ctx, brick_block** out) {
  (void)ctx;
  instance* copy = malloc(sizeof *copy);
  if (!copy) return BRICK_ERR_OUT_OF_MEMORY;
  *copy = *(const instance*)self;
  *out = &copy->base;
  return BRICK_OK;
}
static brick_status make_block(const brick_block_decl* decl, brick_status (*call)(brick_block*, brick_ctx*),
                               brick_status (*loop_call)(brick_block*, brick_ctx*), brick_value config,
                               brick_block** out) {
  instance* made = calloc(1, sizeof *made);
  if (!made) return BRICK_ERR_OUT_OF_MEMORY;
  brick_value offset = config ? host->value_dict_get(config, "offset") : NULL;
  if (offset) host->value_to_int(offset, &made->offset);
  brick_block* block = &made->base;
  block->struct_size = sizeof *block;
  block->decl = decl;
  block->call = call;
  block->clone = block_clone;
  block->destroy = block_destroy;
  block->loop_call = loop_call;
  *out = block;
  return BRICK_OK;
}
#define CREATE(fn, decl, call, loop_call)                                                         \
  static brick_status fn(const brick_block_class* cls, brick_ctx* ctx, brick_value config, \
                         brick_block** out) {                                                     \
    (void)cls;                                                                                    \
    (void)ctx;                                                                                    \
    return make_block(&decl, call, loop_call, config, out);                                       \
  }
CREATE(first_create, first_decl, first_call, NULL)
CREATE(second_create, second_decl, second_call, NULL)
CREATE(accumulate_create, accumulate_decl, accumulate_call, accumulate_loop_call)
CREATE(repeat_create, repeat_decl, repeat_call, NULL)
CREATE(probe_create, probe_decl, probe_call, NULL)

static const brick_block_class first_class = {sizeof(brick_block_class), "First", "writes first", first_create};
static const brick_block_class second_class = {sizeof(brick_block_class), "Second", "writes second", second_create};
static const brick_block_class accumulate_class = {sizeof(brick_block_class), "Accumulate", "total += answer",
                                                   accumulate_create};
static const brick_block_class repeat_class = {sizeof(brick_block_class), "Repeat", "a loop", repeat_create};
static const brick_block_class probe_class = {sizeof(brick_block_class), "Probe", "reads weights", probe_create};
static const brick_block_class* const classes[] = {&first_class, &second_class, &accumulate_class, &repeat_class,
                                                   &probe_class};

static const brick_plugin descriptor = {
    .struct_size = sizeof(brick_plugin),
    .num_block_classes = 5,
    .name = "reload_demo",
    .version = TEXT(ANSWER) ".0.0",
    .description = "the hot-reload test plugin",
    .torch_fingerprint = NULL,
    .block_classes = classes,
    .num_component_classes = NUM_COMPONENT_CLASSES,
    .component_classes = component_classes,
#if !defined(NOT_UNLOADABLE)
    .flags = BRICK_PLUGIN_UNLOADABLE,
#endif
};

#if defined(BROKEN_ABI)
BRICK_EXPORT const brick_abi_tag brick_plugin_abi = {BRICK_ABI_MAGIC, BRICK_ABI_VERSION_MAJOR + 1, 0};
#else
BRICK_EXPORT const brick_abi_tag brick_plugin_abi = {BRICK_ABI_MAGIC, BRICK_ABI_VERSION_MAJOR, BRICK_ABI_VERSION_MINOR};
#endif

#if defined(BROKEN_UNRESOLVED)
extern int reload_demo_symbol_that_does_not_exist(void); /* defined nowhere */
#endif

#if defined(BROKEN_NO_ENTRY)
BRICK_EXPORT const brick_plugin* brick_plugin_entry_misspelled(const brick_host_api* api, brick_ctx* ctx) {
#else
BRICK_EXPORT const brick_plugin* brick_plugin_entry(const brick_host_api* api, brick_ctx* ctx) {
#endif
  (void)ctx;
#if defined(BROKEN_UNRESOLVED)
  if (reload_demo_symbol_that_does_not_exist() != 0) return NULL;
#endif
  host = api;
  return &descriptor;
}
