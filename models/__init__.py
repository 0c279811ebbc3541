"""Face models: detectors, embedders, model packs and their ONNX Runtime sessions."""
