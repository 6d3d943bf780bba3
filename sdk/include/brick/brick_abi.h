/*
 * brick_abi.h: the stable C ABI between a brick host and its block plugins.
 *
 * Version 1.3 (1.1 added composite blocks, loop wrappers and conditional
 * selection, and component types and object values; 1.2 added block flags
 * (BRICK_BLOCK_NEEDS_GRAD), the statuses UNKNOWN_METHOD, CANCELLED and
 * DEVICE_OUT_OF_MEMORY, and last_error(NULL); 1.3 added plugin flags
 * (BRICK_PLUGIN_UNLOADABLE: the host may dlclose an old generation after a
 * hot reload): the items marked ABI 1.1, 1.2 and 1.3; brick_abi_layout.h pins
 * every version's sizes and offsets). Pure C
 * (C99 and later, C++ compatible). Nothing in this file depends on LibTorch,
 * the C++ standard library or the compiler's C++ ABI.
 *
 * Rules that keep the ABI stable (docs/abi.md explains each):
 *   - Every struct that crosses starts with `uint32_t struct_size`, which is
 *     sizeof the struct as the writer's SDK declared it. Fields are only ever
 *     appended, one minor version at a time, and a reader reads a struct as a
 *     whole version: the newest version whose sizeof is <= struct_size (any
 *     size up to the 1.0 sizeof reads as 1.0). It uses that version's fields
 *     and treats the later ones as zero, so bytes of tail padding inside an
 *     older struct_size are never read as a newer field.
 *   - Function tables (brick_host_api) only grow at the end.
 *   - The major version must match exactly. A plugin built for a newer minor
 *     version than the host's is refused; an older minor is accepted.
 *   - No C++ exception, STL type or at::Tensor crosses. Calls return a
 *     brick_status; the message travels separately (set_error / last_error).
 *   - Tensors cross as DLPack (DLManagedTensor, layout stable since DLPack
 *     0.2), zero-copy, CPU or CUDA alike. A plugin built against the exact
 *     LibTorch the host runs may instead exchange native tensor handles
 *     (see "Native tensor exchange" below); both are zero-copy.
 *
 * Ownership, in one place:
 *   - Strings and declaration structs that a plugin hands to the host
 *     (plugin, class and block descriptors) are owned by the plugin and stay
 *     valid as long as the object they describe (the plugin, a block class,
 *     a block instance).
 *   - brick_value handles come in two flavours that share one C type:
 *       borrowed: returned by every getter; owned by the host; valid until the
 *                 current call into the plugin returns, or until the slot
 *                 holding it is overwritten, whichever comes first. Never
 *                 release a borrowed handle.
 *       owned:    returned by value_new_* / value_from_* / value_retain; the
 *                 plugin must either pass it to a function documented as
 *                 "takes ownership" or release it with value_release.
 *   - Strings returned by the host (repr, last_error, string values) are
 *     borrowed under the same rule as borrowed values.
 *   - A DLManagedTensor obtained from value_to_dlpack belongs to the caller,
 *     who calls its deleter when done. A DLManagedTensor passed to
 *     value_from_dlpack belongs to the host from then on; the host keeps the
 *     plugin library loaded until it has called the tensor's deleter.
 */
#ifndef BRICK_ABI_H
#define BRICK_ABI_H

#include <stddef.h>
#include <stdint.h>

#define BRICK_ABI_VERSION_MAJOR 1
#define BRICK_ABI_VERSION_MINOR 3

/* "BRCK" read as a little-endian uint32: marks a genuine ABI tag. */
#define BRICK_ABI_MAGIC 0x4B435242u

/* The two symbols every plugin exports. */
#define BRICK_ABI_TAG_SYMBOL "brick_plugin_abi"
#define BRICK_ENTRY_SYMBOL "brick_plugin_entry"

#if defined(_WIN32)
#define BRICK_EXPORT __declspec(dllexport)
#else
#define BRICK_EXPORT __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Status codes. Fixed numbers, grouped by range; new codes are only added.  */
/* ------------------------------------------------------------------------ */

typedef int32_t brick_status;

