// PNG pictures (image_output.hpp).
#include "cli/image_output.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <iostream>
#include <limits>
#include <stdexcept>
#include <utility>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC
#include <stb/stb_image_write.h>

#include "cli/common.hpp"

namespace pm::cli {

const std::array<Rgb, 10> kPalette = {{{31, 119, 180},
                                       {255, 127, 14},
                                       {44, 160, 44},
                                       {214, 39, 40},
                                       {148, 103, 189},
                                       {140, 86, 75},
                                       {227, 119, 194},
                                       {127, 127, 127},
                                       {188, 189, 34},
                                       {23, 190, 207}}};

Canvas::Canvas(std::size_t width, std::size_t height, Rgb background)
    : width_(width), height_(height), bytes_(3 * width * height) {
  for (std::size_t k = 0; k < width * height; ++k) std::copy(background.begin(), background.end(), bytes_.begin() + 3 * k);
}

void Canvas::set(std::ptrdiff_t x, std::ptrdiff_t y, Rgb color) {
  if (x < 0 || y < 0 || static_cast<std::size_t>(x) >= width_ || static_cast<std::size_t>(y) >= height_) return;
  std::copy(color.begin(), color.end(), bytes_.begin() + 3 * (static_cast<std::size_t>(y) * width_ + static_cast<std::size_t>(x)));
}

Rgb Canvas::at(std::size_t x, std::size_t y) const {
  const std::size_t k = 3 * (y * width_ + x);
  return {bytes_[k], bytes_[k + 1], bytes_[k + 2]};
}

void Canvas::fill_rectangle(std::ptrdiff_t x, std::ptrdiff_t y, std::size_t width, std::size_t height, Rgb color) {
  for (std::size_t dy = 0; dy < height; ++dy)
    for (std::size_t dx = 0; dx < width; ++dx)
      set(x + static_cast<std::ptrdiff_t>(dx), y + static_cast<std::ptrdiff_t>(dy), color);
}

void Canvas::paste(const Canvas& other, std::ptrdiff_t x, std::ptrdiff_t y) {
  for (std::size_t oy = 0; oy < other.height(); ++oy)
    for (std::size_t ox = 0; ox < other.width(); ++ox)
      set(x + static_cast<std::ptrdiff_t>(ox), y + static_cast<std::ptrdiff_t>(oy), other.at(ox, oy));
}

std::optional<ImageShape> image_shape(std::size_t length, const std::string& text, std::string& error) {
  if (length == 0) {
    error = "an image needs at least one pixel";
    return std::nullopt;
  }
  if (text.empty()) {
    const auto side = static_cast<std::size_t>(std::llround(std::sqrt(static_cast<double>(length))));
    if (side * side != length) {
      error = "the images have " + std::to_string(length) + " pixels, not a square number: give --image-shape HxW";
      return std::nullopt;
    }
    return ImageShape{side, side};
  }
  const std::size_t cross = text.find_first_of("xX");
  ImageShape shape;
  try {
    std::size_t used = 0;
    if (cross == std::string::npos) throw std::invalid_argument("no x");
    shape.height = std::stoul(text.substr(0, cross), &used);
    if (used != cross) throw std::invalid_argument("trailing");
    shape.width = std::stoul(text.substr(cross + 1), &used);
    if (used != text.size() - cross - 1) throw std::invalid_argument("trailing");
  } catch (const std::exception&) {
    error = "--image-shape must be HxW (two positive ints, e.g. 28x28), not '" + text + "'";
    return std::nullopt;
  }
  if (shape.height * shape.width != length) {
    error = "--image-shape " + text + " holds " + std::to_string(shape.height * shape.width) +
            " pixels, but each image has " + std::to_string(length);
    return std::nullopt;
  }
  return shape;
}

namespace {

std::uint8_t grey_level(double value) {
  if (std::isnan(value)) return 0;
  return static_cast<std::uint8_t>(std::lround(255.0 * std::clamp(value, 0.0, 1.0)));
}

}  // namespace

Canvas image_grid(std::span<const double> values, std::size_t count, ImageShape shape, const GridOptions& options) {
  const std::size_t scale = std::max<std::size_t>(options.scale, 1);
  const std::size_t columns =
      options.columns > 0 ? options.columns
                          : std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(std::sqrt(static_cast<double>(count)))));
  const std::size_t rows = std::max<std::size_t>(1, (count + columns - 1) / columns);
  const std::size_t cell_width = shape.width * scale, cell_height = shape.height * scale;
  Canvas canvas(columns * (cell_width + 1) + 1, rows * (cell_height + 1) + 1, kGridGap);
  const std::size_t pixels = shape.width * shape.height;
  for (std::size_t image = 0; image < count && (image + 1) * pixels <= values.size(); ++image) {
    const std::size_t left = 1 + (image % columns) * (cell_width + 1), top = 1 + (image / columns) * (cell_height + 1);
    for (std::size_t r = 0; r < shape.height; ++r)
      for (std::size_t c = 0; c < shape.width; ++c) {
        const std::uint8_t level = grey_level(values[image * pixels + r * shape.width + c]);
        canvas.fill_rectangle(static_cast<std::ptrdiff_t>(left + c * scale), static_cast<std::ptrdiff_t>(top + r * scale),
                              scale, scale, {level, level, level});
      }
  }
  return canvas;
}

