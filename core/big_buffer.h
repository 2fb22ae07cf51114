#pragma once
// Allocator for the large per-run buffers (the per-path sample): blocks of
// 4 MiB and more are aligned to 2 MiB and marked for transparent huge pages
// (madvise MADV_HUGEPAGE), so the kernel maps them 2 MiB at a time. With 4 KiB
// pages a 10^5-path sample (2.3 GB) costs over half a million page faults on
// first touch, which on a virtual machine took a quarter of a 2,000-path run
// (docs/performance.md). Where huge pages are unavailable the advice is
// ignored and the buffer behaves like any other. Small blocks go to malloc.
//
// Elements are default-initialised, not zeroed: a BigBuffer<double>(n) or
// resize(n) leaves its values indeterminate, to be written before they are
// read. Zeroing a sample before the simulation fills it was a serial pass
// over all of its memory in the main thread; without it, each page is first
// touched by the worker thread that fills it.
#include <cstddef>
#include <cstdlib>
#include <new>
#include <utility>
#include <vector>

#include <sys/mman.h>

namespace pfsim {

template <class T>
struct BigBufferAllocator {
  using value_type = T;
  static constexpr std::size_t kHugePage = std::size_t{2} << 20;
  static constexpr std::size_t kThreshold = std::size_t{4} << 20;

  BigBufferAllocator() = default;
  template <class U>
  BigBufferAllocator(const BigBufferAllocator<U>&) noexcept {}

  T* allocate(std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
    if (bytes < kThreshold) {
      void* p = std::malloc(bytes == 0 ? 1 : bytes);
      if (!p) throw std::bad_alloc();
      return static_cast<T*>(p);
    }
    const std::size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
    void* p = std::aligned_alloc(kHugePage, rounded);
    if (!p) throw std::bad_alloc();
    madvise(p, rounded, MADV_HUGEPAGE);  // advice only: failure changes nothing but speed
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t) noexcept { std::free(p); }
  // Default-initialisation for value-initialisation (no zeroing), as above.
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    if constexpr (sizeof...(Args) == 0)
      ::new (static_cast<void*>(p)) U;
    else
      ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }

  template <class U>
  bool operator==(const BigBufferAllocator<U>&) const noexcept { return true; }
};

template <class T>
using BigBuffer = std::vector<T, BigBufferAllocator<T>>;

}  // namespace pfsim
