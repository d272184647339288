#!/usr/bin/env Rscript
# The reference posteriors of the model-class suite (bench/classes/ref/NAME.csv), computed
# outside pm: rstan's NUTS (Debian's r-cran-rstan, Stan 2.21) on NAME.stan with NAME.json,
# 4 chains x 10,000 draws after 2,000 warmup, adapt_delta 0.95 (factor and sv_nc: 0.99, where 0.95
# left 1 and 9 divergent transitions in 40,000), one core, seed 1.
# Each ref/NAME.csv holds parameter,mean,sd for the hyper-parameters, the item / loading /
# regression parameters and every 10th per-observation latent (pm's names: alpha[3]); the
# reference's own diagnostics (max R-hat and min bulk ESS by the posterior package, over
# every parameter, divergences, seconds) go to ref/diagnostics.csv. A reference is usable
# only when its R-hat < 1.01 and it has no divergences; the script says so per model.
#   usage (from bench/classes/):  Rscript make_refs.R [NAME ...]     (default: all five)
# mixreg's chains start at the simulation's values (all four at the same point): from
# rstan's random starts a chain can stick in a local mode where, the intercepts ordered, one
# component sits on the wrong line and the other spreads over both (sigma ~2.5; log density
# 128 lower, so its posterior mass is ~e^-128 and the main mode alone is the posterior).
# Compiled models are cached in $STAN_CACHE (default /tmp/stan_cache), keyed by the md5 of
# the .stan source.
suppressPackageStartupMessages({ library(rstan); library(posterior); library(jsonlite) })
rstan_options(boost_lib = "/usr/include", auto_write = FALSE)
models <- commandArgs(trailingOnly = TRUE)
if (length(models) == 0) models <- c("rats", "mixreg", "irt2pl", "factor", "sv_nc")
cache_dir <- Sys.getenv("STAN_CACHE", "/tmp/stan_cache")
dir.create(cache_dir, showWarnings = FALSE, recursive = TRUE)
dir.create("ref", showWarnings = FALSE)

# every 10th element of the per-observation latents; everything else whole
thinned <- c(theta = 10, f = 10, h_std = 10, h = 10)
keep <- function(name) {
  base <- sub("\\[.*", "", name)
  if (!(base %in% names(thinned))) return(TRUE)
  i <- as.integer(sub("^[^[]*\\[([0-9]+)\\]$", "\\1", name))
  (i - 1) %% thinned[[base]] == 0
}

compiled <- function(stan_file) {
  key <- unname(tools::md5sum(stan_file))
  rds <- file.path(cache_dir, paste0(tools::file_path_sans_ext(basename(stan_file)), "_", key, ".rds"))
  if (file.exists(rds)) return(readRDS(rds))
  m <- stan_model(stan_file)
  saveRDS(m, rds)
  m
}

diag_file <- "ref/diagnostics.csv"
diags <- if (file.exists(diag_file)) read.csv(diag_file, stringsAsFactors = FALSE) else NULL
for (name in models) {
  model <- compiled(paste0(name, ".stan"))
  data <- fromJSON(paste0(name, ".json"))
  init <- if (name == "mixreg")
    rep(list(list(lambda = 0.5, alpha = c(-1, 2), beta = c(1.5, -1), sigma = c(0.5, 0.7))), 4) else "random"
  start <- Sys.time()
  fit <- sampling(model, data = data, chains = 4, iter = 12000, warmup = 2000, seed = 1, init = init,
                  cores = 1, refresh = 0, control = list(adapt_delta = if (name %in% c("factor", "sv_nc")) 0.99 else 0.95))
  seconds <- as.numeric(difftime(Sys.time(), start, units = "secs"))
  draws <- as_draws_array(fit)
  summ <- summarise_draws(draws, "mean", "sd", "rhat", "ess_bulk")
  summ <- as.data.frame(summ[summ$variable != "lp__", ])
  for (col in c("mean", "sd", "rhat", "ess_bulk")) summ[[col]] <- as.numeric(summ[[col]])
  div <- sum(sapply(get_sampler_params(fit, inc_warmup = FALSE), function(x) sum(x[, "divergent__"])))
  row <- data.frame(model = name, max_rhat = max(summ$rhat), min_ess_bulk = min(summ$ess_bulk),
                    divergences = div, seconds = round(seconds, 1))
  kept <- summ[sapply(summ$variable, keep), ]
  write.csv(data.frame(parameter = kept$variable, mean = signif(kept$mean, 7), sd = signif(kept$sd, 7)),
            paste0("ref/", name, ".csv"), row.names = FALSE, quote = FALSE)
  if (!is.null(diags)) diags <- diags[diags$model != name, , drop = FALSE]
  diags <- rbind(diags, row)
  write.csv(diags, diag_file, row.names = FALSE, quote = FALSE)
  cat(sprintf("%s: %d parameters kept of %d; max R-hat %.4f, min bulk ESS %.0f, %d divergences, %.0f s: %s\n",
              name, nrow(kept), nrow(summ), row$max_rhat, row$min_ess_bulk, div, seconds,
              if (row$max_rhat < 1.01 && div == 0) "usable" else "NOT USABLE as a reference"))
}
