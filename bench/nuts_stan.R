#!/usr/bin/env Rscript
# Stan's side of bench/nuts_bench.py: rstan::sampling with 4 chains x (1000 warmup + 1000
# draws), one core, the given seed; prints one JSON line: warmup and sampling seconds (summed
# over chains, from get_elapsed_time) and the minimum bulk ESS over the parameters
# (posterior::ess_bulk, as pm computes it), divergences.
#   usage: Rscript nuts_stan.R MODEL.stan DATA.json SEED CACHE_DIR
suppressPackageStartupMessages({ library(rstan); library(posterior); library(jsonlite) })
rstan_options(boost_lib = "/usr/include", auto_write = FALSE)
args <- commandArgs(trailingOnly = TRUE)
cache <- file.path(args[4], paste0(tools::file_path_sans_ext(basename(args[1])), ".rds"))
dir.create(args[4], showWarnings = FALSE, recursive = TRUE)
model <- if (file.exists(cache)) readRDS(cache) else { m <- stan_model(args[1]); saveRDS(m, cache); m }
fit <- sampling(model, data = jsonlite::fromJSON(args[2]), chains = 4, iter = 2000, warmup = 1000,
                seed = as.integer(args[3]), cores = 1, refresh = 0)
times <- get_elapsed_time(fit)
draws <- as.array(fit)
params <- setdiff(dimnames(draws)[[3]], "lp__")
ess <- min(sapply(params, function(p) posterior::ess_bulk(draws[, , p])))
div <- sum(sapply(get_sampler_params(fit, inc_warmup = FALSE), function(x) sum(x[, "divergent__"])))
cat(jsonlite::toJSON(list(warmup_s = sum(times[, "warmup"]), sampling_s = sum(times[, "sample"]),
                          min_ess_bulk = ess, divergences = div), auto_unbox = TRUE), "\n")
