/*
 * brick_abi_layout.h: the layout of every struct of brick_abi.h, version by
 * version, pinned. Pure C11 / C++11 (static assertions); the host includes it
 * (its struct reader uses the version sizes) and hardening_tests checks it, so
 * a change that moves a field of a published version does not compile.
 *
 * What each minor version appended (a reader reads a struct as the newest
 * version whose size fits in struct_size, brick_abi.h's rules):
 *
 *   1.0  every struct, up to:
 *          brick_block_decl      num_expected_configs (ends at 92, sizeof 96:
 *                                4 bytes of tail padding, which a plain C
 *                                plugin may leave uninitialised)
 *          brick_block           destroy
 *          brick_plugin          shutdown
 *          brick_host_api        get_config
 *   1.1  brick_block_decl        kind ... outputs (composites)
 *        brick_block             loop_call, select_block
 *        brick_plugin            num_component_classes, component_classes
 *        brick_host_api          loop_step ... component_native
 *        new structs             brick_sub_block, brick_component,
 *                                brick_component_class
 *        value kind              BRICK_VALUE_OBJECT
 *   1.2  brick_block_decl        flags, reserved (BRICK_BLOCK_NEEDS_GRAD)
 *        statuses                BRICK_ERR_UNKNOWN_METHOD, BRICK_ERR_CANCELLED,
 *                                BRICK_ERR_DEVICE_OUT_OF_MEMORY
 *        semantics               last_error(NULL), get_stream never NULL
 *                                for CUDA, frozen values, shutdown once
 *   1.3  brick_plugin            flags (BRICK_PLUGIN_UNLOADABLE)
 *
 * BRICK_<STRUCT>_END_<version> is where that version's last field ends and
 * BRICK_<STRUCT>_SIZE_<version> the sizeof a plugin of that version writes
 * into struct_size (END rounded up to the struct's alignment). Both are
 * portable; the numeric pins below hold for LP64 targets (Linux x86_64 and
 * aarch64, macOS), where brick runs.
 */
#ifndef BRICK_ABI_LAYOUT_H
#define BRICK_ABI_LAYOUT_H

#include <stddef.h>

#include "brick/brick_abi.h"

#define BRICK_LAYOUT_ROUND_UP(n, a) ((((n) + (a)-1) / (a)) * (a))
/* Every versioned struct holds a pointer, so it is pointer-aligned. */
#define BRICK_LAYOUT_SIZE(end) BRICK_LAYOUT_ROUND_UP((end), sizeof(void*))

#define BRICK_BLOCK_DECL_END_1_0 (offsetof(brick_block_decl, num_expected_configs) + sizeof(uint32_t))
#define BRICK_BLOCK_DECL_END_1_1 (offsetof(brick_block_decl, outputs) + sizeof(void*))
#define BRICK_BLOCK_DECL_END_1_2 (offsetof(brick_block_decl, reserved) + sizeof(uint32_t))
#define BRICK_BLOCK_DECL_SIZE_1_0 BRICK_LAYOUT_SIZE(BRICK_BLOCK_DECL_END_1_0)
#define BRICK_BLOCK_DECL_SIZE_1_1 BRICK_LAYOUT_SIZE(BRICK_BLOCK_DECL_END_1_1)
#define BRICK_BLOCK_DECL_SIZE_1_2 BRICK_LAYOUT_SIZE(BRICK_BLOCK_DECL_END_1_2)

#define BRICK_BLOCK_END_1_0 (offsetof(brick_block, destroy) + sizeof(void*))
#define BRICK_BLOCK_END_1_1 (offsetof(brick_block, select_block) + sizeof(void*))
#define BRICK_BLOCK_SIZE_1_0 BRICK_LAYOUT_SIZE(BRICK_BLOCK_END_1_0)
#define BRICK_BLOCK_SIZE_1_1 BRICK_LAYOUT_SIZE(BRICK_BLOCK_END_1_1)

#define BRICK_PLUGIN_END_1_0 (offsetof(brick_plugin, shutdown) + sizeof(void*))
#define BRICK_PLUGIN_END_1_1 (offsetof(brick_plugin, component_classes) + sizeof(void*))
#define BRICK_PLUGIN_SIZE_1_0 BRICK_LAYOUT_SIZE(BRICK_PLUGIN_END_1_0)
#define BRICK_PLUGIN_SIZE_1_1 BRICK_LAYOUT_SIZE(BRICK_PLUGIN_END_1_1)
#define BRICK_PLUGIN_END_1_3 (offsetof(brick_plugin, flags) + sizeof(uint32_t))
#define BRICK_PLUGIN_SIZE_1_3 BRICK_LAYOUT_SIZE(BRICK_PLUGIN_END_1_3)