#define BRICK_OK 0
/* 0x01-0x0f: the request was wrong. */
#define BRICK_ERR_INVALID_ARGUMENT 0x01 /* NULL handle, bad slot, malformed data */
#define BRICK_ERR_NOT_FOUND 0x02        /* no value, block, component of that name */
#define BRICK_ERR_TYPE_MISMATCH 0x03    /* value is not of the kind asked for */
#define BRICK_ERR_MISSING_INPUT 0x04    /* "Required input 'x' is missing" */
#define BRICK_ERR_MISSING_OUTPUT 0x05   /* "Intermediate output 'x' is missing in block state" */
#define BRICK_ERR_UNSUPPORTED 0x06      /* capability not offered by this host or plugin */
#define BRICK_ERR_IMMUTABLE 0x07        /* the value is frozen: it was published (docs/abi.md) */
#define BRICK_ERR_UNKNOWN_METHOD 0x08   /* 1.2: a component has no method of that name */
/* 0x10-0x1f: the work failed. */
#define BRICK_ERR_BLOCK_FAILED 0x10 /* the block raised an error */
#define BRICK_ERR_OUT_OF_MEMORY 0x11
#define BRICK_ERR_INTERNAL 0x12
#define BRICK_ERR_CANCELLED 0x13 /* 1.2: the run was cancelled; loop_step returns it, pass it on */
/* 1.2: a device (CUDA) allocation failed: c10::OutOfMemoryError. Host memory
 * running out stays BRICK_ERR_OUT_OF_MEMORY. */
#define BRICK_ERR_DEVICE_OUT_OF_MEMORY 0x14
/* 0x20-0x2f: loading. */
#define BRICK_ERR_ABI_MISMATCH 0x20
#define BRICK_ERR_BAD_PLUGIN 0x21

/* A short human name for a status, for messages. */
static inline const char* brick_status_name(brick_status status) {
  switch (status) {
    case BRICK_OK: return "ok";
    case BRICK_ERR_INVALID_ARGUMENT: return "invalid argument";
    case BRICK_ERR_NOT_FOUND: return "not found";
    case BRICK_ERR_TYPE_MISMATCH: return "type mismatch";
    case BRICK_ERR_MISSING_INPUT: return "missing input";
    case BRICK_ERR_MISSING_OUTPUT: return "missing output";
    case BRICK_ERR_UNSUPPORTED: return "unsupported";
    case BRICK_ERR_IMMUTABLE: return "immutable value";
    case BRICK_ERR_UNKNOWN_METHOD: return "unknown method";
    case BRICK_ERR_BLOCK_FAILED: return "block failed";
    case BRICK_ERR_OUT_OF_MEMORY: return "out of memory";
    case BRICK_ERR_INTERNAL: return "internal error";
    case BRICK_ERR_CANCELLED: return "cancelled";
    case BRICK_ERR_DEVICE_OUT_OF_MEMORY: return "device out of memory";
    case BRICK_ERR_ABI_MISMATCH: return "ABI mismatch";
    case BRICK_ERR_BAD_PLUGIN: return "bad plugin";
    default: return "unknown status";
  }
}

/* Log levels: the numbers Python's logging module uses. */
#define BRICK_LOG_DEBUG 10
#define BRICK_LOG_INFO 20
#define BRICK_LOG_WARNING 30
#define BRICK_LOG_ERROR 40

/* ------------------------------------------------------------------------ */
/* Opaque host objects.                                                      */
/* ------------------------------------------------------------------------ */

/* The context of one call from the host into the plugin (entry point, block
 * creation, a block run). Valid only during that call. */
typedef struct brick_ctx brick_ctx;

/* The local view of the pipeline state that one block run works on. */
typedef struct brick_block_state brick_block_state;

/* A value: None, bool, int, float, string, list, dict or tensor. Immutable
 * once it has been stored in a state; identity is preserved by value_retain
 * (the host writes an input back only when its identity changed). */
typedef struct brick_value_t* brick_value;

/* DLPack's managed tensor; include <dlpack/dlpack.h> to use its fields. */
struct DLManagedTensor;

typedef int32_t brick_value_kind;
#define BRICK_VALUE_NONE 0
#define BRICK_VALUE_BOOL 1
#define BRICK_VALUE_INT 2
#define BRICK_VALUE_FLOAT 3
#define BRICK_VALUE_STRING 4
#define BRICK_VALUE_LIST 5
#define BRICK_VALUE_DICT 6
#define BRICK_VALUE_TENSOR 7
/* 1.1: an opaque host object (a component: model, scheduler, plugin
 * component instance). Reach it with component_call / component_native. */
