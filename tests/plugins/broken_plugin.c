/* broken_plugin.c: one source built as several plugins, each with exactly one
 * defect (chosen by a BROKEN_* macro), for the loader's refusal tests. Without
 * a macro it builds a minimal valid plugin, "test_minimal". */
#include <brick/brick_abi.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static const brick_host_api* host;

#ifndef PLUGIN_NAME
#define PLUGIN_NAME "test_minimal"
#endif

#if defined(BROKEN_ABI_MAJOR)
#define TAG_MAJOR (BRICK_ABI_VERSION_MAJOR + 1)
#else
#define TAG_MAJOR BRICK_ABI_VERSION_MAJOR
#endif
#if defined(BROKEN_ABI_MINOR)
#define TAG_MINOR (BRICK_ABI_VERSION_MINOR + 1)
#elif defined(ABI_1_0)
/* Not broken: a plugin built for ABI 1.0, with the 1.0 struct layouts. */
#define TAG_MINOR 0
#else
#define TAG_MINOR BRICK_ABI_VERSION_MINOR
#endif
#if defined(BROKEN_MAGIC)
#define TAG_MAGIC 0xDEADBEEFu
#else
#define TAG_MAGIC BRICK_ABI_MAGIC
#endif

static brick_status noop_call(brick_block* self, brick_ctx* ctx) {
  (void)self;
  brick_block_state* bs = NULL;
  brick_status status = host->get_block_state(ctx, &bs);
  return status == BRICK_OK ? host->set_block_state(ctx, bs) : status;
}
static void noop_destroy(brick_block* self) { free(self); }
static brick_status noop_clone(const brick_block* self, brick_ctx* ctx, brick_block** out);

#if defined(BROKEN_DECL)
static const brick_input_param bad_default = {sizeof(brick_input_param), 0, "strength", "float", "{not json", NULL, NULL, NULL};
static const brick_input_param* const inputs[] = {&bad_default};
#define NUM_INPUTS 1
#else
static const brick_input_param* const* const inputs = NULL;
#define NUM_INPUTS 0
#endif

#if defined(ABI_1_0)
/* The declaration exactly as SDK 1.0 declared it: 96 bytes, its last field
 * ending at 92, so 4 bytes of tail padding that a plain C plugin leaves
 * uninitialised (here: garbage, on purpose). ABI 1.1 put `kind` at offset 92;
 * a host that read those bytes as `kind` would refuse or misread the block. */
typedef struct brick_block_decl_1_0 {
  uint32_t struct_size;
  const char* name;
  const char* description;
  const char* model_name;
  const brick_input_param* const* inputs;
  const brick_input_param* const* intermediate_inputs;
  const brick_output_param* const* intermediate_outputs;
  const brick_component_spec* const* expected_components;
  const brick_config_spec* const* expected_configs;
  uint32_t num_inputs;
  uint32_t num_intermediate_inputs;
  uint32_t num_intermediate_outputs;
  uint32_t num_expected_components;
  uint32_t num_expected_configs;
} brick_block_decl_1_0;
_Static_assert(sizeof(brick_block_decl_1_0) == 96, "the 1.0 declaration is 96 bytes");
_Static_assert(offsetof(brick_block_decl_1_0, num_expected_configs) == 88, "its last field ends at 92");

static union {
  brick_block_decl_1_0 decl;
  unsigned char bytes[sizeof(brick_block_decl_1_0)];
} noop_decl_1_0;

