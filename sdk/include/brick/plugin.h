// Exporting a plugin. Include this in exactly one file of the plugin, and
// list its blocks there:
//
//   #include <brick/plugin.h>
//   BRICK_PLUGIN("example", "1.0.0", "Example blocks") {
//     plugin.add<Scale>("Scale");
//     plugin.add<Shift>("Shift", "adds a constant");
//   }
//
// The macro defines the two symbols the host looks for (brick_abi.h) and the
// adapters that turn C ABI calls into calls on your classes, catching every
// exception at the boundary. Nothing runs at load time: the list is built on
// the host's first call of the entry point.
#pragma once

#include <memory>
#include <mutex>

#include "brick/sdk.h"
#include "brick/sdk/plugin_builder.h"

#ifdef BRICK_SDK_TENSOR_EXCHANGE_DLPACK
#include <ATen/DLConvertor.h>
#endif

// What follows is defined once per plugin: this header belongs in exactly
// one file of it.
namespace brick {

namespace detail {

const brick_host_api* g_host = nullptr;

#ifdef BRICK_SDK_TENSOR_EXCHANGE_DLPACK
at::Tensor tensor_from_value(brick_value v) {
  DLManagedTensor* managed = nullptr;
  check(host().value_to_dlpack(v, &managed), "tensor from DLPack");
  return at::fromDLPack(managed);
}
brick_value tensor_to_value(const at::Tensor& t) { return host().value_from_dlpack(current_ctx(), at::toDLPack(t)); }
#else
at::Tensor tensor_from_value(brick_value v) {
  void* impl = nullptr;
  check(host().value_to_native_tensor(v, &impl), "native tensor");
  return at::Tensor(
      c10::intrusive_ptr<c10::TensorImpl, c10::UndefinedTensorImpl>::reclaim(static_cast<c10::TensorImpl*>(impl)));
}
brick_value tensor_to_value(const at::Tensor& t) {
  at::Tensor reference = t;
  return host().value_from_native_tensor(reference.unsafeReleaseTensorImpl());
}
#endif

// The descriptor, built on the first call of the entry point and freed by
// the host's shutdown call (once per library, when its last host object
// goes): an unloadable plugin (plugin.unloadable()) leaves nothing behind
// when it is unloaded. A later entry call (a host loading it again) builds
// it anew. Plain pointers and a mutex: nothing here has a destructor that
// could run after a static Host still reading the descriptor at exit.
std::mutex g_entry_mutex;
PluginBuilder* g_builder = nullptr;
const brick_plugin* g_descriptor = nullptr;

void plugin_shutdown(brick_ctx* /*ctx*/) {
  std::lock_guard<std::mutex> lock(g_entry_mutex);
  delete g_builder;
  g_builder = nullptr;
  g_descriptor = nullptr;
}

const brick_plugin* plugin_entry(const brick_host_api* host_api, brick_ctx* ctx, const char* name, const char* version,
                                 const char* description, void (*define)(PluginBuilder&)) {
  // The host checked the ABI tag before calling; this guards hand-made hosts.
  if (!host_api || host_api->abi_major != BRICK_ABI_VERSION_MAJOR) return nullptr;
  if (host_api->struct_size < sizeof(brick_host_api)) {
    host_api->set_error(ctx, "the host's function table is older than this plugin's SDK");
    return nullptr;
  }
  // Built once, on the first call; later calls (another host in the same
  // process) get the same descriptor until shutdown.
  std::lock_guard<std::mutex> lock(g_entry_mutex);
  if (g_descriptor) return g_descriptor;
  // Set once, under the lock, before any block exists: a second host opening
  // the plugin on another thread must not write it while this host's blocks
  // read it (a data race ThreadSanitizer reports; tests/concurrency).
  g_host = host_api;
  guard(ctx, [&] {
    auto fresh = std::make_unique<PluginBuilder>();
    define(*fresh);
    g_descriptor = fresh->finish(name, version, description, &plugin_shutdown);
    g_builder = fresh.release();  // freed by plugin_shutdown
  });
  return g_descriptor;
}

}  // namespace detail

void log(int32_t level, const std::string& message) {
  if (detail::g_host) detail::host().log(detail::current_ctx(), level, message.c_str());
}

}  // namespace brick

#define BRICK_PLUGIN(NAME, VERSION, DESCRIPTION)                                                               \
  static void brick_plugin_define_(::brick::PluginBuilder& plugin);                                            \
  extern "C" BRICK_EXPORT const brick_abi_tag brick_plugin_abi = {BRICK_ABI_MAGIC, BRICK_ABI_VERSION_MAJOR,    \
                                                                  BRICK_ABI_VERSION_MINOR};                    \
  extern "C" BRICK_EXPORT const brick_plugin* brick_plugin_entry(const brick_host_api* host, brick_ctx* ctx) { \
    return ::brick::detail::plugin_entry(host, ctx, NAME, VERSION, DESCRIPTION, &brick_plugin_define_);        \
  }                                                                                                            \
  static void brick_plugin_define_(::brick::PluginBuilder& plugin)