#define BRICK_VALUE_OBJECT 8

/* Where a pipeline runs: DLPack's DLDeviceType codes (1 = CPU, 2 = CUDA). */
typedef struct brick_device {
  int32_t device_type;
  int32_t device_id;
} brick_device;

/* ------------------------------------------------------------------------ */
/* The ABI tag: a data symbol the host reads from the file before it runs    */
/* any code of the plugin.                                                   */
/* ------------------------------------------------------------------------ */

typedef struct brick_abi_tag {
  uint32_t magic; /* BRICK_ABI_MAGIC */
  uint16_t major;
  uint16_t minor;
} brick_abi_tag;

/* ------------------------------------------------------------------------ */
/* Declarations: what a block declares up front, as in Modular Diffusers.    */
/* All strings are UTF-8 and NUL-terminated; NULL means "not given".          */
/* ------------------------------------------------------------------------ */

typedef struct brick_input_param {
  uint32_t struct_size;
  uint32_t required; /* 0 or 1 */
  /* NULL: a nameless kwargs input that receives every state value tagged
   * with kwargs_type. */
  const char* name;
  const char* type_hint;     /* the type as docs print it, e.g. "Tensor"; NULL: None */
  const char* default_json;  /* the default as JSON text; NULL: None */
  const char* description;
  const char* kwargs_type;   /* tag under which the value travels */
  const char* metadata_json; /* a JSON object (UI hints and the like) */
} brick_input_param;

typedef struct brick_output_param {
  uint32_t struct_size;
  const char* name;
  const char* type_hint;
  const char* description;
  const char* kwargs_type; /* tags the value in the pipeline state */
  const char* metadata_json;
} brick_output_param;

#define BRICK_CREATE_FROM_PRETRAINED 0
#define BRICK_CREATE_FROM_CONFIG 1

typedef struct brick_component_spec {
  uint32_t struct_size;
  int32_t default_creation_method; /* BRICK_CREATE_* */
  const char* name;
  const char* type_hint;
  const char* description;
  const char* config_json; /* a JSON object */
  const char* pretrained_model_name_or_path;
  const char* subfolder; /* NULL reads as "" */
  const char* variant;
  const char* revision;
} brick_component_spec;

typedef struct brick_config_spec {
  uint32_t struct_size;
  const char* name;
  const char* default_json;
  const char* description;
} brick_config_spec;

/* Block kinds (brick_block_decl.kind, ABI 1.1), as in Modular Diffusers. A
 * composite's sub-blocks are run by the host; a loop wrapper runs them itself
 * through host->loop_step; a conditional block may choose its branch itself
 * (brick_block.select_block). */
#define BRICK_BLOCK_LEAF 0
#define BRICK_BLOCK_SEQUENTIAL 1  /* SequentialPipelineBlocks */
#define BRICK_BLOCK_LOOP 2        /* LoopSequentialPipelineBlocks (a loop wrapper) */
#define BRICK_BLOCK_CONDITIONAL 3 /* ConditionalPipelineBlocks (select_block) */
#define BRICK_BLOCK_AUTO 4        /* AutoPipelineBlocks (one trigger per branch) */

/* Block flags (brick_block_decl.flags, ABI 1.2), or'ed together. */
/* The block computes gradients. Every other block runs under
 * c10::InferenceMode (no autograd graph is recorded, tensors it makes are
 * inference tensors), as diffusers' pipelines run under torch.no_grad(). */
#define BRICK_BLOCK_NEEDS_GRAD 0x1u

/* One child of a composite block (ABI 1.1). */
typedef struct brick_sub_block {
  uint32_t struct_size;
  const char* name;        /* its name in the parent, e.g. "text_encoder" */
  const char* block;       /* "plugin.Block", or "Block" for this plugin's own */
  const char* config_json; /* constructor arguments (a JSON object), or NULL */
} brick_sub_block;

/* Everything one block declares. Block state slots are numbered from this:
 * slot i is the i-th distinct name in the sequence of named `inputs`, then
 * `intermediate_inputs`, then `intermediate_outputs`, in declaration order. */
