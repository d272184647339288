// <Eigen/Dense> without GCC 12's false -W(maybe-)uninitialized warnings from the AVX-512
// intrinsics that Eigen's kernels inline under -march=native (dozens per translation unit,
// all in avx512fintrin.h; GCC bug 105593). The pragma must surround the include: the
// warning is attributed to the intrinsics header's lines. Nothing else is silenced.
#pragma once

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <Eigen/Dense>
#pragma GCC diagnostic pop
