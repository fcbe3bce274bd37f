#pragma once
// The device glue of the CUDA backend, written once for every kernel file: a scenario's records
// and plan space on the device (device_scenario), and the one translation of CUDA failures into
// dcplan's errors (DCPLAN_RETHROW_DEVICE_ERROR; DCPLAN_CUDA_TRY in cuda_try.cuh).
#include <cstdint>
#include <vector>

#include <thrust/device_vector.h>

#include "cuda_try.cuh"
#include "dcplan/model/model.hpp"
#include "dcplan/scenario/scenario.hpp"
#include "dcplan/scenario/space.hpp"

namespace dcplan::detail {

/// Throws resource_error (no_cuda_device_message) when no usable CUDA device answers.
void require_cuda_device();

/// A copy of a host vector on the current device.
template <class T>
thrust::device_vector<T> to_device(const std::vector<T>& v) {
  return thrust::device_vector<T>(v.begin(), v.end());
}

/// A scenario's records, and its plan space when given, on the current device for as long as
/// the object lives; model() and space() view them from device code. Not copyable: the views
/// point into this object's buffers.
class device_scenario {
public:
  explicit device_scenario(const scenario& sc);
  device_scenario(const scenario& sc, const plan_space& sp);
  device_scenario(const device_scenario&) = delete;
  device_scenario& operator=(const device_scenario&) = delete;

  const model_view& model() const { return model_; }
  /// The plan space's view; only for an object built with a plan space.
  const space_view& space() const { return space_; }
  /// Device memory held, in bytes (the fixed part of the engine's memory budget).
  std::uint64_t bytes() const { return bytes_; }

private:
  thrust::device_vector<accelerator_rec> accelerators_;
  thrust::device_vector<system_rec> systems_;
  thrust::device_vector<cooling_rec> cooling_;
  thrust::device_vector<fabric_rec> fabrics_;
  thrust::device_vector<site_rec> sites_;
  thrust::device_vector<combo> combos_;
  thrust::device_vector<std::uint64_t> starts_;
  model_view model_{};
  space_view space_{};
  std::uint64_t bytes_ = 0;
};

/// The summed time of the device work between each start() and stop() on the default stream, by
/// CUDA events: a kernel's own time, without the host's work around it (engine_result's
/// kernel_seconds). stop() waits for the work to finish.
class event_timer {
public:
  event_timer() {
    DCPLAN_CUDA_TRY(cudaEventCreate(&start_));
    DCPLAN_CUDA_TRY(cudaEventCreate(&stop_));
  }
  ~event_timer() {
    cudaEventDestroy(start_);
    cudaEventDestroy(stop_);
  }
  event_timer(const event_timer&) = delete;
  event_timer& operator=(const event_timer&) = delete;

  void start() { DCPLAN_CUDA_TRY(cudaEventRecord(start_)); }
  void stop() {
    DCPLAN_CUDA_TRY(cudaEventRecord(stop_));
    DCPLAN_CUDA_TRY(cudaEventSynchronize(stop_));
    float ms = 0;
    DCPLAN_CUDA_TRY(cudaEventElapsedTime(&ms, start_, stop_));
    seconds += ms / 1000.0;
  }
  double seconds = 0;

private:
  cudaEvent_t start_{}, stop_{};
};

/// Rethrows the exception being handled as dcplan's error; call it only from a catch block.
/// A thrust::system_error carrying a CUDA code goes through classify_cuda; std::bad_alloc
/// (Thrust's failed device allocation) is resource_error, out of device memory, with `hint`
/// appended; dcplan's own errors and anything else pass unchanged. `where`, `file` and `line`
/// name the code that ran the device work.
[[noreturn]] void rethrow_device_error(const char* where, const char* file, int line,
                                       const char* hint);

} // namespace dcplan::detail

/// Inside a catch (...) around device work: rethrows as dcplan's error (rethrow_device_error).
#define DCPLAN_RETHROW_DEVICE_ERROR(hint)                                                          \
  ::dcplan::detail::rethrow_device_error(__func__, __FILE__, __LINE__, hint)