Canvas stack_vertically(const Canvas& top, const Canvas& bottom, std::size_t gap) {
  Canvas canvas(std::max(top.width(), bottom.width()), top.height() + gap + bottom.height(), {255, 255, 255});
  canvas.paste(top, 0, 0);
  canvas.paste(bottom, 0, static_cast<std::ptrdiff_t>(top.height() + gap));
  return canvas;
}

Canvas scatter_plot(std::span<const double> x, std::span<const double> y, std::span<const std::int64_t> labels,
                    const ScatterOptions& options) {
  constexpr Rgb white = {255, 255, 255}, frame = {60, 60, 60}, zero_line = {215, 215, 215};
  const std::size_t side = std::max<std::size_t>(options.size, 16);
  const std::size_t legend_height = options.legend ? 24 : 0;
  Canvas canvas(side, side + legend_height, white);

  // The data range (finite points only) widened by 5% each side; a zero range by 1.
  auto range = [](std::span<const double> values) {
    double low = std::numeric_limits<double>::infinity(), high = -low;
    for (double v : values)
      if (std::isfinite(v)) low = std::min(low, v), high = std::max(high, v);
    if (!std::isfinite(low)) low = -1, high = 1;
    if (high - low <= 0) low -= 1, high += 1;
    const double margin = 0.05 * (high - low);
    return std::pair{low - margin, high + margin};
  };
  const auto [x_low, x_high] = range(x);
  const auto [y_low, y_high] = range(y);
  const double inner = static_cast<double>(side - 1);
  auto column = [&](double v) { return static_cast<std::ptrdiff_t>(std::lround((v - x_low) / (x_high - x_low) * inner)); };
  auto row = [&](double v) { return static_cast<std::ptrdiff_t>(std::lround((y_high - v) / (y_high - y_low) * inner)); };

  if (x_low < 0 && x_high > 0) canvas.fill_rectangle(column(0.0), 0, 1, side, zero_line);
  if (y_low < 0 && y_high > 0) canvas.fill_rectangle(0, row(0.0), side, 1, zero_line);
  canvas.fill_rectangle(0, 0, side, 1, frame);
  canvas.fill_rectangle(0, static_cast<std::ptrdiff_t>(side - 1), side, 1, frame);
  canvas.fill_rectangle(0, 0, 1, side, frame);
  canvas.fill_rectangle(static_cast<std::ptrdiff_t>(side - 1), 0, 1, side, frame);

  const std::ptrdiff_t half = static_cast<std::ptrdiff_t>(options.marker / 2);
  for (std::size_t k = 0; k < x.size() && k < y.size(); ++k) {
    if (!std::isfinite(x[k]) || !std::isfinite(y[k])) continue;
    const std::int64_t label = k < labels.size() ? labels[k] : 0;
    const Rgb color = kPalette[static_cast<std::size_t>(((label % 10) + 10) % 10)];
    canvas.fill_rectangle(column(x[k]) - half, row(y[k]) - half, options.marker, options.marker, color);
  }
  if (options.legend) {
    // Ten swatches, label 0 to 9 from the left, centred under the plot, each followed by its
    // digit (a 3x5 bitmap font drawn 2x: one bit per pixel, rows top to bottom).
    static constexpr std::array<std::array<std::uint8_t, 5>, 10> kDigits = {{
        {7, 5, 5, 5, 7}, {2, 6, 2, 2, 7}, {7, 1, 7, 4, 7}, {7, 1, 7, 1, 7}, {5, 5, 7, 1, 1},
        {7, 4, 7, 1, 7}, {7, 4, 7, 5, 7}, {7, 1, 1, 1, 1}, {7, 5, 7, 5, 7}, {7, 5, 7, 1, 7},
    }};
    constexpr Rgb ink = {40, 40, 40};
    const std::size_t swatch = 12, step = 24, pixel = 2;
    const std::size_t left = (side - 10 * step) / 2 + 2;
    const std::ptrdiff_t top = static_cast<std::ptrdiff_t>(side + 6);
    for (std::size_t k = 0; k < 10; ++k) {
      const std::ptrdiff_t x0 = static_cast<std::ptrdiff_t>(left + k * step);
      canvas.fill_rectangle(x0, top, swatch, swatch, kPalette[k]);
      for (std::size_t r = 0; r < 5; ++r)
        for (std::size_t c = 0; c < 3; ++c)
          if (kDigits[k][r] & (4u >> c))
            canvas.fill_rectangle(x0 + static_cast<std::ptrdiff_t>(swatch + 2 + c * pixel),
                                  top + 1 + static_cast<std::ptrdiff_t>(r * pixel), pixel, pixel, ink);
    }
  }
  return canvas;
}

bool write_png(const Canvas& canvas, const std::string& path) {
  std::string encoded;
  auto append = [](void* context, void* data, int size) {
    static_cast<std::string*>(context)->append(static_cast<const char*>(data), static_cast<std::size_t>(size));
  };
  const int ok = stbi_write_png_to_func(append, &encoded, static_cast<int>(canvas.width()),
                                        static_cast<int>(canvas.height()), 3, canvas.bytes().data(),
                                        static_cast<int>(3 * canvas.width()));
  if (!ok) {
    std::cerr << "pm: cannot write " << path << ": the PNG encoder failed\n";
    return false;
  }
  return write_file_atomically(path, encoded);
}

}  // namespace pm::cli