typedef struct brick_block_decl {
  uint32_t struct_size;
  const char* name; /* class name, e.g. "StableDiffusionXLTextEncoderStep" */
  const char* description;
  const char* model_name;
  const brick_input_param* const* inputs;
  /* Legacy (pre-v0.35 "PipelineBlock"): mutable inputs. A block that declares
   * any gets the legacy write-back: changes to plain inputs stay local to the
   * block, changes to intermediate inputs reach the pipeline state. */
  const brick_input_param* const* intermediate_inputs;
  const brick_output_param* const* intermediate_outputs;
  const brick_component_spec* const* expected_components;
  const brick_config_spec* const* expected_configs;
  uint32_t num_inputs;
  uint32_t num_intermediate_inputs;
  uint32_t num_intermediate_outputs;
  uint32_t num_expected_components;
  uint32_t num_expected_configs;

  /* --- ABI 1.1: composites. A loop wrapper declares its loop_inputs,
   * loop_intermediate_inputs, loop_intermediate_outputs and loop components
   * and configs in the fields above; every other composite leaves them
   * empty, since its interface is merged from its sub-blocks. */
  int32_t kind; /* BRICK_BLOCK_* */
  uint32_t num_sub_blocks;
  const brick_sub_block* const* sub_blocks; /* in order; a loop's are leaves */
  /* Conditional: the inputs select_block looks at. Auto: one per sub-block,
   * in order, a NULL entry marking the default branch. */
  uint32_t num_block_trigger_inputs;
  const char* const* block_trigger_inputs;
  const char* default_block_name; /* conditional only; NULL: may be skipped */
  /* Sequential: the workflow map as JSON, {"name": {"input": true, ...}} or
   * {"name": [{...}, {...}]} for alternative spellings; NULL: none. */
  const char* workflows_json;
  /* Sequential: when has_outputs is 1, `outputs` replace the merged
   * intermediate_outputs as the block's outputs (presets return [images]). */
  int32_t has_outputs;
  uint32_t num_outputs;
  const brick_output_param* const* outputs;

  /* --- ABI 1.2 ---------------------------------------------------------- */
  uint32_t flags;    /* BRICK_BLOCK_* flags */
  uint32_t reserved; /* 0; makes the tail padding explicit (see the rules) */
} brick_block_decl;

/* ------------------------------------------------------------------------ */
/* Blocks.                                                                   */
/* ------------------------------------------------------------------------ */

/* A block instance. The plugin allocates it (usually as the first member of
 * its own object) and frees it in destroy. */
typedef struct brick_block brick_block;
struct brick_block {
  uint32_t struct_size;
  const brick_block_decl* decl; /* valid until destroy */
  /* Runs the block: __call__(components, state). Reach the state through
   * host->get_block_state / set_block_state with the same ctx. On failure,
   * report the message with host->set_error and return its status. */
  brick_status (*call)(brick_block* self, brick_ctx* ctx);
  /* A deep copy (init_pipeline copies its blocks); *out as for create. */
  brick_status (*clone)(const brick_block* self, brick_ctx* ctx, brick_block** out);
  void (*destroy)(brick_block* self);

  /* --- ABI 1.1 ------------------------------------------------------------
   * A leaf run inside a loop: __call__(components, block_state, **args).
   * host->get_block_state returns the loop's shared block state (writes go
   * straight to it; set_block_state is accepted and does nothing) and
   * host->loop_args the iteration's arguments. NULL: the block cannot run
   * inside a loop. */
  brick_status (*loop_call)(brick_block* self, brick_ctx* ctx);
  /* A conditional block's select_block(**triggers). triggers: a borrowed dict
   * {trigger input: value}, None where absent. *out: the name of the branch
   * to run (the plugin's string, valid until the next select_block call or
   * destroy), or NULL for "the default". Required for BRICK_BLOCK_CONDITIONAL
   * (the host refuses such a block without it); unused otherwise. */
  brick_status (*select_block)(brick_block* self, brick_ctx* ctx, brick_value triggers, const char** out);
};

/* A block type a plugin exports; the host names it "<plugin>.<name>". */
typedef struct brick_block_class {
  uint32_t struct_size;
  const char* name;
  const char* description; /* one line, for listings */
  /* config: a borrowed dict of constructor arguments, or NULL for none.
   * On success *out is a new instance the host owns; on failure the plugin
   * reports why (set_error) and leaves *out alone. */
  brick_status (*create)(const struct brick_block_class* self, brick_ctx* ctx, brick_value config,
                         brick_block** out);
} brick_block_class;

