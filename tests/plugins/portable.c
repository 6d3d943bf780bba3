/* test_portable: a plugin in plain C, using only brick_abi.h and DLPack.
 * Double: y = 2 * x for float32 CPU tensors, written into memory the plugin
 * allocates itself and hands to the host with its own deleter. It reports the
 * data pointers it saw and made so the test can check nothing was copied. */
#include <brick/brick_abi.h>
#ifdef BRICK_DLPACK_FROM_ATEN
#include <ATen/dlpack.h>
#else
#include <dlpack/dlpack.h>
#endif
#include <stdlib.h>
#include <string.h>

static const brick_host_api* host;

static brick_status fail(brick_ctx* ctx, brick_status status, const char* message) {
  host->set_error(ctx, message);
  return status;
}

typedef struct {
  DLManagedTensor managed;
  int64_t shape[8];
} owned_tensor;

static void free_tensor(DLManagedTensor* self) {
  free(self->dl_tensor.data);
  free(self->manager_ctx);
}

/* Slots (brick_block_decl): 0 = x, 1 = y, 2 = x_ptr, 3 = y_ptr. */
static brick_status double_call(brick_block* self, brick_ctx* ctx) {
  (void)self;
  brick_block_state* bs = NULL;
  brick_status status = host->get_block_state(ctx, &bs);
  if (status != BRICK_OK) return status;

  struct DLManagedTensor* in = NULL;
  status = host->value_to_dlpack(host->block_state_get_slot(bs, 0), &in);
  if (status != BRICK_OK) return fail(ctx, status, "x is not a tensor");
  DLTensor* x = &in->dl_tensor;
  if (x->device.device_type != kDLCPU || x->dtype.code != kDLFloat || x->dtype.bits != 32 || x->ndim > 8) {
    in->deleter(in);
    return fail(ctx, BRICK_ERR_TYPE_MISMATCH, "Double takes a float32 CPU tensor of at most 8 dimensions");
  }
  int64_t n = 1;
  for (int i = 0; i < x->ndim; ++i) n *= x->shape[i];
  const float* src = (const float*)((const char*)x->data + x->byte_offset);

  owned_tensor* out = calloc(1, sizeof *out);
  float* dst = malloc((size_t)(n > 0 ? n : 1) * sizeof(float));
  if (!out || !dst) {
    free(out);
    free(dst);
    in->deleter(in);
    return fail(ctx, BRICK_ERR_OUT_OF_MEMORY, "out of memory");
  }
  /* Contiguous input only: strides, when given, must be row-major. */
  int64_t expected = 1;
  for (int i = x->ndim - 1; i >= 0; --i) {
    if (x->strides && x->shape[i] != 1 && x->strides[i] != expected) {
      free(out);
      free(dst);
      in->deleter(in);
      return fail(ctx, BRICK_ERR_INVALID_ARGUMENT, "Double takes a contiguous tensor");
    }
    expected *= x->shape[i];
  }
  for (int64_t i = 0; i < n; ++i) dst[i] = 2.0f * src[i];

  memcpy(out->shape, x->shape, sizeof(int64_t) * (size_t)x->ndim);
  out->managed.dl_tensor.data = dst;
  out->managed.dl_tensor.device = x->device;
  out->managed.dl_tensor.ndim = x->ndim;
  out->managed.dl_tensor.dtype = x->dtype;
  out->managed.dl_tensor.shape = out->shape;
  out->managed.dl_tensor.strides = NULL; /* compact row-major */
  out->managed.manager_ctx = out;
  out->managed.deleter = free_tensor;

  int64_t x_ptr = (int64_t)(intptr_t)src;
  in->deleter(in);

  brick_value y = host->value_from_dlpack(ctx, &out->managed);
  if (!y) return BRICK_ERR_INVALID_ARGUMENT; /* the host set the message */
  if ((status = host->block_state_set_slot(bs, 1, y)) != BRICK_OK ||
      (status = host->block_state_set_slot(bs, 2, host->value_new_int(x_ptr))) != BRICK_OK ||
      (status = host->block_state_set_slot(bs, 3, host->value_new_int((int64_t)(intptr_t)dst))) != BRICK_OK) {
    return status;
  }
  return host->set_block_state(ctx, bs);
}

static brick_status double_clone(const brick_block* self, brick_ctx* ctx, brick_block** out);
static void double_destroy(brick_block* self) { free(self); }

static const brick_input_param x_param = {sizeof(brick_input_param), 1, "x", "Tensor", NULL,
                                          "float32 CPU tensor", NULL, NULL};
static const brick_input_param* const inputs[] = {&x_param};
static const brick_output_param y_param = {sizeof(brick_output_param), "y", "Tensor", "2 * x", NULL, NULL};
static const brick_output_param x_ptr_param = {sizeof(brick_output_param), "x_ptr", "int", NULL, NULL, NULL};
static const brick_output_param y_ptr_param = {sizeof(brick_output_param), "y_ptr", "int", NULL, NULL, NULL};
static const brick_output_param* const outputs[] = {&y_param, &x_ptr_param, &y_ptr_param};

static const brick_block_decl double_decl = {
    .struct_size = sizeof(brick_block_decl),
    .name = "Double",
    .description = "y = 2 * x, in plain C over DLPack",
    .inputs = inputs,
    .intermediate_outputs = outputs,
    .num_inputs = 1,
    .num_intermediate_outputs = 3,
};

static brick_block* new_double(void) {
  brick_block* block = calloc(1, sizeof *block);
  if (!block) return NULL;
  block->struct_size = sizeof *block;
  block->decl = &double_decl;
  block->call = double_call;
  block->clone = double_clone;
  block->destroy = double_destroy;
  return block;
}

static brick_status double_clone(const brick_block* self, brick_ctx* ctx, brick_block** out) {
  (void)self;
  *out = new_double();
  return *out ? BRICK_OK : fail(ctx, BRICK_ERR_OUT_OF_MEMORY, "out of memory");
}

static brick_status double_create(const brick_block_class* cls, brick_ctx* ctx, brick_value config,
                                  brick_block** out) {
  (void)cls;
  (void)config;
  *out = new_double();
  return *out ? BRICK_OK : fail(ctx, BRICK_ERR_OUT_OF_MEMORY, "out of memory");
}

static const brick_block_class double_class = {sizeof(brick_block_class), "Double", "y = 2 * x", double_create};
static const brick_block_class* const classes[] = {&double_class};

static const brick_plugin descriptor = {
    .struct_size = sizeof(brick_plugin),
    .num_block_classes = 1,
    .name = "test_portable",
    .version = "1.0.0",
    .description = "A plain C plugin",
    .torch_fingerprint = NULL,
    .block_classes = classes,
};

BRICK_EXPORT const brick_abi_tag brick_plugin_abi = {BRICK_ABI_MAGIC, BRICK_ABI_VERSION_MAJOR, BRICK_ABI_VERSION_MINOR};

BRICK_EXPORT const brick_plugin* brick_plugin_entry(const brick_host_api* api, brick_ctx* ctx) {
  (void)ctx;
  host = api;
  return &descriptor;
}
