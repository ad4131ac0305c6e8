// wakecheck: check your own kernel-style wait-queue and queue code.
//
// The one header a user includes. What each part offers, and where its
// contract is written down:
//
//   model/model.hpp         defining a model: its class, parameters, variants,
//                           version, work_left and at_end; register_model
//   model/assert.hpp        WC_ASSERT / wc_assert: an `invariant` finding at its line
//   model/kernel/sched.hpp  task_struct, kernel::kthread_run, task states,
//                           set_current_state, schedule, wake_up_process
//   model/kernel/spinlock.hpp  spinlock_t, spin_lock / spin_unlock (+ _irq, _irqsave)
//   model/kernel/wait.hpp   wait_queue_head, DEFINE_WAIT, prepare_to_wait(_exclusive),
//                           finish_wait, wake_up(_all, _nr, _interruptible, _locked),
//                           wait_event, wait_event_lock_irq, sleep_on,
//                           add/remove_wait_queue and the locked __ forms
//   model/kernel/mutex.hpp  struct mutex: mutex_lock / mutex_unlock / mutex_trylock
//   model/kernel/semaphore.hpp  struct semaphore: down / up / down_trylock
//   model/kernel/completion.hpp struct completion: complete(_all), wait_for_completion
//   checker/shared.hpp      shared_var, shared_fifo: shared data, guarded by a
//                           declared lock or not (then every access interleaves)
//   scenarios/scenario.hpp  Scenario: a scenario file's contents, or one made in code
//   cli/commands.hpp        check_scenario / check_scenario_file: run one scenario
//                           and get its verdict, counts and trace text
//   cli/main.hpp            wakecheck::main: the `run | replay | check | list` CLI
//
// Everything is in namespace wakecheck.
#pragma once

#include "checker/shared.hpp"
#include "cli/commands.hpp"
#include "cli/main.hpp"
#include "model/assert.hpp"
#include "model/kernel/completion.hpp"
#include "model/kernel/list.hpp"
#include "model/kernel/mutex.hpp"
#include "model/kernel/sched.hpp"
#include "model/kernel/semaphore.hpp"
#include "model/kernel/spinlock.hpp"
#include "model/kernel/wait.hpp"
#include "model/model.hpp"
#include "scenarios/scenario.hpp"