/* ------------------------------------------------------------------------ */
/* Component types (1.1): objects a plugin exports for pipelines to hold as   */
/* components (schedulers, guiders, models), created from a JSON config.     */
/* ------------------------------------------------------------------------ */

/* A component instance. The plugin allocates it (usually as the first member
 * of its own object) and frees it in destroy; the host calls destroy once,
 * when the last value holding the component is released. */
typedef struct brick_component brick_component;
struct brick_component {
  uint32_t struct_size;
  /* Calls a method by name: components.get("scheduler").call("step", args).
   * args is a borrowed list (positional) or dict (keyword) value, or NULL for
   * none. On success *out is an owned value the host takes over (NULL reads
   * as None). On failure the plugin reports why (set_error), returns its
   * status (BRICK_ERR_UNKNOWN_METHOD for an unknown method; plugins built
   * for ABI 1.1 said BRICK_ERR_NOT_FOUND) and leaves *out alone.
   * ctx is the calling block's ctx (or the host's); valid for the call. */
  brick_status (*call)(brick_component* self, brick_ctx* ctx, const char* method, brick_value args,
                       brick_value* out);
  /* The plugin's own object behind the component when type_id names its
   * type, else NULL. type_id is a string the plugin chooses per type (the
   * SDK uses the C++ type's name); the host only asks on behalf of the
   * plugin that made the component (component_native). */
  void* (*native)(brick_component* self, const char* type_id);
  /* The config the component was created from (a new owned dict, or NULL):
   * what save_pretrained writes to <folder>/config.json. Optional. A config
   * that cannot be made is a failure: report it with
   * set_error(current_ctx(), message) and return NULL (ABI 1.2). */
  brick_value (*config)(brick_component* self);
  void (*destroy)(brick_component* self);
};

/* A component type a plugin exports; the host names it "<plugin>.<name>",
 * the type_hint a ComponentSpec gives to have the host create it. */
typedef struct brick_component_class {
  uint32_t struct_size;
  const char* name; /* [A-Za-z0-9_]+ */
  const char* description;
  /* config: a borrowed dict (the spec's config, or a component folder's
   * config.json). On success *out is a new instance the host owns; on failure
   * the plugin reports why (set_error) and leaves *out alone. */
  brick_status (*create)(const struct brick_component_class* self, brick_ctx* ctx, brick_value config,
                         brick_component** out);
} brick_component_class;

/* What the entry point returns; owned by the plugin until it is unloaded. */
typedef struct brick_plugin {
  uint32_t struct_size;
  uint32_t num_block_classes;
  const char* name;        /* namespace of its blocks: [A-Za-z0-9_]+ */
  const char* version;     /* the plugin's own version, e.g. "1.2.0" */
  const char* description;
  /* The LibTorch build the plugin was compiled against (see native tensor
   * exchange), or NULL for a plugin that uses no LibTorch. The host refuses a
   * plugin whose fingerprint differs from its own. */
  const char* torch_fingerprint;
  const brick_block_class* const* block_classes;
  /* Optional: called once per library, when the last host object using it
   * goes (the entry point may have been called more than once). */
  void (*shutdown)(brick_ctx* ctx);

  /* --- 1.1: component types (optional) ---------------------------------- */
  uint32_t num_component_classes;
  const brick_component_class* const* component_classes;

  /* --- 1.3: plugin flags (BRICK_PLUGIN_*) --------------------------------- */
  uint32_t flags;
} brick_plugin;

/* 1.3: the plugin may be unloaded (dlclose) once nothing made by it is alive
 * (docs/hot-reload.md). Declare it only when it holds: no thread_local with a
 * destructor, no STB_GNU_UNIQUE symbol (build with -fno-gnu-unique), no torch
 * operator registered with the dispatcher, no CUDA runtime or kernels of its
 * own, no thread of its own still running after shutdown, and nothing it
 * allocated that outlives shutdown (shutdown frees it). The host refuses to
 * unload a flagged plugin whose file shows one of the first four anyway, and
 * says why (brick inspect). Unflagged plugins stay resident. */
#define BRICK_PLUGIN_UNLOADABLE 0x1u

/* ------------------------------------------------------------------------ */
/* The host API: the functions a plugin calls. Append-only.                  */
/* ------------------------------------------------------------------------ */

