"""The machine line the side-by-side peer scripts print next to their ratios: the CPU model and the
BLAS kernels the Python side's matrix products ran with (numpy's, torch's). A ratio measured where
OpenBLAS fell back to its SSE3 "Prescott" kernels (a CPU its version does not know) says little
about another machine; hifa's tools report their own side (trainer/runtime/blas_core.hpp).

Call machine_line() after importing numpy / torch: it names the BLAS libraries loaded by then.
"""
import ctypes
import os
import platform
import sys


def cpu_model():
    """/proc/cpuinfo's first "model name" ("AMD EPYC"), else what platform knows."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name") and ":" in line:
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _threadpoolctl_blas():
    """["openblas 0.3.21 Cooperlake", ...] by threadpoolctl (Debian: python3-threadpoolctl), or None."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    found = []
    for lib in threadpool_info():
        if lib.get("user_api") == "blas":
            found.append(" ".join(str(lib[k]) for k in ("internal_api", "version", "architecture") if lib.get(k)))
    return found


def _loaded_openblas():
    """Without threadpoolctl: OpenBLAS's own openblas_get_corename/config in the libraries this
    process mapped (Debian's libblas.so.3 and libopenblas.so.0, wheels' libopenblas*/libscipy_openblas*)."""
    paths = []
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                path = line.split()[-1]
                if "blas" in os.path.basename(path) and path not in paths:
                    paths.append(path)
    except OSError:
        return []
    found = []
    for path in paths:
        try:
            lib = ctypes.CDLL(path, mode=os.RTLD_NOLOAD | os.RTLD_LAZY)  # only ones already loaded
        except OSError:
            continue
        for suffix in ("", "64_"):  # the 64-bit-integer builds of wheels suffix their symbols
            core = getattr(lib, "openblas_get_corename" + suffix, None)
            config = getattr(lib, "openblas_get_config" + suffix, None)
            if core is None or config is None:
                continue
            core.restype = config.restype = ctypes.c_char_p
            words = config().decode().split()
            version = words[1] if len(words) > 1 else "?"
            line = f"openblas {version} {core().decode()}"
            if line not in found:
                found.append(line)
            break
    return found


def blas_cores():
    """The BLAS kernels of this process, e.g. "openblas 0.3.21 Cooperlake"."""
    found = _threadpoolctl_blas()
    how = ""
    if found is None:
        found, how = _loaded_openblas(), " (threadpoolctl not installed: read from OpenBLAS itself)"
    torch = sys.modules.get("torch")
    if torch is not None and torch.backends.mkl.is_available():
        found.append("mkl (in torch)")
    if not found:
        return "none found" + (how or " by threadpoolctl")
    chosen = os.environ.get("OPENBLAS_CORETYPE")
    return ", ".join(found) + how + (f", OPENBLAS_CORETYPE={chosen} from the environment" if chosen else "")


def machine_line():
    """"cpu: AMD EPYC; python blas: openblas 0.3.21 Cooperlake"."""
    return f"cpu: {cpu_model()}; python blas: {blas_cores()}"
