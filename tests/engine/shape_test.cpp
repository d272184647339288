// Shapes (canonical order, broadcasting, removal with renumbering) and loop plans.
#include <stdexcept>
#include <vector>

#include <doctest/doctest.h>

#include "engine/tensor/loop_plan.hpp"
#include "engine/tensor/shape.hpp"

using namespace pm::tensor;

TEST_CASE("shape: canonical order, strides, validation") {
  Shape s({Dim{enumeration(0), 3}, Dim{plate(1), 4}, Dim{event(0), 2}, Dim{plate(0), 5}});
  CHECK(s.dim(0).id == event(0));
  CHECK(s.dim(1).id == plate(0));
  CHECK(s.dim(2).id == plate(1));
  CHECK(s.dim(3).id == enumeration(0));
  CHECK(s.element_count() == 120);
  CHECK(s.stride(2) == 10);
  CHECK(s.size_of(plate(1)) == 4);
  CHECK(s.event_rank() == 1);
  CHECK_THROWS_AS(Shape({Dim{event(1), 2}}), std::invalid_argument);  // event dims without a gap
  CHECK_THROWS_AS(Shape({Dim{plate(0), 2}, Dim{plate(0), 2}}), std::invalid_argument);
}

TEST_CASE("shape: removing dims renumbers event dims") {
  Shape matrix_in_plate({Dim{event(0), 3}, Dim{event(1), 4}, Dim{plate(0), 5}});
  Shape without_rows = remove_dims(matrix_in_plate, {event(0)});
  CHECK(without_rows == Shape({Dim{event(0), 4}, Dim{plate(0), 5}}));
  CHECK(kept_dim_positions(matrix_in_plate, {event(0)}) == std::vector<int>{-1, 0, 1});
  CHECK_THROWS_AS(remove_dims(matrix_in_plate, {enumeration(0)}), std::invalid_argument);
}

TEST_CASE("loop plan: merges contiguous dims and broadcasts with stride 0") {
  Shape both({Dim{plate(0), 4}, Dim{enumeration(0), 3}});
  Shape only_enum({Dim{enumeration(0), 3}});
  LoopPlan same = LoopPlan::over(both, {both, both});
  int runs = 0;
  same.for_each_run([&](const std::size_t*, std::size_t length) {
    ++runs;
    CHECK(length == 12);
  });
  CHECK(runs == 1);
  LoopPlan broadcast = LoopPlan::over(both, {both, only_enum});
  std::vector<std::size_t> seen;
  broadcast.for_each_run([&](const std::size_t* offset, std::size_t length) {
    CHECK(length == 4);
    seen.push_back(offset[0]);
    seen.push_back(offset[1]);
  });
  CHECK(broadcast.inner_stride(1) == 0);
  CHECK(seen == std::vector<std::size_t>{0, 0, 4, 1, 8, 2});
  // Walking an arbitrary range in pieces, from the middle of a run.
  LoopPlan::Cursor cursor = broadcast.cursor_at(6);
  std::vector<std::size_t> pieces;
  broadcast.for_each_piece(cursor, 5, [&](const std::size_t* offset, std::size_t length, std::size_t done) {
    pieces.insert(pieces.end(), {offset[0], offset[1], length, done});
  });
  CHECK(pieces == std::vector<std::size_t>{6, 1, 2, 0, 8, 2, 3, 2});
}

TEST_CASE("loop plan: empty shapes run nothing, scalars run once") {
  LoopPlan empty = LoopPlan::over(Shape({Dim{plate(0), 0}}), {Shape({Dim{plate(0), 0}})});
  int runs = 0;
  empty.for_each_run([&](const std::size_t*, std::size_t) { ++runs; });
  CHECK(runs == 0);
  LoopPlan scalar = LoopPlan::over(Shape(), {Shape()});
  scalar.for_each_run([&](const std::size_t*, std::size_t length) {
    ++runs;
    CHECK(length == 1);
  });
  CHECK(runs == 1);
}