typedef struct brick_host_api {
  uint32_t struct_size;
  uint16_t abi_major;
  uint16_t abi_minor;
  const char* host_version;
  /* "torch=<version>;cxx11abi=<0|1>" of the LibTorch the host runs. */
  const char* torch_fingerprint;

  /* --- diagnostics ------------------------------------------------------ */
  void (*log)(brick_ctx* ctx, int32_t level, const char* message);
  /* Records the message of the failure the plugin is about to return. */
  void (*set_error)(brick_ctx* ctx, const char* message);
  /* The message of the last host call made with this ctx, "" when it
   * succeeded: every host call that takes a ctx clears it first (1.2).
   * last_error(NULL) (1.2): the same for the calls that take no ctx
   * (value_list_append, value_to_dlpack, ...), per thread. */
  const char* (*last_error)(brick_ctx* ctx);

  /* --- the call ---------------------------------------------------------- */
  brick_status (*get_device)(brick_ctx* ctx, brick_device* out);
  /* The CUDA stream (cudaStream_t) the block must enqueue its work on. For
   * a CUDA pipeline it is never NULL, and it is also ATen's current stream
   * for the call: the host installs it, with a device guard, around every
   * call into a plugin, so ATen ops and the plugin's own kernels are ordered
   * on it. NULL means one thing only: the pipeline runs on the CPU. */
  void* (*get_stream)(brick_ctx* ctx);

  /* --- state (only during brick_block.call) -------------------------------
   * get_block_state builds the block's view of the pipeline state: declared
   * inputs with defaults applied; a required input that is missing fails with
   * BRICK_ERR_MISSING_INPUT. set_block_state writes back: every declared
   * output (BRICK_ERR_MISSING_OUTPUT if absent) and every input whose value
   * changed identity. Values the block declared nothing about never reach the
   * pipeline state. The block state lives until the call returns. */
  brick_status (*get_block_state)(brick_ctx* ctx, brick_block_state** out);
  brick_status (*set_block_state)(brick_ctx* ctx, brick_block_state* state);
  brick_value (*state_get)(brick_ctx* ctx, const char* name); /* borrowed; NULL: absent */
  const char* (*state_repr)(brick_ctx* ctx);

  /* Slots are numbered as documented at brick_block_decl. A getter returns a
   * borrowed value, or NULL when the block state has no such attribute.
   * Setters take ownership of value, also when they fail. */
  brick_value (*block_state_get_slot)(brick_block_state* state, uint32_t slot);
  brick_value (*block_state_get)(brick_block_state* state, const char* name);
  brick_status (*block_state_set_slot)(brick_block_state* state, uint32_t slot,
                                       brick_value value);
  brick_status (*block_state_set)(brick_block_state* state, const char* name,
                                  brick_value value);
  const char* (*block_state_repr)(brick_block_state* state);

  /* --- values: reading (handles are borrowed) ----------------------------- */
  brick_value_kind (*value_kind)(brick_value v);
  brick_status (*value_to_bool)(brick_value v, int32_t* out);
  brick_status (*value_to_int)(brick_value v, int64_t* out);
  brick_status (*value_to_float)(brick_value v, double* out); /* ints convert */
  brick_status (*value_to_string)(brick_value v, const char** data, size_t* size);
  /* A new DLPack view of the tensor (no copy); the caller calls its deleter. */
  brick_status (*value_to_dlpack)(brick_value v, struct DLManagedTensor** out);
  /* Native exchange: a new reference to the c10::TensorImpl. */
  brick_status (*value_to_native_tensor)(brick_value v, void** out);
  size_t (*value_size)(brick_value v); /* items of a list or dict, else 0 */
  brick_value (*value_list_at)(brick_value list, size_t index);
  const char* (*value_dict_key_at)(brick_value dict, size_t index);
  brick_value (*value_dict_at)(brick_value dict, size_t index);
  brick_value (*value_dict_get)(brick_value dict, const char* key);
  const char* (*value_repr)(brick_ctx* ctx, brick_value v);

  /* --- values: making (handles are owned; NULL on failure) ---------------- */
  brick_value (*value_new_none)(void);
  brick_value (*value_new_bool)(int32_t b);
  brick_value (*value_new_int)(int64_t i);
  brick_value (*value_new_float)(double f);
  brick_value (*value_new_string)(const char* data, size_t size);
  brick_value (*value_new_list)(void);
  brick_value (*value_new_dict)(void);
  /* Appending takes ownership of item. Only a list or dict made by
   * value_new_list / value_new_dict and not yet published can grow; a value
   * is published (frozen, for good) when it is passed to any function that
   * takes it or retained, and every value the host hands out is frozen.
   * Growing a frozen one fails with BRICK_ERR_IMMUTABLE; last_error(NULL)
   * names it. */
  brick_status (*value_list_append)(brick_value list, brick_value item);
  brick_status (*value_dict_set)(brick_value dict, const char* key, brick_value item);
  /* Takes ownership of the DLPack tensor (see the ownership notes above). */
  brick_value (*value_from_dlpack)(brick_ctx* ctx, struct DLManagedTensor* tensor);
  /* Native exchange: takes one reference to the c10::TensorImpl. */
  brick_value (*value_from_native_tensor)(void* tensor_impl);
  /* An owned handle to the same value: storing it keeps the identity. */
  brick_value (*value_retain)(brick_value v);
  void (*value_release)(brick_value v);

  /* --- components and configs of the running pipeline (borrowed) --------- */
  brick_value (*get_component)(brick_ctx* ctx, const char* name);
  brick_value (*get_config)(brick_ctx* ctx, const char* name);

  /* --- ABI 1.1: loops and progress ---------------------------------------
   * A loop wrapper's loop_step: runs each of its sub-blocks once, in order,
   * on state (from get_block_state in this call), with the iteration
   * arguments args (a borrowed dict such as {"i": 3, "t": <tensor>}, or
   * NULL). Fails with the first failing sub-block's status and message. */
  brick_status (*loop_step)(brick_ctx* ctx, brick_block_state* state, brick_value args);
  /* Inside loop_call: the iteration arguments (a borrowed dict). */
  brick_value (*loop_args)(brick_ctx* ctx);
  /* Progress of a long block (a denoising loop): `done` of `total` steps.
   * The host draws it (a progress bar) or ignores it. */
  void (*progress)(brick_ctx* ctx, int64_t done, int64_t total);
  /* The ctx of the host's call into plugin code running on this thread (the
   * innermost, when calls nest), or NULL outside any. For code that has no
   * ctx at hand (a logging helper, a tensor deleter); it saves plugins their
   * own thread-local storage. */
  brick_ctx* (*current_ctx)(void);

  /* --- 1.1: components as objects (issue 4) -------------------------------
   * A component value of kind BRICK_VALUE_OBJECT is a host object: a plugin
   * component (brick_component), a TorchScript module, a set of weights read
   * from safetensors. These reach it without knowing which. */
  /* Calls a method of a component value: a plugin component's call, a
   * TorchScript module's method. args: borrowed list or dict, or NULL. On
   * success *out is an owned value (release it); on failure the message is in
   * last_error(ctx) and *out is untouched. */
  brick_status (*component_call)(brick_ctx* ctx, brick_value component, const char* method, brick_value args,
                                 brick_value* out);
  /* The native object behind a component value when it was made by the
   * calling plugin (ctx's) and its native(type_id) answers; NULL otherwise
   * (another plugin's component, another type, not a plugin component). The
   * pointer is borrowed: valid as long as the component value. */
  void* (*component_native)(brick_ctx* ctx, brick_value component, const char* type_id);
} brick_host_api;

/* The plugin's entry point, exported as BRICK_ENTRY_SYMBOL. Returns the
 * plugin descriptor, or NULL after host->set_error(ctx, reason). May be
 * called more than once (several hosts in one process); must return the
 * same descriptor each time. */
typedef const brick_plugin* (*brick_plugin_entry_fn)(const brick_host_api* host,
                                                     brick_ctx* ctx);

/* Native tensor exchange. A plugin built with the brick C++ layer declares
 * the fingerprint of the LibTorch headers it was compiled against; the host
 * loads it only when that equals host->torch_fingerprint, so both sides use
 * the one LibTorch in the process and a c10::TensorImpl* is meaningful to
 * both. value_to_native_tensor / value_from_native_tensor then move a
 * reference without the allocations a DLPack round trip costs. Plugins with
 * a NULL fingerprint use DLPack only. */

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BRICK_ABI_H */
