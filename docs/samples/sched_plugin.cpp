// docs/components.md, "Component types from plugins".
#include <brick/plugin.h>

// [sample:plugin]
class EulerScheduler : public brick::ComponentType {
 public:
  explicit EulerScheduler(brick::ValueRef config) { scale = config["scale"].as<double>(); }
  brick::Value call(const std::string& method, brick::ValueRef args) override {
    if (method == "step") return brick::Value(args[size_t{0}].as<double>() * scale);
    return brick::ComponentType::call(method, args);  // "no method ..."
  }
  double scale = 1.0;
};
BRICK_PLUGIN("sched", "1.0", "schedulers") { plugin.add_component<EulerScheduler>("EulerScheduler"); }
// [/sample:plugin]
