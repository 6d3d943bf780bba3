// The adapters between the C ABI's block class and block instance (function
// pointers over C structs) and a C++ block class B. Part of brick/plugin.h.
#pragma once

#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "brick/sdk/detail/boundary.h"
#include "brick/sdk/detail/decl_storage.h"

namespace brick::detail {

// One exported block class.
struct ClassEntry : brick_block_class {
  std::string name_storage;
  std::string description_storage;
};

// A block instance: the C vtable followed by the C++ object.
template <class B>
struct BlockInstance : brick_block {
  std::unique_ptr<B> impl;
  std::shared_ptr<const DeclStorage> storage;
  std::string selected;  // select_block's answer, handed to the host

  BlockInstance(std::unique_ptr<B> block, std::shared_ptr<const DeclStorage> decls)
      : brick_block{}, impl(std::move(block)), storage(std::move(decls)) {
    struct_size = sizeof(brick_block);
    decl = storage->decl();
    call = &BlockInstance::call_impl;
    clone = &BlockInstance::clone_impl;
    destroy = &BlockInstance::destroy_impl;
    loop_call = &BlockInstance::loop_call_impl;
    if constexpr (std::is_base_of_v<ConditionalPipelineBlocks, B>) select_block = &BlockInstance::select_block_impl;
    impl->bind_slots(storage->slots());
  }

  static brick_status call_impl(brick_block* self, brick_ctx* ctx) {
    auto* instance = static_cast<BlockInstance*>(self);
    CurrentCtx scope(ctx);
    return guard(ctx, [&] {
      Components components(ctx);
      PipelineState state(ctx);
      static_cast<ModularPipelineBlocks&>(*instance->impl)(components, state);
    });
  }

  static brick_status loop_call_impl(brick_block* self, brick_ctx* ctx) {
    auto* instance = static_cast<BlockInstance*>(self);
    CurrentCtx scope(ctx);
    return guard(ctx, [&] {
      brick_block_state* handle = nullptr;
      brick_status status = host().get_block_state(ctx, &handle);
      if (status != BRICK_OK) rethrow_host_error(ctx, status);
      Components components(ctx);
      BlockState block_state(handle, instance->storage->slots());
      static_cast<ModularPipelineBlocks&>(*instance->impl)(components, block_state, ValueRef(host().loop_args(ctx)));
    });
  }

  static brick_status select_block_impl(brick_block* self, brick_ctx* ctx, brick_value triggers, const char** out) {
    auto* instance = static_cast<BlockInstance*>(self);
    CurrentCtx scope(ctx);
    return guard(ctx, [&] {
      std::optional<std::string> chosen = instance->impl->select_block(ValueRef(triggers));
      instance->selected = chosen ? *chosen : std::string();
      *out = chosen ? instance->selected.c_str() : nullptr;
    });
  }

  static brick_status clone_impl(const brick_block* self, brick_ctx* ctx, brick_block** out) {
    const auto* instance = static_cast<const BlockInstance*>(self);
    CurrentCtx scope(ctx);
    return guard(ctx, [&] {
      if constexpr (std::is_copy_constructible_v<B>) {
        *out = new BlockInstance(std::make_unique<B>(*instance->impl), instance->storage);
      } else {
        throw Error(BRICK_ERR_UNSUPPORTED, "block '" + std::string(instance->decl->name) + "' cannot be copied");
      }
    });
  }

  static void destroy_impl(brick_block* self) { delete static_cast<BlockInstance*>(self); }

  static brick_status create(const brick_block_class* cls, brick_ctx* ctx, brick_value config, brick_block** out) {
    const auto* entry = static_cast<const ClassEntry*>(cls);
    CurrentCtx scope(ctx);
    return guard(ctx, [&] {
      std::unique_ptr<B> block;
      if constexpr (std::is_constructible_v<B, ValueRef>) {
        block = std::make_unique<B>(ValueRef(config));
      } else {
        if (config && host().value_size(config) > 0) {
          throw Error(BRICK_ERR_INVALID_ARGUMENT, "block '" + entry->name_storage + "' takes no configuration");
        }
        block = std::make_unique<B>();
      }
      auto storage = std::make_shared<const DeclStorage>(entry->name_storage, *block);
      *out = new BlockInstance(std::move(block), std::move(storage));
    });
  }
};

}  // namespace brick::detail