#define BRICK_HOST_API_END_1_0 (offsetof(brick_host_api, get_config) + sizeof(void*))
#define BRICK_HOST_API_END_1_1 (offsetof(brick_host_api, component_native) + sizeof(void*))
#define BRICK_HOST_API_SIZE_1_0 BRICK_LAYOUT_SIZE(BRICK_HOST_API_END_1_0)
#define BRICK_HOST_API_SIZE_1_1 BRICK_LAYOUT_SIZE(BRICK_HOST_API_END_1_1)

/* Structs that have had one version so far. */
#define BRICK_ABI_TAG_SIZE_1_0 sizeof(brick_abi_tag)
#define BRICK_INPUT_PARAM_SIZE_1_0 sizeof(brick_input_param)
#define BRICK_OUTPUT_PARAM_SIZE_1_0 sizeof(brick_output_param)
#define BRICK_COMPONENT_SPEC_SIZE_1_0 sizeof(brick_component_spec)
#define BRICK_CONFIG_SPEC_SIZE_1_0 sizeof(brick_config_spec)
#define BRICK_BLOCK_CLASS_SIZE_1_0 sizeof(brick_block_class)
#define BRICK_SUB_BLOCK_SIZE_1_1 sizeof(brick_sub_block)
#define BRICK_COMPONENT_SIZE_1_1 sizeof(brick_component)
#define BRICK_COMPONENT_CLASS_SIZE_1_1 sizeof(brick_component_class)

#ifdef __cplusplus
#define BRICK_LAYOUT_ASSERT(cond, what) static_assert(cond, what)
#else
#define BRICK_LAYOUT_ASSERT(cond, what) _Static_assert(cond, what)
#endif

