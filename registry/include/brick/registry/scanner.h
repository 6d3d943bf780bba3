// Scanning plugins in a child process (GStreamer's gst-plugin-scanner): the
// brick-plugin-scanner executable loads plugins with the real loader and
// prints one JSON record per plugin on its stdout. A plugin that crashes,
// aborts or hangs while loading takes only the child down: the parent names
// it (with the signal, or the timeout), and goes on with the rest in a new
// child. The child is started with posix_spawn, never fork, because the
// parent may run LibTorch threads.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "brick/registry/plugin_record.h"

namespace brick::registry {

// BRICK_PLUGIN_SCANNER when set, else <libdir>/brick/brick-plugin-scanner
// beside the libbrick in use (as the plugin folder is found).
std::filesystem::path default_scanner_path();

struct ScanOptions {
  std::filesystem::path scanner = default_scanner_path();
  // How long one plugin may take to load before the child is killed.
  std::chrono::milliseconds timeout{30000};
  // How long the child may take to start (load libbrick and LibTorch) and
  // say it is ready; not charged to any plugin.
  std::chrono::milliseconds startup_timeout{120000};
};

struct ScanOutcome {
  std::filesystem::path path;
  // On success a record with the plugin's metadata (file facts not filled
  // in); otherwise bad, with the reason (the loader's refusal, the signal
  // that killed the scanner, or the timeout).
  PluginRecord record;
};

// One outcome per file, in order. Throws RegistryError only when the scanner
// itself cannot be started or dies before it is ready.
std::vector<ScanOutcome> scan_plugins(const std::vector<std::filesystem::path>& files, const ScanOptions& options);

}  // namespace brick::registry
