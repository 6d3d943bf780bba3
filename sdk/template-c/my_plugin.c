/* A brick plugin in plain C (C99): one block, AddOffset, y = x + offset for
 * float32 CPU tensors. It needs only <brick/brick_abi.h> and DLPack's header
 * (<dlpack/dlpack.h>, Debian's libdlpack-dev); no LibTorch, no C++.
 *
 * The rules a C plugin follows (docs/writing-a-plugin.md, "A plugin in plain C"):
 *  - Export exactly two symbols: brick_plugin_abi and brick_plugin_entry.
 *  - The host table given to the entry point stays valid while the plugin is
 *    loaded: keep it in a static and use it from every call (block calls get
 *    only their ctx).
 *  - Every struct starts with struct_size = sizeof(the struct) and is fully
 *    initialised (designated initialisers zero the rest, padding included).
 *  - A block class is complete when it has a name and create, and each
 *    instance it creates has decl, call, clone and destroy: the host refuses
 *    an instance without call, clone or destroy, naming the block.
 *  - On failure, call host->set_error(ctx, message) (the host copies the
 *    message) and return a status.
 *  - value_from_dlpack takes the tensor whether it succeeds or not: on
 *    failure the host has already called its deleter and returns NULL, with
 *    the reason recorded in ctx.
 *  - Borrowed values (every getter's result) are valid until the call returns;
 *    owned ones (value_new_*, value_from_*) are passed on or released. */
#include <brick/brick_abi.h>
#include <dlpack/dlpack.h>
#include <stdlib.h>
#include <string.h>

static const brick_host_api* host;

static brick_status fail(brick_ctx* ctx, brick_status status, const char* message) {
  host->set_error(ctx, message);
  return status;
}

/* A tensor the plugin allocated, with its shape, freed by its deleter. */
typedef struct {
  DLManagedTensor managed;
  int64_t shape[8];
} owned_tensor;

static void free_tensor(DLManagedTensor* self) {
  free(self->dl_tensor.data);
  free(self->manager_ctx);
}

/* Slots follow the declaration: inputs first, then outputs.
 * 0 = x, 1 = offset, 2 = y. */
static brick_status add_offset_call(brick_block* self, brick_ctx* ctx) {
  (void)self;
  brick_block_state* bs = NULL;
  brick_status status = host->get_block_state(ctx, &bs);
  if (status != BRICK_OK) return status;

  double offset = 0.0;
  if (host->value_to_float(host->block_state_get_slot(bs, 1), &offset) != BRICK_OK)
    return fail(ctx, BRICK_ERR_TYPE_MISMATCH, "offset must be a number");

  DLManagedTensor* in = NULL;
  if (host->value_to_dlpack(host->block_state_get_slot(bs, 0), &in) != BRICK_OK)
    return fail(ctx, BRICK_ERR_TYPE_MISMATCH, "x must be a tensor");
  const DLTensor* x = &in->dl_tensor;
  int contiguous = 1;
  int64_t n = 1;
  for (int i = x->ndim - 1; i >= 0 && i < 8; --i) {
    if (x->strides && x->shape[i] != 1 && x->strides[i] != n) contiguous = 0;
    n *= x->shape[i];
  }
  if (x->device.device_type != kDLCPU || x->dtype.code != kDLFloat || x->dtype.bits != 32 || x->ndim > 8 ||
      !contiguous) {
    in->deleter(in);
    return fail(ctx, BRICK_ERR_TYPE_MISMATCH, "AddOffset takes a contiguous float32 CPU tensor of at most 8 dimensions");
  }

  owned_tensor* out = calloc(1, sizeof *out);
  float* data = malloc((size_t)(n > 0 ? n : 1) * sizeof(float));
  if (!out || !data) {
    free(out);
    free(data);
    in->deleter(in);
    return fail(ctx, BRICK_ERR_OUT_OF_MEMORY, "out of memory");
  }
  const float* src = (const float*)((const char*)x->data + x->byte_offset);
  for (int64_t i = 0; i < n; ++i) data[i] = src[i] + (float)offset;
  memcpy(out->shape, x->shape, sizeof(int64_t) * (size_t)x->ndim);
  out->managed.dl_tensor.data = data;
  out->managed.dl_tensor.device = x->device;
  out->managed.dl_tensor.ndim = x->ndim;
  out->managed.dl_tensor.dtype = x->dtype;
  out->managed.dl_tensor.shape = out->shape;
  out->managed.manager_ctx = out;
  out->managed.deleter = free_tensor;
  in->deleter(in);

  brick_value y = host->value_from_dlpack(ctx, &out->managed);
  if (!y) return BRICK_ERR_INVALID_ARGUMENT; /* the host freed the tensor and recorded why */
  if ((status = host->block_state_set_slot(bs, 2, y)) != BRICK_OK) return status;
  return host->set_block_state(ctx, bs);
}

