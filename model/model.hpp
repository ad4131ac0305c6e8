// Defining a model: the code under test, its tasks, its parameters and its
// checks, registered under a name that scenario files use.
//
// A model is a class W, built afresh for every execution:
//
//   struct my_queue {
//     my_queue(kernel& k, const model_args& args);        // required: make the
//         // locks, wait queues and shared data, then start the tasks
//         // (k.kthread_run) that run the code under test.
//     std::string work_left(TaskId sleeper, ObjectId wq) const;  // optional
//     void at_end(kernel& k);                                    // optional
//   };
//   const register_model<my_queue> registered{{.name = "my_queue", ...}};
//
// - work_left: the execution ended with nothing enabled and `sleeper` asleep,
//   last enqueued on wait queue `wq` (compare with a wait_queue_head's `id`).
//   Say what work remains for it ("an item is queued: len = 1"), or "" when
//   none does (then it is a deadlock, not a lost wakeup). A model without
//   work_left still gets lost-wakeup findings: a task asleep on a wait queue
//   at the end is one, with a generic explanation.
// - at_end: every task returned; check what must hold at the end (every item
//   delivered, ...) with wc_assert (model/assert.hpp).
//
// Registration happens during static initialisation, from the model's own
// .cpp: link that .cpp's object into the executable (an executable's sources
// or an OBJECT library, not a static library, whose unreferenced objects the
// linker drops). A registration that is wrong (a name taken twice, a default
// outside its range) is reported by registry_problem(), which wakecheck::main
// prints at startup before doing anything else.
#pragma once

#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "checker/program.hpp"
#include "model/kernel/sched.hpp"

namespace wakecheck {

enum class param_type : std::uint8_t { integer, boolean };

// One parameter a model declares; a scenario sets it in its [workload] table.
struct param {
  std::string name;  // the [workload] key
  param_type type = param_type::integer;
  std::int64_t min = 0;  // integers: the accepted range, inclusive
  std::int64_t max = 0;
  std::optional<std::int64_t> default_value;  // none: every scenario must set it
  std::string doc;                            // one line, shown by `wakecheck list`
};

param int_param(std::string name, std::int64_t min, std::int64_t max, std::int64_t default_value,
                std::string doc);
// An integer every scenario must set.
param required_int_param(std::string name, std::int64_t min, std::int64_t max, std::string doc);
param bool_param(std::string name, bool default_value, std::string doc);

// The parameter values of one scenario, by name. Booleans are 0 or 1.
class param_values {
 public:
  param_values() = default;
  param_values(std::initializer_list<std::pair<std::string, std::int64_t>> values);

  // The value of `name`. Throws std::out_of_range naming it when it has none:
  // inside a model that becomes a model-error finding.
  std::int64_t get(std::string_view name) const;
  bool flag(std::string_view name) const { return get(name) != 0; }
  const std::int64_t* find(std::string_view name) const;
  // Sets (or replaces) a value.
  void set(std::string name, std::int64_t value);
  const std::vector<std::pair<std::string, std::int64_t>>& values() const { return values_; }

 private:
  std::vector<std::pair<std::string, std::int64_t>> values_;  // in the order they were set
};

// What a scenario chose, as the model's constructor sees it.
struct model_args {
  std::string_view variant;  // one of the model's variants ("" when it declares none)
  const param_values& params;
};

// A constraint across parameters that one scenario broke. `param` names the
// parameter a scenario file's message points at.
struct param_issue {
  std::string param;
  std::string message;
};

struct model_spec {
  std::string name{};  // what `model = "..."` names: letters, digits, '_' and '-'
  // Bump it when the model's behaviour changes: schedule files record it, and
  // replaying one made with another version is refused rather than diverging.
  int version = 1;
  std::string summary{};                // one line, shown by `wakecheck list`
  std::vector<std::string> variants{};  // none: scenarios name no variant
  std::vector<param> params{};
  // Constraints across parameters (each value is already within its range).
  std::vector<param_issue> (*check_params)(const param_values&) = nullptr;
};

namespace detail {

// A model's class behind one interface; see the top of this file.
class world {
 public:
  virtual ~world() = default;
  // nullopt: the model has no work_left.
  virtual std::optional<std::string> work_left(TaskId sleeper, ObjectId wq) const = 0;
  virtual void at_end(kernel& k) = 0;
};

template <class W>
class world_of final : public world {
  // A member of the right name with the wrong signature would otherwise be
  // taken for an absent one, and silently never called.
  static_assert(
      !requires { &W::work_left; } ||
          requires(const W& w, TaskId t, ObjectId o) { std::string(w.work_left(t, o)); },
      "a model's work_left must be callable as `std::string work_left(TaskId sleeper, "
      "ObjectId wq) const`");
  static_assert(
      !requires { &W::at_end; } || requires(W & w, kernel& k) { w.at_end(k); },
      "a model's at_end must be callable as `void at_end(kernel& k)`");

 public:
  world_of(kernel& k, const model_args& args) : w_(k, args) {}
  std::optional<std::string> work_left(TaskId sleeper, ObjectId wq) const override {
    if constexpr (requires { std::string(w_.work_left(sleeper, wq)); })
      return std::string(w_.work_left(sleeper, wq));
    else
      return std::nullopt;
  }
  void at_end(kernel& k) override {
    if constexpr (requires { w_.at_end(k); }) w_.at_end(k);
  }

 private:
  W w_;
};

using world_factory = std::unique_ptr<world> (*)(kernel&, const model_args&);

template <class W>
std::unique_ptr<world> make_world(kernel& k, const model_args& args) {
  return std::make_unique<world_of<W>>(k, args);
}

void add_model(model_spec spec, world_factory make, SourceLoc site);

}  // namespace detail

// A class that can be a model: built from the kernel and the scenario's choices.
template <class W>
concept model_world = std::constructible_from<W, kernel&, const model_args&>;

// Registers W under spec.name; define one at namespace scope in the model's .cpp.
template <model_world W>
class register_model {
 public:
  explicit register_model(model_spec spec, SourceLoc site = SourceLoc::current()) {
    detail::add_model(std::move(spec), &detail::make_world<W>, site);
  }
};

class registered_model {
 public:
  registered_model(model_spec spec, detail::world_factory factory, SourceLoc site)
      : spec_(std::move(spec)), make_(factory), site_(site) {}

  const model_spec& spec() const { return spec_; }
  const std::string& name() const { return spec_.name; }
  int version() const { return spec_.version; }
  // Where it was registered ("model/queues/boundedq.cpp:300").
  SourceLoc site() const { return site_; }
  const param* find_param(std::string_view name) const;

  // The model as the engine runs it: a fresh kernel and world per execution.
  // REQUIRES: `variant` is one of its variants ("" if none), `values` holds
  // every parameter within its range (scenario validation ensures both).
  std::unique_ptr<Program> make(std::string_view variant, const param_values& values) const;

 private:
  model_spec spec_;
  detail::world_factory make_;
  SourceLoc site_;
};

// Every registered model, sorted by name.
std::vector<const registered_model*> registered_models();
const registered_model* find_model(std::string_view name);
std::vector<std::string_view> registered_model_names();
// What was wrong with the registrations ("" when nothing): one line each.
std::string registry_problem();

}  // namespace wakecheck
