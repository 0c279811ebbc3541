"""The one place that builds ONNX Runtime sessions: providers and thread policy."""

from __future__ import annotations

import logging
from pathlib import Path

import onnxruntime as ort

logger = logging.getLogger(__name__)


def available_providers() -> list[str]:
    """CUDA when this onnxruntime build and machine have it, then the CPU."""
    have = set(ort.get_available_providers())
    chosen = [p for p in ("CUDAExecutionProvider",) if p in have]
    return [*chosen, "CPUExecutionProvider"]


def create_session(path: Path, *, threads: int = 0) -> ort.InferenceSession:
    """Build an inference session; `threads=0` lets ONNX Runtime use every core."""
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    # Idle worker threads otherwise spin waiting for work: on a 2-core box the detector's
    # and the embedder's spinning threads steal the CPU from each other and from numpy
    # (measured 50.8 -> 33.3 ms median per LFW image, same embeddings; docs/benchmarks.md).
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3
    session = ort.InferenceSession(str(path), sess_options=options, providers=available_providers())
    logger.debug("session for %s on %s", path.name, session.get_providers())
    return session