static const brick_block_decl* noop_decl_ptr(void) {
  if (noop_decl_1_0.decl.struct_size == 0) {
    memset(noop_decl_1_0.bytes, 0xA5, sizeof noop_decl_1_0.bytes); /* garbage, padding included */
    noop_decl_1_0.decl.struct_size = sizeof(brick_block_decl_1_0);
    noop_decl_1_0.decl.name = "Noop";
    noop_decl_1_0.decl.description = "does nothing";
    noop_decl_1_0.decl.model_name = NULL;
    noop_decl_1_0.decl.inputs = inputs;
    noop_decl_1_0.decl.intermediate_inputs = NULL;
    noop_decl_1_0.decl.intermediate_outputs = NULL;
    noop_decl_1_0.decl.expected_components = NULL;
    noop_decl_1_0.decl.expected_configs = NULL;
    noop_decl_1_0.decl.num_inputs = NUM_INPUTS;
    noop_decl_1_0.decl.num_intermediate_inputs = 0;
    noop_decl_1_0.decl.num_intermediate_outputs = 0;
    noop_decl_1_0.decl.num_expected_components = 0;
    noop_decl_1_0.decl.num_expected_configs = 0;
  }
  return (const brick_block_decl*)&noop_decl_1_0.decl;
}
/* brick_block 1.0 ends at destroy, with no tail padding. */
#define BLOCK_SIZE offsetof(brick_block, loop_call)
#else
static const brick_block_decl noop_decl = {
    .struct_size = sizeof(brick_block_decl),
    .name = "Noop",
    .description = "does nothing",
    .inputs = inputs,
    .num_inputs = NUM_INPUTS,
};
static const brick_block_decl* noop_decl_ptr(void) { return &noop_decl; }
#define BLOCK_SIZE sizeof(brick_block)
#endif

static brick_block* new_noop(void) {
  brick_block* block = calloc(1, sizeof *block);
  if (!block) return NULL;
  block->struct_size = BLOCK_SIZE;
  block->decl = noop_decl_ptr();
  block->call = noop_call;
  block->clone = noop_clone;
  block->destroy = noop_destroy;
  return block;
}
static brick_status noop_clone(const brick_block* self, brick_ctx* ctx, brick_block** out) {
  (void)self;
  (void)ctx;
  *out = new_noop();
  return *out ? BRICK_OK : BRICK_ERR_OUT_OF_MEMORY;
}
static brick_status noop_create(const brick_block_class* cls, brick_ctx* ctx, brick_value config, brick_block** out) {
  (void)cls;
  (void)config;
  return noop_clone(NULL, ctx, out);
}

static const brick_block_class noop_class = {sizeof(brick_block_class), "Noop", "does nothing", noop_create};
#if defined(BROKEN_DUPLICATE_BLOCK)
static const brick_block_class* const classes[] = {&noop_class, &noop_class};
#else
static const brick_block_class* const classes[] = {&noop_class};
#endif

#if defined(BROKEN_TORCH)
#define FINGERPRINT "torch=0.0.1;cxx11abi=0"
#else
#define FINGERPRINT NULL
#endif

static const brick_plugin descriptor = {
#if defined(ABI_1_0)
    .struct_size = offsetof(brick_plugin, num_component_classes), /* 1.0 ends at shutdown */
#else
    .struct_size = sizeof(brick_plugin),
#endif
    .num_block_classes = sizeof classes / sizeof classes[0],
    .name = PLUGIN_NAME,
    .version = "0.0.1",
    .description = "a deliberately broken plugin",
    .torch_fingerprint = FINGERPRINT,
    .block_classes = classes,
};

#if !defined(BROKEN_NO_TAG)
BRICK_EXPORT const brick_abi_tag brick_plugin_abi = {TAG_MAGIC, TAG_MAJOR, TAG_MINOR};
#endif

#if defined(BROKEN_ABI_MAJOR)
/* Runs at load time: the host must refuse the plugin before this. */
#include <stdlib.h>
__attribute__((constructor)) static void mark_code_ran(void) { setenv("BRICK_TEST_PLUGIN_CODE_RAN", "1", 1); }
#endif

#if defined(BROKEN_MISSING_SYMBOL)
/* Defined nowhere: the dynamic loader cannot resolve it. */
extern int brick_test_symbol_that_does_not_exist(void);
#endif

#if defined(BROKEN_NO_ENTRY)
/* Misspelled: the host looks for brick_plugin_entry. */
BRICK_EXPORT const brick_plugin* brick_plugin_entrypoint(const brick_host_api* api, brick_ctx* ctx) {
  (void)ctx;
  host = api;
  return &descriptor;
}
#else
BRICK_EXPORT const brick_plugin* brick_plugin_entry(const brick_host_api* api, brick_ctx* ctx) {
  host = api;
#if defined(BROKEN_MISSING_SYMBOL)
  if (brick_test_symbol_that_does_not_exist() != 0) return NULL;
#endif
#if defined(BROKEN_ENTRY_FAILS)
  (void)descriptor;
  api->set_error(ctx, "cannot initialise: no licence file found");
  return NULL;
#else
  (void)ctx;
  return &descriptor;
#endif
}
#endif