static const brick_input_param x_param = {
    .struct_size = sizeof(brick_input_param), .required = 1, .name = "x", .type_hint = "Tensor",
    .description = "A float32 CPU tensor."};
static const brick_input_param offset_param = {
    .struct_size = sizeof(brick_input_param), .name = "offset", .type_hint = "float", .default_json = "1.0",
    .description = "Added to every element."};
static const brick_input_param* const inputs[] = {&x_param, &offset_param};
static const brick_output_param y_param = {
    .struct_size = sizeof(brick_output_param), .name = "y", .type_hint = "Tensor", .description = "x + offset"};
static const brick_output_param* const outputs[] = {&y_param};

static const brick_block_decl add_offset_decl = {
    .struct_size = sizeof(brick_block_decl),
    .name = "AddOffset",
    .description = "Adds an offset to every element of x.",
    .inputs = inputs,
    .intermediate_outputs = outputs,
    .num_inputs = 2,
    .num_intermediate_outputs = 1,
};

static brick_status add_offset_clone(const brick_block* self, brick_ctx* ctx, brick_block** out);
static void add_offset_destroy(brick_block* self) { free(self); }

static brick_block* new_add_offset(void) {
  brick_block* block = calloc(1, sizeof *block);
  if (!block) return NULL;
  block->struct_size = sizeof *block;
  block->decl = &add_offset_decl;
  block->call = add_offset_call;
  block->clone = add_offset_clone;
  block->destroy = add_offset_destroy;
  return block;
}

static brick_status add_offset_clone(const brick_block* self, brick_ctx* ctx, brick_block** out) {
  (void)self;
  *out = new_add_offset();
  return *out ? BRICK_OK : fail(ctx, BRICK_ERR_OUT_OF_MEMORY, "out of memory");
}

static brick_status add_offset_create(const brick_block_class* cls, brick_ctx* ctx, brick_value config,
                                      brick_block** out) {
  (void)cls;
  (void)config; /* constructor arguments, a dict or NULL */
  *out = new_add_offset();
  return *out ? BRICK_OK : fail(ctx, BRICK_ERR_OUT_OF_MEMORY, "out of memory");
}

static const brick_block_class add_offset_class = {
    .struct_size = sizeof(brick_block_class), .name = "AddOffset", .description = "y = x + offset",
    .create = add_offset_create};
static const brick_block_class* const classes[] = {&add_offset_class};

static const brick_plugin descriptor = {
    .struct_size = sizeof(brick_plugin),
    .num_block_classes = 1,
    .name = "my_c_plugin",
    .version = "0.1.0",
    .description = "A plugin in plain C made from the brick template",
    .block_classes = classes,
};

BRICK_EXPORT const brick_abi_tag brick_plugin_abi = {BRICK_ABI_MAGIC, BRICK_ABI_VERSION_MAJOR, BRICK_ABI_VERSION_MINOR};

BRICK_EXPORT const brick_plugin* brick_plugin_entry(const brick_host_api* api, brick_ctx* ctx) {
  (void)ctx;
  host = api;
  return &descriptor;
}
