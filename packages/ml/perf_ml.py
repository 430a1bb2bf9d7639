"""perf_ml: report phases, progress, throughput and convergence diagnostics to @perf/ml's runJob.

Standard library only. Under runJob the messages go to the fd named by PERF_ML_FD (JSON lines); run on its
own, they go to stdout behind the '@perf-ml ' prefix. Set PERF_ML_DISABLE=1 to silence it. A failed write
disables reporting instead of raising into the model code.

    import perf_ml as perf
    with perf.phase("sampling"):
        idata = pm.sample(...)
    perf.diagnostics(r_hat=..., ess_bulk=..., divergences=..., chains=4)
    perf.progress(done, total)
"""

import contextlib
import json
import math
import os
import sys
import threading
import time

__all__ = ["phase", "start_phase", "progress", "throughput", "diagnostics", "report_inference_data", "enabled"]

PREFIX = "@perf-ml "
_lock = threading.Lock()
_disabled = bool(os.environ.get("PERF_ML_DISABLE"))
_fd = None
try:
    _n = int(os.environ.get("PERF_ML_FD", ""))
    _fd = _n if _n >= 3 else None
except ValueError:
    _fd = None


def enabled():
    """True while messages are being written."""
    return not _disabled


def _clean(value):
    # JSON has no NaN or infinity; a diagnostic that is not a finite number is left out, not sent broken.
    if value is None:
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _send(message):
    global _disabled
    if _disabled:
        return
    line = json.dumps({k: v for k, v in message.items() if v is not None}, separators=(",", ":"))
    try:
        with _lock:
            if _fd is not None:
                os.write(_fd, (line + "\n").encode("utf-8"))
            else:
                sys.stdout.write(PREFIX + line + "\n")
                sys.stdout.flush()
    except (OSError, ValueError):
        _disabled = True


def start_phase(name):
    """Starts a phase; call the returned function (optionally with ok=False) to end it."""
    t0 = time.perf_counter()
    _send({"t": "phase", "event": "start", "name": str(name)})
    done = []

    def end(ok=True):
        if done:
            return
        done.append(True)
        _send({"t": "phase", "event": "end", "name": str(name), "ms": (time.perf_counter() - t0) * 1000.0, "ok": bool(ok)})

    return end


@contextlib.contextmanager
def phase(name):
    """Times the block as a named phase (ok=False when it raises)."""
    end = start_phase(name)
    try:
        yield
    except BaseException:
        end(False)
        raise
    end(True)


def progress(done, total=None):
    """Work done so far, of total."""
    _send({"t": "progress", "done": _clean(done), "total": _clean(total)})


def throughput(items, seconds):
    """items processed in seconds; runJob reports it as items per hour."""
    _send({"t": "throughput", "items": _clean(items), "seconds": _clean(seconds)})


def diagnostics(r_hat=None, ess_bulk=None, ess_tail=None, divergences=None, chains=None, draws=None):
    """Convergence diagnostics: max R-hat, min bulk/tail ESS (all chains), post-tuning divergences, chains."""
    _send(
        {
            "t": "diagnostics",
            "r_hat": _clean(r_hat),
            "ess_bulk": _clean(ess_bulk),
            "ess_tail": _clean(ess_tail),
            "divergences": _clean(divergences),
            "chains": _clean(chains),
            "draws": _clean(draws),
        }
    )


def report_inference_data(idata):
    """Sends diagnostics computed from a PyMC InferenceData with ArviZ (imported only when called)."""
    import arviz as az  # noqa: PLC0415 - optional, only for PyMC users

    r_hat = float(az.rhat(idata).to_array().max())
    ess_bulk = float(az.ess(idata, method="bulk").to_array().min())
    ess_tail = float(az.ess(idata, method="tail").to_array().min())
    posterior = idata.posterior
    divergences = int(idata.sample_stats["diverging"].sum()) if "sample_stats" in idata.groups() else None
    diagnostics(
        r_hat=r_hat,
        ess_bulk=ess_bulk,
        ess_tail=ess_tail,
        divergences=divergences,
        chains=posterior.sizes["chain"],
        draws=posterior.sizes["draw"],
    )
