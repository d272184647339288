// PNG pictures of a model's values (docs/images.md): a grid of small grey images (`pm sample
// --png`, `pm encode --reconstruct`) and a scatter of 2-D points coloured by label (`pm
// encode --png`). Written with stb_image_write (Debian's libstb-dev), through
// write_file_atomically so that a failure leaves no half-written file.
//
//   std::optional<ImageShape> shape = image_shape(64, "", error);        // 8 x 8
//   Canvas grid = image_grid(values, 64 /*images*/, *shape, {.scale = 4});
//   write_png(grid, "grid.png");
//
// Images: each row of an N x D matrix is one image of H x W = D pixels, read row by row
// (pixel (r, c) is element r * W + c of the row), so a digit flattened in C order comes out
// upright. Values are grey levels: 0 black, 1 white, clamped to [0, 1] (NaN shown black).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace pm::cli {

using Rgb = std::array<std::uint8_t, 3>;

// An RGB picture, row-major from the top-left corner.
class Canvas {
 public:
  Canvas(std::size_t width, std::size_t height, Rgb background);
  std::size_t width() const { return width_; }
  std::size_t height() const { return height_; }
  // Pixels outside the canvas are ignored, so shapes may be drawn across its border.
  void set(std::ptrdiff_t x, std::ptrdiff_t y, Rgb color);
  Rgb at(std::size_t x, std::size_t y) const;
  void fill_rectangle(std::ptrdiff_t x, std::ptrdiff_t y, std::size_t width, std::size_t height, Rgb color);
  // `other` with its top-left corner at (x, y).
  void paste(const Canvas& other, std::ptrdiff_t x, std::ptrdiff_t y);
  const std::vector<std::uint8_t>& bytes() const { return bytes_; }

 private:
  std::size_t width_, height_;
  std::vector<std::uint8_t> bytes_;  // 3 per pixel
};

struct ImageShape {
  std::size_t height = 0, width = 0;
};

// The shape of one image of `length` pixels: `text` "HxW" (H * W must be length), or, when
// `text` is empty, a square sqrt(length) x sqrt(length). Nullopt with a sentence in `error`.
std::optional<ImageShape> image_shape(std::size_t length, const std::string& text, std::string& error);

struct GridOptions {
  std::size_t scale = 4;    // each value becomes scale x scale pixels (nearest neighbour)
  std::size_t columns = 0;  // images per row; 0: ceil(sqrt(count)), as square as possible
};

// `count` images of `shape`, one after another in `values` (row-major N x D), laid out left
// to right, top to bottom, with a 1-pixel gap (kGridGap) between and around them.
Canvas image_grid(std::span<const double> values, std::size_t count, ImageShape shape, const GridOptions& options);

// `top` above `bottom`, separated by a band of `gap` pixels.
Canvas stack_vertically(const Canvas& top, const Canvas& bottom, std::size_t gap);

struct ScatterOptions {
  std::size_t size = 480;    // the plot's side in pixels
  std::size_t marker = 5;    // a point is a marker x marker square
  bool legend = true;        // a strip of the 10 label colours under the plot, each with its digit (label 0 first)
};

// Points (x[k], y[k]) coloured by kPalette[label[k] mod 10] (empty `labels`: all the first
// colour), in a frame spanning the data's range plus a 5% margin each side; grey lines at
// x = 0 and y = 0 when they fall inside. y grows upwards.
Canvas scatter_plot(std::span<const double> x, std::span<const double> y, std::span<const std::int64_t> labels,
                    const ScatterOptions& options);

// Ten well-separated colours (matplotlib's "tab10"), one per digit.
extern const std::array<Rgb, 10> kPalette;
inline constexpr Rgb kGridGap = {70, 100, 170};

// Encodes `canvas` as PNG and writes it atomically; false after printing `pm: cannot write`.
bool write_png(const Canvas& canvas, const std::string& path);

}  // namespace pm::cli