#if defined(__LP64__) || defined(_WIN64)
#define BRICK_PIN(type, field, offset) \
  BRICK_LAYOUT_ASSERT(offsetof(type, field) == (offset), #type "." #field " moved: published ABI fields never move")
#define BRICK_PIN_SIZE(type, size) BRICK_LAYOUT_ASSERT(sizeof(type) == (size), #type ": unexpected size")
#define BRICK_PIN_VERSION(macro, value) BRICK_LAYOUT_ASSERT((macro) == (value), #macro " changed")

BRICK_PIN_VERSION(BRICK_BLOCK_DECL_END_1_0, 92);
BRICK_PIN_VERSION(BRICK_BLOCK_DECL_SIZE_1_0, 96);
BRICK_PIN_VERSION(BRICK_BLOCK_DECL_SIZE_1_1, 160);
BRICK_PIN_VERSION(BRICK_BLOCK_DECL_SIZE_1_2, 168);
BRICK_PIN_VERSION(BRICK_BLOCK_SIZE_1_0, 40);
BRICK_PIN_VERSION(BRICK_BLOCK_SIZE_1_1, 56);
BRICK_PIN_VERSION(BRICK_PLUGIN_SIZE_1_0, 56);
BRICK_PIN_VERSION(BRICK_PLUGIN_SIZE_1_1, 72);
BRICK_PIN_VERSION(BRICK_PLUGIN_END_1_3, 76);
BRICK_PIN_VERSION(BRICK_PLUGIN_SIZE_1_3, 80);
BRICK_PIN_VERSION(BRICK_HOST_API_SIZE_1_0, 360);
BRICK_PIN_VERSION(BRICK_HOST_API_SIZE_1_1, 408);

/* brick_abi_tag */
BRICK_PIN(brick_abi_tag, magic, 0);
BRICK_PIN(brick_abi_tag, major, 4);
BRICK_PIN(brick_abi_tag, minor, 6);
BRICK_PIN_SIZE(brick_abi_tag, BRICK_ABI_TAG_SIZE_1_0);

/* brick_input_param */
BRICK_PIN(brick_input_param, struct_size, 0);
BRICK_PIN(brick_input_param, required, 4);
BRICK_PIN(brick_input_param, name, 8);
BRICK_PIN(brick_input_param, type_hint, 16);
BRICK_PIN(brick_input_param, default_json, 24);
BRICK_PIN(brick_input_param, description, 32);
BRICK_PIN(brick_input_param, kwargs_type, 40);
BRICK_PIN(brick_input_param, metadata_json, 48);
BRICK_PIN_SIZE(brick_input_param, BRICK_INPUT_PARAM_SIZE_1_0);

/* brick_output_param */
BRICK_PIN(brick_output_param, struct_size, 0);
BRICK_PIN(brick_output_param, name, 8);
BRICK_PIN(brick_output_param, type_hint, 16);
BRICK_PIN(brick_output_param, description, 24);
BRICK_PIN(brick_output_param, kwargs_type, 32);
BRICK_PIN(brick_output_param, metadata_json, 40);
BRICK_PIN_SIZE(brick_output_param, BRICK_OUTPUT_PARAM_SIZE_1_0);

/* brick_component_spec */
BRICK_PIN(brick_component_spec, struct_size, 0);
BRICK_PIN(brick_component_spec, default_creation_method, 4);
BRICK_PIN(brick_component_spec, name, 8);
BRICK_PIN(brick_component_spec, type_hint, 16);
BRICK_PIN(brick_component_spec, description, 24);
BRICK_PIN(brick_component_spec, config_json, 32);
BRICK_PIN(brick_component_spec, pretrained_model_name_or_path, 40);
BRICK_PIN(brick_component_spec, subfolder, 48);
BRICK_PIN(brick_component_spec, variant, 56);
BRICK_PIN(brick_component_spec, revision, 64);
BRICK_PIN_SIZE(brick_component_spec, BRICK_COMPONENT_SPEC_SIZE_1_0);

/* brick_config_spec */
BRICK_PIN(brick_config_spec, struct_size, 0);
BRICK_PIN(brick_config_spec, name, 8);
BRICK_PIN(brick_config_spec, default_json, 16);
BRICK_PIN(brick_config_spec, description, 24);
BRICK_PIN_SIZE(brick_config_spec, BRICK_CONFIG_SPEC_SIZE_1_0);

/* brick_sub_block */
BRICK_PIN(brick_sub_block, struct_size, 0);
BRICK_PIN(brick_sub_block, name, 8);
BRICK_PIN(brick_sub_block, block, 16);
BRICK_PIN(brick_sub_block, config_json, 24);
BRICK_PIN_SIZE(brick_sub_block, BRICK_SUB_BLOCK_SIZE_1_1);

/* brick_block_decl */
BRICK_PIN(brick_block_decl, struct_size, 0);
BRICK_PIN(brick_block_decl, name, 8);
BRICK_PIN(brick_block_decl, description, 16);
BRICK_PIN(brick_block_decl, model_name, 24);
BRICK_PIN(brick_block_decl, inputs, 32);
BRICK_PIN(brick_block_decl, intermediate_inputs, 40);
BRICK_PIN(brick_block_decl, intermediate_outputs, 48);
BRICK_PIN(brick_block_decl, expected_components, 56);
BRICK_PIN(brick_block_decl, expected_configs, 64);
BRICK_PIN(brick_block_decl, num_inputs, 72);
BRICK_PIN(brick_block_decl, num_intermediate_inputs, 76);
BRICK_PIN(brick_block_decl, num_intermediate_outputs, 80);
BRICK_PIN(brick_block_decl, num_expected_components, 84);
BRICK_PIN(brick_block_decl, num_expected_configs, 88);
BRICK_PIN(brick_block_decl, kind, 92);
BRICK_PIN(brick_block_decl, num_sub_blocks, 96);
BRICK_PIN(brick_block_decl, sub_blocks, 104);
BRICK_PIN(brick_block_decl, num_block_trigger_inputs, 112);
BRICK_PIN(brick_block_decl, block_trigger_inputs, 120);
BRICK_PIN(brick_block_decl, default_block_name, 128);
BRICK_PIN(brick_block_decl, workflows_json, 136);
BRICK_PIN(brick_block_decl, has_outputs, 144);
BRICK_PIN(brick_block_decl, num_outputs, 148);
BRICK_PIN(brick_block_decl, outputs, 152);
BRICK_PIN(brick_block_decl, flags, 160);
BRICK_PIN(brick_block_decl, reserved, 164);
BRICK_PIN_SIZE(brick_block_decl, BRICK_BLOCK_DECL_SIZE_1_2);

/* brick_block */
BRICK_PIN(brick_block, struct_size, 0);
BRICK_PIN(brick_block, decl, 8);
BRICK_PIN(brick_block, call, 16);
BRICK_PIN(brick_block, clone, 24);
BRICK_PIN(brick_block, destroy, 32);
BRICK_PIN(brick_block, loop_call, 40);
BRICK_PIN(brick_block, select_block, 48);
BRICK_PIN_SIZE(brick_block, BRICK_BLOCK_SIZE_1_1);

/* brick_block_class */
BRICK_PIN(brick_block_class, struct_size, 0);
BRICK_PIN(brick_block_class, name, 8);
BRICK_PIN(brick_block_class, description, 16);
BRICK_PIN(brick_block_class, create, 24);
BRICK_PIN_SIZE(brick_block_class, BRICK_BLOCK_CLASS_SIZE_1_0);

/* brick_component */
BRICK_PIN(brick_component, struct_size, 0);
BRICK_PIN(brick_component, call, 8);
BRICK_PIN(brick_component, native, 16);
BRICK_PIN(brick_component, config, 24);
BRICK_PIN(brick_component, destroy, 32);
BRICK_PIN_SIZE(brick_component, BRICK_COMPONENT_SIZE_1_1);

/* brick_component_class */
BRICK_PIN(brick_component_class, struct_size, 0);
BRICK_PIN(brick_component_class, name, 8);
BRICK_PIN(brick_component_class, description, 16);
BRICK_PIN(brick_component_class, create, 24);
BRICK_PIN_SIZE(brick_component_class, BRICK_COMPONENT_CLASS_SIZE_1_1);

/* brick_plugin */
BRICK_PIN(brick_plugin, struct_size, 0);
BRICK_PIN(brick_plugin, num_block_classes, 4);
BRICK_PIN(brick_plugin, name, 8);
BRICK_PIN(brick_plugin, version, 16);
BRICK_PIN(brick_plugin, description, 24);
BRICK_PIN(brick_plugin, torch_fingerprint, 32);
BRICK_PIN(brick_plugin, block_classes, 40);
BRICK_PIN(brick_plugin, shutdown, 48);
BRICK_PIN(brick_plugin, num_component_classes, 56);
BRICK_PIN(brick_plugin, component_classes, 64);
BRICK_PIN(brick_plugin, flags, 72);
BRICK_PIN_SIZE(brick_plugin, BRICK_PLUGIN_SIZE_1_3);

/* brick_host_api */
BRICK_PIN(brick_host_api, struct_size, 0);
BRICK_PIN(brick_host_api, abi_major, 4);
BRICK_PIN(brick_host_api, abi_minor, 6);
BRICK_PIN(brick_host_api, host_version, 8);
BRICK_PIN(brick_host_api, torch_fingerprint, 16);
BRICK_PIN(brick_host_api, log, 24);
BRICK_PIN(brick_host_api, set_error, 32);
BRICK_PIN(brick_host_api, last_error, 40);
BRICK_PIN(brick_host_api, get_device, 48);
BRICK_PIN(brick_host_api, get_stream, 56);
BRICK_PIN(brick_host_api, get_block_state, 64);
BRICK_PIN(brick_host_api, set_block_state, 72);
BRICK_PIN(brick_host_api, state_get, 80);
BRICK_PIN(brick_host_api, state_repr, 88);
BRICK_PIN(brick_host_api, block_state_get_slot, 96);
BRICK_PIN(brick_host_api, block_state_get, 104);
BRICK_PIN(brick_host_api, block_state_set_slot, 112);
BRICK_PIN(brick_host_api, block_state_set, 120);
BRICK_PIN(brick_host_api, block_state_repr, 128);
BRICK_PIN(brick_host_api, value_kind, 136);
BRICK_PIN(brick_host_api, value_to_bool, 144);
BRICK_PIN(brick_host_api, value_to_int, 152);
BRICK_PIN(brick_host_api, value_to_float, 160);
BRICK_PIN(brick_host_api, value_to_string, 168);
BRICK_PIN(brick_host_api, value_to_dlpack, 176);
BRICK_PIN(brick_host_api, value_to_native_tensor, 184);
BRICK_PIN(brick_host_api, value_size, 192);
BRICK_PIN(brick_host_api, value_list_at, 200);
BRICK_PIN(brick_host_api, value_dict_key_at, 208);
BRICK_PIN(brick_host_api, value_dict_at, 216);
BRICK_PIN(brick_host_api, value_dict_get, 224);
BRICK_PIN(brick_host_api, value_repr, 232);
BRICK_PIN(brick_host_api, value_new_none, 240);
BRICK_PIN(brick_host_api, value_new_bool, 248);
BRICK_PIN(brick_host_api, value_new_int, 256);
BRICK_PIN(brick_host_api, value_new_float, 264);
BRICK_PIN(brick_host_api, value_new_string, 272);
BRICK_PIN(brick_host_api, value_new_list, 280);
BRICK_PIN(brick_host_api, value_new_dict, 288);
BRICK_PIN(brick_host_api, value_list_append, 296);
BRICK_PIN(brick_host_api, value_dict_set, 304);
BRICK_PIN(brick_host_api, value_from_dlpack, 312);
BRICK_PIN(brick_host_api, value_from_native_tensor, 320);
BRICK_PIN(brick_host_api, value_retain, 328);
BRICK_PIN(brick_host_api, value_release, 336);
BRICK_PIN(brick_host_api, get_component, 344);
BRICK_PIN(brick_host_api, get_config, 352);
BRICK_PIN(brick_host_api, loop_step, 360);
BRICK_PIN(brick_host_api, loop_args, 368);
BRICK_PIN(brick_host_api, progress, 376);
BRICK_PIN(brick_host_api, current_ctx, 384);
BRICK_PIN(brick_host_api, component_call, 392);
BRICK_PIN(brick_host_api, component_native, 400);
BRICK_PIN_SIZE(brick_host_api, BRICK_HOST_API_SIZE_1_1);

#endif /* LP64 */

#endif /* BRICK_ABI_LAYOUT_H */
