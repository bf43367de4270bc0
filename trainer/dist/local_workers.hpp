#pragma once
// `hifa train --nproc N`: the single-machine launch of a data-parallel run without torchrun. The
// command runs itself N times (its own /proc/self/cmdline without --nproc), each worker with
// torchrun's variables (RANK, LOCAL_RANK, WORLD_SIZE, LOCAL_WORLD_SIZE, MASTER_ADDR 127.0.0.1,
// MASTER_PORT a free port unless the caller set one), `--threads threads_per_worker`, and its
// threads kept on its own cores (OMP_PLACES, OMP_PROC_BIND close): without that, libgomp would
// bind every worker's first thread to core 0.
//
//   int code = run_local_workers(2, 1);   // 0 when every worker succeeded
//
// Workers print as they would alone (dist: only rank 0 reports progress). SIGINT and SIGTERM
// reach every worker (each checkpoints and stops at the same step); a launcher killed outright
// (SIGKILL) sends its workers SIGTERM through the kernel (PR_SET_PDEATHSIG). When one worker fails, the
// others get SIGTERM, SIGKILL 10 s later; the return value is then 1 and `failure` says which rank
// failed first and how ("rank 1 was killed by signal 9; the other ranks were stopped"), or that the
// run was interrupted (a SIGINT or SIGTERM reached this process: every worker checkpointed).
// Errors (hifa::Error): a worker that cannot be started; no free port.

#include <string>

namespace hifa::trainer {

int run_local_workers(int count, int threads_per_worker, std::string* failure);

// A TCP port on 127.0.0.1 that is free now (the kernel's pick for port 0).
int free_loopback_port();

}  // namespace hifa::trainer
